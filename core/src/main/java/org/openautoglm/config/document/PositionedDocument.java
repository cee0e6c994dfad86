package org.openautoglm.config.document;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Map;

/**
 * A parsed YAML or JSON document as a Jackson tree, plus where every node came from.
 *
 * <p>Positions are kept by JSON pointer so that anything that reports a pointer (a schema
 * validator, a consistency check) can be led back to a line and column.
 */
public final class PositionedDocument {
  private final JsonNode root;
  private final Map<String, Span> valueSpans;
  private final Map<String, Integer> keyOffsets;

  PositionedDocument(JsonNode root, Map<String, Span> valueSpans, Map<String, Integer> keyOffsets) {
    this.root = root;
    this.valueSpans = Collections.unmodifiableMap(valueSpans);
    this.keyOffsets = Collections.unmodifiableMap(keyOffsets);
  }

  public JsonNode root() {
    return root;
  }

  /** The span of the value at {@code pointer}, or of its nearest ancestor that has one. */
  public Span span(String pointer) {
    String current = pointer;
    while (current != null) {
      Span span = valueSpans.get(current);
      if (span != null) {
        return span;
      }
      current = JsonPointers.parent(current);
    }
    return new Span(0, 0);
  }

  /**
   * Where a problem about {@code pointer} is best shown: the key of a mapping entry when there is
   * one (a person looks for {@code port:}), else the value.
   */
  public int offsetForReport(String pointer) {
    Integer key = keyOffsets.get(pointer);
    return key != null ? key : span(pointer).start();
  }

  /**
   * The pointer of the innermost value whose text contains {@code offset}, or {@code null}: what an
   * error about a character of the text is about.
   */
  public String pointerAt(int offset) {
    String best = null;
    int bestLength = Integer.MAX_VALUE;
    for (Map.Entry<String, Span> entry : valueSpans.entrySet()) {
      Span span = entry.getValue();
      boolean inside = span.start() <= offset && (offset < span.end() || offset == span.start());
      int length = span.end() - span.start();
      if (inside
          && (length < bestLength
              || (length == bestLength && entry.getKey().length() > best.length()))) {
        best = entry.getKey();
        bestLength = length;
      }
    }
    return best;
  }

  public boolean has(String pointer) {
    return valueSpans.containsKey(pointer);
  }
}
