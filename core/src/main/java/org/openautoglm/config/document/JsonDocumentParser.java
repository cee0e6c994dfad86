package org.openautoglm.config.document;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.OffsetLocator;
import org.openautoglm.config.source.SourceFile;

/**
 * Parses JSON strictly (no comments, no trailing commas, no duplicate keys) into a {@link
 * PositionedDocument}, within the same {@link LoadLimits} as YAML.
 */
public final class JsonDocumentParser {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final LoadLimits limits;
  private final JsonFactory factory;

  public JsonDocumentParser(LoadLimits limits) {
    this.limits = limits;
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    // one more than ours, so that our own message (with its position) wins
                    .maxNestingDepth(limits.maxDepth() + 2)
                    .maxDocumentLength(limits.maxBytes())
                    .build())
            .build();
  }

  public PositionedDocument parse(SourceFile source, OffsetLocator locator) {
    Map<String, Span> spans = new HashMap<>();
    Map<String, Integer> keys = new HashMap<>();
    try (JsonParser parser = factory.createParser(source.text())) {
      Builder builder = new Builder(parser, locator, spans, keys);
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw locator.error((0), "the file is empty; expected a JSON value");
      }
      JsonNode root = builder.value("", 0);
      if (parser.nextToken() != null) {
        throw locator.error(
            (offset(parser.currentTokenLocation())),
            "unexpected content after the JSON value; a file holds one document");
      }
      return new PositionedDocument(root, spans, keys);
    } catch (StreamConstraintsException e) {
      throw locator.error((0), "JSON exceeds a limit: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw locator.error((offset(e.getLocation())), "invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw locator.error((0), "cannot read JSON: " + e.getMessage());
    }
  }

  private static int offset(JsonLocation location) {
    return location == null ? 0 : (int) Math.max(0, location.getCharOffset());
  }

  private final class Builder {
    private final JsonParser parser;
    private final OffsetLocator locator;
    private final Map<String, Span> spans;
    private final Map<String, Integer> keys;
    private int nodes;

    Builder(
        JsonParser parser,
        OffsetLocator locator,
        Map<String, Span> spans,
        Map<String, Integer> keys) {
      this.parser = parser;
      this.locator = locator;
      this.spans = spans;
      this.keys = keys;
    }

    private JsonNode integer() throws IOException {
      switch (parser.getNumberType()) {
        case INT:
          return NODES.numberNode(parser.getIntValue());
        case LONG:
          return NODES.numberNode(parser.getLongValue());
        default:
          return NODES.numberNode(parser.getBigIntegerValue());
      }
    }

    /** Reads the value whose first token is current. */
    JsonNode value(String pointer, int depth) throws IOException {
      int start = offset(parser.currentTokenLocation());
      if (++nodes > limits.maxNodes()) {
        throw locator.error((start), "document has more than " + limits.maxNodes() + " nodes");
      }
      if (depth > limits.maxDepth()) {
        throw locator.error(
            (start), "nesting is deeper than the limit (" + limits.maxDepth() + " levels)");
      }
      JsonNode node;
      switch (parser.currentToken()) {
        case START_OBJECT:
          ObjectNode object = NODES.objectNode();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            String child = JsonPointers.child(pointer, key);
            int keyStart = offset(parser.currentTokenLocation());
            // Checked here rather than by Jackson so that the message names both places.
            Integer earlier = keys.putIfAbsent(child, keyStart);
            if (earlier != null) {
              throw locator.error(
                  keyStart,
                  "duplicate key '"
                      + key
                      + "' (first defined at "
                      + locator.locate(earlier)
                      + "); remove one of them");
            }
            parser.nextToken();
            object.set(key, value(child, depth + 1));
          }
          node = object;
          break;
        case START_ARRAY:
          ArrayNode array = NODES.arrayNode();
          int index = 0;
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            array.add(value(JsonPointers.child(pointer, index++), depth + 1));
          }
          node = array;
          break;
        case VALUE_STRING:
          node = NODES.textNode(parser.getText());
          break;
        case VALUE_NUMBER_INT:
          node = integer();
          break;
        case VALUE_NUMBER_FLOAT:
          node = NODES.numberNode(parser.getDoubleValue());
          break;
        case VALUE_TRUE:
          node = NODES.booleanNode(true);
          break;
        case VALUE_FALSE:
          node = NODES.booleanNode(false);
          break;
        case VALUE_NULL:
          node = NODES.nullNode();
          break;
        default:
          throw locator.error((start), "unexpected JSON token");
      }
      int end = offset(parser.currentLocation());
      spans.put(pointer, new Span(start, end));
      return node;
    }
  }
}
