package org.openautoglm.config.values;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.openautoglm.config.document.JsonPointers;
import org.openautoglm.config.document.PositionedDocument;
import org.openautoglm.config.document.ScalarValues;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.OffsetLocator;

/**
 * Template values, layered, each remembering where it came from.
 *
 * <p>Layers are combined lowest to highest with {@link #overlay}: mappings merge key by key, any
 * other value (lists included) is replaced whole, as in Helm. The origin of every value ("{@code
 * values/prod.yaml:4:10}", "{@code --set TIMEOUT=9000}", "{@code environment variable TIMEOUT}")
 * travels with it, so an error can say which file supplied a bad value.
 */
public final class Values {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ObjectNode root;
  private final NavigableMap<String, String> origins;

  private Values(ObjectNode root, NavigableMap<String, String> origins) {
    this.root = root;
    this.origins = origins;
  }

  public static Values empty() {
    return new Values(NODES.objectNode(), new TreeMap<>());
  }

  /** Values read from a values file; its top level must be a mapping (or empty). */
  public static Values fromDocument(PositionedDocument document, OffsetLocator locator) {
    JsonNode top = document.root();
    if (top.isNull()) {
      return empty();
    }
    if (!top.isObject()) {
      throw new ConfigException(
          locator.locate(document.span("").start()),
          "a values file must be a mapping of names to values, not "
              + (top.isArray() ? "a list" : "a single value"));
    }
    NavigableMap<String, String> origins = new TreeMap<>();
    record(top, "", document, locator, origins);
    return new Values(((ObjectNode) top).deepCopy(), origins);
  }

  private static void record(
      JsonNode node,
      String pointer,
      PositionedDocument document,
      OffsetLocator locator,
      Map<String, String> origins) {
    origins.put(pointer, locator.locate(document.span(pointer).start()).toString());
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        record(
            field.getValue(),
            JsonPointers.child(pointer, field.getKey()),
            document,
            locator,
            origins);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        record(node.get(i), JsonPointers.child(pointer, i), document, locator, origins);
      }
    }
  }

  /**
   * Values from {@code key=value} assignments ({@code --set}); keys are dotted paths ({@code
   * trainer.lr=0.1}) and values are read as plain YAML scalars ({@code 5000} is an integer).
   *
   * @throws IllegalArgumentException when an assignment has no {@code =} or an empty key
   */
  public static Values fromAssignments(List<String> assignments) {
    Values values = empty();
    for (String assignment : assignments) {
      int equals = assignment.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(
            "--set expects key=value (for example --set trainer.lr=0.01), got '"
                + assignment
                + "'");
      }
      String key = assignment.substring(0, equals);
      values = values.overlay(single(key, assignment.substring(equals + 1), "--set " + assignment));
    }
    return values;
  }

  /**
   * Values from the named environment variables only; a variable that is not set supplies nothing.
   * Environment variables are never read unless named, so a template cannot reach them.
   */
  public static Values fromEnvironment(Collection<String> names, Map<String, String> environment) {
    Values values = empty();
    for (String name : names) {
      String value = environment.get(name);
      if (value != null) {
        values = values.overlay(single(name, value, "environment variable " + name));
      }
    }
    return values;
  }

  private static Values single(String dottedKey, String text, String origin) {
    String[] parts = dottedKey.split("\\.", -1);
    for (String part : parts) {
      if (part.isEmpty()) {
        throw new IllegalArgumentException("empty name in value key '" + dottedKey + "'");
      }
    }
    ObjectNode top = NODES.objectNode();
    ObjectNode current = top;
    NavigableMap<String, String> origins = new TreeMap<>();
    String pointer = "";
    for (int i = 0; i < parts.length - 1; i++) {
      current = current.putObject(parts[i]);
      pointer = JsonPointers.child(pointer, parts[i]);
      origins.put(pointer, origin);
    }
    current.set(parts[parts.length - 1], ScalarValues.parsePlain(text));
    origins.put(JsonPointers.child(pointer, parts[parts.length - 1]), origin);
    return new Values(top, origins);
  }

  /** These values with {@code higher} laid over them. */
  public Values overlay(Values higher) {
    ObjectNode merged = root.deepCopy();
    NavigableMap<String, String> mergedOrigins = new TreeMap<>(origins);
    merge(merged, higher.root, "", higher.origins, mergedOrigins);
    return new Values(merged, mergedOrigins);
  }

  private static void merge(
      ObjectNode target,
      JsonNode source,
      String pointer,
      NavigableMap<String, String> sourceOrigins,
      NavigableMap<String, String> targetOrigins) {
    for (Map.Entry<String, JsonNode> field : source.properties()) {
      String child = JsonPointers.child(pointer, field.getKey());
      JsonNode existing = target.get(field.getKey());
      if (existing != null && existing.isObject() && field.getValue().isObject()) {
        merge((ObjectNode) existing, field.getValue(), child, sourceOrigins, targetOrigins);
        continue;
      }
      target.set(field.getKey(), field.getValue().deepCopy());
      subtree(targetOrigins, child).clear();
      targetOrigins.remove(child);
      targetOrigins.putAll(subtree(sourceOrigins, child));
      if (sourceOrigins.containsKey(child)) {
        targetOrigins.put(child, sourceOrigins.get(child));
      }
    }
  }

  /** Entries strictly below {@code pointer} ({@code '0'} is the character after {@code '/'}). */
  private static NavigableMap<String, String> subtree(
      NavigableMap<String, String> map, String pointer) {
    return map.subMap(pointer + "/", true, pointer + "0", false);
  }

  /** The value at a path of names, or a miss. */
  public Lookup lookup(List<String> path) {
    JsonNode node = root;
    String pointer = "";
    for (String name : path) {
      if (!node.isObject() || !node.has(name)) {
        return new Lookup(null, null);
      }
      node = node.get(name);
      pointer = JsonPointers.child(pointer, name);
    }
    return new Lookup(node, origins.get(pointer));
  }

  public JsonNode asTree() {
    return root.deepCopy();
  }

  /**
   * The result of a lookup.
   *
   * @param value the value, or {@code null} when there is none at that path
   * @param origin where the value was defined, or {@code null}
   */
  public record Lookup(JsonNode value, String origin) {
    public boolean found() {
      return value != null;
    }
  }
}
