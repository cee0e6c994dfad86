package org.openautoglm.config.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openautoglm.config.document.JsonPointers;
import org.openautoglm.config.document.PositionedDocument;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.OffsetLocator;

/**
 * Translates the compact schema form into JSON Schema 2020-12.
 *
 * <p>The compact form is a mapping of key to field spec, for the people who write most schemas:
 *
 * <pre>
 * host: {type: string, required: true}
 * port: {type: integer, range: [1024, 65535]}
 * mode: {enum: [train, eval]}
 * tags: {type: array, items: string}
 * trainer:
 *   type: object
 *   properties:
 *     lr: {type: number, range: [0, 1]}
 * </pre>
 *
 * A spec may be just a type name ({@code host: string}). Objects are closed: a key the schema does
 * not name is an error (usually a typo), unless the object says {@code additional: true}.
 */
final class CompactSchemaTranslator {
  static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> TYPES =
      Set.of("string", "integer", "number", "boolean", "object", "array", "any");
  private static final List<String> SPEC_KEYS =
      List.of(
          "type",
          "required",
          "range",
          "enum",
          "pattern",
          "length",
          "format",
          "items",
          "properties",
          "additional",
          "nullable",
          "description",
          "default");

  private final PositionedDocument document;
  private final OffsetLocator locator;

  CompactSchemaTranslator(PositionedDocument document, OffsetLocator locator) {
    this.document = document;
    this.locator = locator;
  }

  ObjectNode translate() {
    JsonNode root = document.root();
    if (!root.isObject()) {
      throw error("", "a compact schema is a mapping of config keys to field specs");
    }
    ObjectNode schema = object(root, "", true);
    schema.put("$schema", DIALECT);
    return schema;
  }

  /** The JSON Schema of an object whose properties are the compact fields in {@code fields}. */
  private ObjectNode object(JsonNode fields, String pointer, boolean closed) {
    ObjectNode schema = NODES.objectNode();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = NODES.arrayNode();
    for (Map.Entry<String, JsonNode> field : fields.properties()) {
      String child = JsonPointers.child(pointer, field.getKey());
      JsonNode spec = field.getValue();
      properties.set(field.getKey(), field(spec, child));
      if (spec.isObject() && spec.path("required").asBoolean(false)) {
        required.add(field.getKey());
      }
    }
    if (!required.isEmpty()) {
      schema.set("required", required);
    }
    if (closed) {
      schema.put("additionalProperties", false);
    }
    return schema;
  }

