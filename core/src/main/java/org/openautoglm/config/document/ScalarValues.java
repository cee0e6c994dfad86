package org.openautoglm.config.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import org.yaml.snakeyaml.nodes.Tag;

/** Turns a resolved YAML scalar into the JSON value it stands for. */
public final class ScalarValues {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final CoreSchemaResolver RESOLVER = new CoreSchemaResolver();

  private ScalarValues() {}

  /**
   * Reads text the way a plain YAML 1.2 scalar would be read: {@code 5000} is an integer, {@code
   * true} a boolean, {@code null} null, anything else a string. Used for {@code --set k=v}.
   */
  public static JsonNode parsePlain(String text) {
    Tag tag = RESOLVER.resolve(org.yaml.snakeyaml.nodes.NodeId.scalar, text, true);
    JsonNode value = toJson(tag, text);
    return value != null ? value : NODES.textNode(text);
  }

  /**
   * Whether {@code text} is what its core-schema tag says it is. Plain scalars always are (their
   * tag was resolved from the text); an explicit tag may lie: {@code !!int abc}, {@code !!bool
   * maybe}. Other tags are left to {@link #toJson}, which refuses them.
   */
  static boolean fits(Tag tag, String text) {
    if (!Tag.BOOL.equals(tag)
        && !Tag.INT.equals(tag)
        && !Tag.FLOAT.equals(tag)
        && !Tag.NULL.equals(tag)) {
      return true;
    }
    Tag implicit = RESOLVER.resolve(org.yaml.snakeyaml.nodes.NodeId.scalar, text, true);
    boolean decimalInteger =
        Tag.INT.equals(implicit) && !text.contains("0x") && !text.contains("0o");
    return tag.equals(implicit) || (Tag.FLOAT.equals(tag) && decimalInteger);
  }

  /** The JSON value of a scalar with a core-schema tag, or {@code null} for any other tag. */
  static JsonNode toJson(Tag tag, String text) {
    // Merge keys are consumed while composing; a plain << left anywhere else is text (YAML 1.2).
    if (Tag.STR.equals(tag) || Tag.MERGE.equals(tag)) {
      return NODES.textNode(text);
    }
    if (Tag.NULL.equals(tag)) {
      return NODES.nullNode();
    }
    if (Tag.BOOL.equals(tag)) {
      return NODES.booleanNode(text.equalsIgnoreCase("true"));
    }
    if (Tag.INT.equals(tag)) {
      return integer(text);
    }
    if (Tag.FLOAT.equals(tag)) {
      return floating(text);
    }
    return null;
  }

  private static JsonNode integer(String text) {
    BigInteger value;
    if (text.startsWith("0x")) {
      value = new BigInteger(text.substring(2), 16);
    } else if (text.startsWith("0o")) {
      value = new BigInteger(text.substring(2), 8);
    } else {
      value = new BigInteger(text.startsWith("+") ? text.substring(1) : text);
    }
    if (value.compareTo(LONG_MIN) < 0 || value.compareTo(LONG_MAX) > 0) {
      return NODES.numberNode(value);
    }
    long asLong = value.longValue();
    return asLong == (int) asLong ? NODES.numberNode((int) asLong) : NODES.numberNode(asLong);
  }

  private static JsonNode floating(String text) {
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".nan")) {
      return NODES.numberNode(Double.NaN);
    }
    if (lower.endsWith(".inf")) {
      return NODES.numberNode(
          lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    }
    return NODES.numberNode(Double.parseDouble(text));
  }
}
