package org.openautoglm.config.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.config.source.SourcePosition;
import org.openautoglm.config.values.Values;

/**
 * Renders a {@link Template} with {@link Values}, keeping a {@link SourceMap}.
 *
 * <p>How a value is written decides its type once the output is parsed, as in Helm: numbers,
 * booleans and null are written plainly ({@code timeout: {{ .TIMEOUT }}} stays an integer),
 * strings as they are, mappings and lists as JSON flow. {@code quote} and {@code toJson} force a
 * string or JSON form. Two rules keep values from rewriting the document around them: a string
 * with a line break must go through {@code quote} or {@code toJson}, and a value that contains
 * {@code {{} is refused, because values are data and are never rendered again.
 */
public final class TemplateRenderer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEMPLATE_DEFAULT = "default in template";

  private final long maxOutputChars;

  public TemplateRenderer(long maxOutputChars) {
    this.maxOutputChars = maxOutputChars;
  }

  public RenderedTemplate render(Template template, Values values) {
    SourceFile source = template.source();
    String text = source.text();
    StringBuilder out = new StringBuilder(text.length() + 64);
    List<SourceMap.Segment> segments = new ArrayList<>();
    List<Diagnostic> errors = new ArrayList<>();
    List<Integer> errorOffsets = new ArrayList<>();
    for (Template.Part part : template.parts()) {
      int outStart = out.length();
      if (part instanceof Template.Text literal) {
        out.append(text, literal.start(), literal.end());
        segments.add(
            new SourceMap.Segment(outStart, out.length(), literal.start(), false, null, false));
      } else {
        Template.Action action = (Template.Action) part;
        int before = errors.size();
        Outcome outcome = new Evaluation(source, action, values, errors).run();
        for (int i = before; i < errors.size(); i++) {
          errorOffsets.add(outStart);
        }
        out.append(outcome.text());
        segments.add(
            new SourceMap.Segment(
                outStart, out.length(), action.start(), true, outcome.origin(), outcome.failed()));
      }
      if (out.length() > maxOutputChars) {
        throw new ConfigException(
            source.position(0),
            "rendered output is larger than " + maxOutputChars + " characters; check the values");
      }
    }
    SourceFile output = new SourceFile(source.name(), out.toString());
    return new RenderedTemplate(
        output, new SourceMap(source, segments), List.copyOf(errors), List.copyOf(errorOffsets));
  }

  /** What an action wrote, where its value came from, and whether it failed. */
  private record Outcome(String text, String origin, boolean failed) {}

  /**
   * A value flowing through a pipeline.
   *
   * @param node the value, or {@code null} when it is missing
   * @param formatted set once {@code quote}/{@code toJson} turned it into output text
   */
  private record Value(JsonNode node, String origin, String description, boolean formatted) {
    boolean isEmpty() {
      return node == null || node.isNull() || (node.isTextual() && node.asText().isEmpty());
    }
  }

  private static final class Evaluation {
    private final SourceFile source;
    private final Template.Action action;
    private final Values values;
    private final List<Diagnostic> errors;

    Evaluation(SourceFile source, Template.Action action, Values values, List<Diagnostic> errors) {
      this.source = source;
      this.action = action;
      this.values = values;
      this.errors = errors;
    }

    Outcome run() {
      Value value = null;
      for (Template.Command command : action.pipeline().commands()) {
        if (command instanceof Template.Operand operand) {
          value = operand(operand);
        } else {
          value = call((Template.Call) command, value);
          if (value == null) {
            return new Outcome("null", null, true);
          }
        }
      }
      return write(value);
    }

    private Value operand(Template.Operand operand) {
      if (operand instanceof Template.Literal literal) {
        return new Value(literal.value(), null, literal.value().toString(), false);
      }
      Template.Field field = (Template.Field) operand;
      Values.Lookup lookup = values.lookup(field.path());
      return new Value(lookup.value(), lookup.origin(), field.display(), false);
    }

    /** Applies a function; {@code null} means it failed and was reported. */
    private Value call(Template.Call call, Value piped) {
      List<Value> arguments = new ArrayList<>();
      for (Template.Operand operand : call.arguments()) {
        arguments.add(operand(operand));
      }
      if (piped != null) {
        arguments.add(piped);
      }
      Value input = arguments.get(arguments.size() - 1);
      TemplateFunction function = TemplateFunction.byName(call.function()).orElseThrow();
      switch (function) {
        case DEFAULT:
          Value fallback = arguments.get(0);
          return input.isEmpty()
              ? new Value(fallback.node(), TEMPLATE_DEFAULT, input.description(), false)
              : input;
        case REQUIRED:
          if (input.isEmpty()) {
            errors.add(
                error(
                    call.offset(),
                    text(arguments.get(0))
                        + " ("
                        + input.description()
                        + " is required; set it in a values file or with --set)",
                    input.origin()));
            return null;
          }
          return input;
        case QUOTE:
          if (input.node() == null) {
            missing(input);
            return null;
          }
          return new Value(
              JsonNodeFactory.instance.textNode(
                  json(JsonNodeFactory.instance.textNode(text(input)))),
              input.origin(),
              input.description(),
              true);
        case TO_JSON:
          if (input.node() == null) {
            missing(input);
            return null;
          }
          String encoded = json(input.node());
          return new Value(
              JsonNodeFactory.instance.textNode(encoded),
              input.origin(),
              input.description(),
              true);
        default:
          throw new IllegalStateException("unhandled function " + function);
      }
    }

    private Outcome write(Value value) {
      if (value.node() == null) {
        missing(value);
        return new Outcome("null", value.origin(), true);
      }
      JsonNode node = value.node();
      if (value.formatted()) {
        return new Outcome(node.asText(), value.origin(), false);
      }
      if (node.isTextual()) {
        String text = node.asText();
        if (text.contains("{{")) {
          throw new ConfigException(
              position(action.start()),
              "the value of "
                  + value.description()
                  + (value.origin() == null ? "" : " (from " + value.origin() + ")")
                  + " contains '{{'; values are data and are never rendered as templates —"
                  + " remove the braces from the value");
        }
        if (hasLineBreak(text)) {
          errors.add(
              error(
                  action.start(),
                  "the value of "
                      + value.description()
                      + " spans several lines and would change the document's structure; write"
                      + " {{ "
                      + value.description()
                      + " | toJson }} or | quote",
                  value.origin()));
          return new Outcome("null", value.origin(), true);
        }
        return new Outcome(text, value.origin(), false);
      }
      if (node.isContainerNode()) {
        return new Outcome(json(node), value.origin(), false);
      }
      if (node.isFloatingPointNumber() && Double.isFinite(node.doubleValue())) {
        return new Outcome(decimal(node.doubleValue()), value.origin(), false);
      }
      if (node.isFloatingPointNumber()) {
        // YAML's spelling: Java's "Infinity" and "NaN" would read back as strings.
        double number = node.doubleValue();
        String yaml = Double.isNaN(number) ? ".nan" : number > 0 ? ".inf" : "-.inf";
        return new Outcome(yaml, value.origin(), false);
      }
      return new Outcome(node.asText(), value.origin(), false);
    }

    /**
     * A float written so that YAML reads it back as a float and people read it easily: {@code
     * 0.00003} rather than {@code 3.0E-5}, {@code 2.0} rather than {@code 2}.
     */
    private static String decimal(double value) {
      String plain = java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
      return plain.contains(".") ? plain : plain + ".0";
    }

    private void missing(Value value) {
      errors.add(
          error(
              action.start(),
              "no value for "
                  + value.description()
                  + "; set it in a values file or with --set "
                  + value.description().substring(1)
                  + "=..., or add | default ...",
              null));
    }

    /**
     * Whether YAML would see a line break: besides LF and CR, SnakeYAML (YAML 1.1) breaks lines at
     * NEL, LS and PS, so a value holding one could start a new key just as a newline would.
     */
    private static boolean hasLineBreak(String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
          return true;
        }
      }
      return false;
    }

    private String text(Value value) {
      if (value.node() == null) {
        return "";
      }
      // asText() of a mapping or list is "", which would quote a value away without a word.
      return value.node().isContainerNode() ? json(value.node()) : value.node().asText();
    }

    private Diagnostic error(int offset, String message, String origin) {
      return Diagnostic.at(position(offset), null, message).withSource(origin);
    }

    private SourcePosition position(int offset) {
      return source.position(offset);
    }

    private static String json(JsonNode node) {
      try {
        return JSON.writeValueAsString(node);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a JSON tree always serialises", e);
      }
    }
  }
}
