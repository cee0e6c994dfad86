package org.openautoglm.config.template;

import java.util.List;
import org.openautoglm.config.source.SourceFile;

/**
 * A parsed template: literal text and {@code {{ ... }}} actions, in order.
 *
 * <p>Parse once, render per environment: the environments of a project share one parse.
 */
public record Template(SourceFile source, List<Part> parts) {

  /** A piece of the template. Offsets are character offsets in the template text. */
  public sealed interface Part permits Text, Action {}

  /** Literal text {@code [start, end)} copied to the output as it is. */
  public record Text(int start, int end) implements Part {}

  /**
   * An action {@code [start, end)} whose pipeline's value is written to the output.
   *
   * @param source the action as written, for messages
   */
  public record Action(int start, int end, Pipeline pipeline, String source) implements Part {}

  /** Commands joined by {@code |}; each command's value is the last argument of the next. */
  public record Pipeline(List<Command> commands) {}

  /** One step of a pipeline. */
  public sealed interface Command permits Operand, Call {}

  /** A function applied to its arguments (and to the piped value, if any). */
  public record Call(String function, List<Operand> arguments, int offset) implements Command {}

  /** Something with a value of its own. */
  public sealed interface Operand extends Command permits Field, Literal {}

  /** A value looked up by path: {@code .trainer.lr}. An empty path is the whole value tree. */
  public record Field(List<String> path, int offset) implements Operand {
    public String display() {
      return path.isEmpty() ? "." : "." + String.join(".", path);
    }
  }

  /** A constant written in the template: a string, number, boolean or null. */
  public record Literal(com.fasterxml.jackson.databind.JsonNode value, int offset)
      implements Operand {}
}
