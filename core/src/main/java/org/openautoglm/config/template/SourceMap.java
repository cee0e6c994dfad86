package org.openautoglm.config.template;

import java.util.ArrayList;
import java.util.List;
import org.openautoglm.config.document.Span;
import org.openautoglm.config.source.OffsetLocator;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.config.source.SourcePosition;

/**
 * Leads every character of a rendered template back to the template: literal text to its own place,
 * substituted values to their action (and to the values file that supplied them).
 */
public final class SourceMap implements OffsetLocator {
  private final SourceFile template;
  private final List<Segment> segments;
  private final int[] starts;

  SourceMap(SourceFile template, List<Segment> segments) {
    this.template = template;
    this.segments = new ArrayList<>();
    for (Segment segment : segments) {
      if (segment.outEnd() > segment.outStart()) {
        this.segments.add(segment);
      }
    }
    this.starts = this.segments.stream().mapToInt(Segment::outStart).toArray();
  }

  /**
   * A run of output characters {@code [outStart, outEnd)} produced by template text starting at
   * {@code templateStart}, or by the action there when {@code substitution} is set.
   *
   * @param origin where a substituted value came from, or {@code null}
   * @param failed set when the action could not produce a value (already reported)
   */
  record Segment(
      int outStart,
      int outEnd,
      int templateStart,
      boolean substitution,
      String origin,
      boolean failed) {}

  @Override
  public SourcePosition locate(int offset) {
    Segment segment = segmentAt(offset);
    if (segment == null) {
      return template.position(template.text().length());
    }
    if (segment.substitution()) {
      return template.position(segment.templateStart());
    }
    int inside = Math.min(offset, segment.outEnd()) - segment.outStart();
    return template.position(segment.templateStart() + inside);
  }

  @Override
  public String originAt(int offset) {
    Segment segment = segmentAt(offset);
    return segment != null && segment.substitution() ? segment.origin() : null;
  }

  /** The origin of the first substituted value within {@code span}, or {@code null}. */
  public String originWithin(Span span) {
    for (Segment segment : overlapping(span)) {
      if (segment.substitution() && segment.origin() != null) {
        return segment.origin();
      }
    }
    return null;
  }

  /** Whether a value in {@code span} came from an action that already failed. */
  public boolean failedWithin(Span span) {
    for (Segment segment : overlapping(span)) {
      if (segment.failed()) {
        return true;
      }
    }
    return false;
  }

  private List<Segment> overlapping(Span span) {
    List<Segment> result = new ArrayList<>();
    int first = indexAt(span.start());
    for (int i = Math.max(0, first); i < segments.size(); i++) {
      Segment segment = segments.get(i);
      if (segment.outStart() >= Math.max(span.end(), span.start() + 1)) {
        break;
      }
      if (segment.outEnd() > span.start()) {
        result.add(segment);
      }
    }
    return result;
  }

  private Segment segmentAt(int offset) {
    int index = indexAt(offset);
    return index < 0 ? null : segments.get(index);
  }

  private int indexAt(int offset) {
    if (segments.isEmpty()) {
      return -1;
    }
    int index = java.util.Arrays.binarySearch(starts, offset);
    if (index < 0) {
      index = -index - 2;
    }
    return Math.max(0, Math.min(index, segments.size() - 1));
  }
}
