package org.openautoglm.config.document;

import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Resolves plain scalars by the YAML 1.2 core schema instead of SnakeYAML's YAML 1.1 defaults.
 *
 * <p>Under YAML 1.1, {@code country: NO} is {@code false}, {@code on}/{@code yes} are booleans and
 * {@code 2024-01-01} is a timestamp. Configs are full of such values; 1.2 keeps them strings, as
 * JSON Schema users (and every other YAML 1.2 parser) expect.
 */
final class CoreSchemaResolver extends Resolver {
  private static final Pattern CORE_BOOL =
      Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");
  private static final Pattern CORE_INT =
      Pattern.compile("^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$");
  private static final Pattern CORE_FLOAT =
      Pattern.compile(
          "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$");
  private static final Pattern CORE_NULL = Pattern.compile("^(?:~|null|Null|NULL|)$");
  private static final Pattern CORE_MERGE = Pattern.compile("^(?:<<)$");

  @Override
  protected void addImplicitResolvers() {
    addImplicitResolver(Tag.BOOL, CORE_BOOL, "tTfF");
    addImplicitResolver(Tag.INT, CORE_INT, "-+0123456789");
    addImplicitResolver(Tag.FLOAT, CORE_FLOAT, "-+0123456789.");
    addImplicitResolver(Tag.MERGE, CORE_MERGE, "<");
    addImplicitResolver(Tag.NULL, CORE_NULL, "~nN\0");
  }
}