  private ObjectNode field(JsonNode spec, String pointer) {
    if (spec.isTextual()) {
      return typed(spec.asText(), pointer);
    }
    if (!spec.isObject()) {
      throw error(
          pointer,
          "a field spec is a type name (string, integer, ...) or a mapping such as {type: string,"
              + " required: true}");
    }
    for (Iterator<String> keys = spec.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!SPEC_KEYS.contains(key)) {
        throw error(
            JsonPointers.child(pointer, key),
            "unknown key '" + key + "' in a field spec; allowed: " + String.join(", ", SPEC_KEYS));
      }
    }
    String type = spec.has("type") ? text(spec, "type", pointer) : null;
    if (type == null) {
      type = spec.has("properties") ? "object" : spec.has("items") ? "array" : "any";
    }
    ObjectNode schema = typed(type, JsonPointers.child(pointer, "type"));
    if (spec.has("required") && !spec.get("required").isBoolean()) {
      throw error(JsonPointers.child(pointer, "required"), "'required' is true or false");
    }
    if (spec.has("range")) {
      range(spec.get("range"), JsonPointers.child(pointer, "range"), schema, type);
    }
    if (spec.has("length")) {
      length(spec.get("length"), JsonPointers.child(pointer, "length"), schema, type);
    }
    if (spec.has("enum")) {
      JsonNode values = spec.get("enum");
      if (!values.isArray() || values.isEmpty()) {
        throw error(JsonPointers.child(pointer, "enum"), "'enum' is a non-empty list of values");
      }
      schema.set("enum", values.deepCopy());
    }
    if (spec.has("pattern")) {
      String pattern = text(spec, "pattern", pointer);
      try {
        java.util.regex.Pattern.compile(pattern);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw error(
            JsonPointers.child(pointer, "pattern"),
            "invalid regular expression: " + e.getDescription());
      }
      schema.put("pattern", pattern);
    }
    if (spec.has("format")) {
      schema.put("format", text(spec, "format", pointer));
    }
    if (spec.has("description")) {
      schema.put("description", text(spec, "description", pointer));
    }
    if (spec.has("default")) {
      schema.set("default", spec.get("default").deepCopy());
    }
    if (spec.has("items")) {
      if (!type.equals("array")) {
        throw error(JsonPointers.child(pointer, "items"), "'items' needs type: array");
      }
      schema.set("items", field(spec.get("items"), JsonPointers.child(pointer, "items")));
    }
    if (spec.has("properties")) {
      if (!type.equals("object")) {
        throw error(JsonPointers.child(pointer, "properties"), "'properties' needs type: object");
      }
      JsonNode properties = spec.get("properties");
      if (!properties.isObject()) {
        throw error(
            JsonPointers.child(pointer, "properties"),
            "'properties' is a mapping of keys to field specs");
      }
      boolean closed = !spec.path("additional").asBoolean(false);
      ObjectNode nested = object(properties, JsonPointers.child(pointer, "properties"), closed);
      nested.remove("type");
      schema.setAll(nested);
    } else if (type.equals("object") && spec.has("additional")) {
      schema.put("additionalProperties", spec.get("additional").asBoolean(true));
    }
    if (spec.path("nullable").asBoolean(false) && schema.has("type")) {
      ArrayNode types = NODES.arrayNode().add(schema.get("type").asText()).add("null");
      schema.set("type", types);
    }
    return schema;
  }

  private ObjectNode typed(String type, String pointer) {
    if (!TYPES.contains(type)) {
      throw error(
          pointer,
          "unknown type '"
              + type
              + "'; use one of "
              + String.join(", ", TYPES.stream().sorted().toList()));
    }
    ObjectNode schema = NODES.objectNode();
    if (!type.equals("any")) {
      schema.put("type", type);
    }
    return schema;
  }

  private void range(JsonNode range, String pointer, ObjectNode schema, String type) {
    if (!type.equals("integer") && !type.equals("number")) {
      throw error(pointer, "'range' needs type: integer or number");
    }
    JsonNode[] bounds = pair(range, pointer, "range: [1024, 65535] (use null for no bound)");
    if (!bounds[0].isNull()) {
      schema.set("minimum", bounds[0]);
    }
    if (!bounds[1].isNull()) {
      schema.set("maximum", bounds[1]);
    }
  }

  private void length(JsonNode length, String pointer, ObjectNode schema, String type) {
    String prefix;
    if (type.equals("string")) {
      prefix = "Length";
    } else if (type.equals("array")) {
      prefix = "Items";
    } else {
      throw error(pointer, "'length' needs type: string or array");
    }
    JsonNode[] bounds = pair(length, pointer, "length: [1, 63] (use null for no bound)");
    for (int i = 0; i < 2; i++) {
      if (!bounds[i].isNull()) {
        // canConvertToInt() alone accepts 1.5 (and asInt() would make it 1)
        if (!bounds[i].canConvertToExactIntegral()
            || !bounds[i].canConvertToInt()
            || bounds[i].asInt() < 0) {
          throw error(pointer, "length bounds are whole numbers ≥ 0");
        }
        schema.put((i == 0 ? "min" : "max") + prefix, bounds[i].asInt());
      }
    }
  }

  private JsonNode[] pair(JsonNode node, String pointer, String example) {
    if (!node.isArray() || node.size() != 2) {
      throw error(pointer, "expected two bounds, for example " + example);
    }
    JsonNode low = node.get(0);
    JsonNode high = node.get(1);
    for (JsonNode bound : new JsonNode[] {low, high}) {
      if (!bound.isNull() && !bound.isNumber()) {
        throw error(pointer, "bounds are numbers or null, for example " + example);
      }
    }
    if (low.isNumber()
        && high.isNumber()
        && low.decimalValue().compareTo(high.decimalValue()) > 0) {
      throw error(pointer, "the lower bound is greater than the upper bound");
    }
    return new JsonNode[] {low, high};
  }

  private String text(JsonNode spec, String key, String pointer) {
    JsonNode value = spec.get(key);
    if (!value.isTextual()) {
      throw error(JsonPointers.child(pointer, key), "'" + key + "' must be a string");
    }
    return value.asText();
  }

  private ConfigException error(String pointer, String message) {
    return new ConfigException(
        locator.locate(document.offsetForReport(pointer)), "invalid compact schema: " + message);
  }
}
