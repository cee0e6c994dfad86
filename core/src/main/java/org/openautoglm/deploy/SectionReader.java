package org.openautoglm.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.Durations;
import org.openautoglm.config.source.SourcePosition;

/**
 * Reads one section of {@code autoglm.yaml}, already parsed into maps, lists and scalars, and turns
 * every mistake into a {@link ConfigException} at the offending value's position.
 */
final class SectionReader {

  private final Map<String, ?> section;
  private final String pointer;
  private final Function<String, SourcePosition> positions;

  SectionReader(
      Map<String, ?> section, String pointer, Function<String, SourcePosition> positions) {
    this.section = section == null ? Map.of() : section;
    this.pointer = pointer == null ? "" : pointer;
    this.positions = Objects.requireNonNull(positions, "positions");
  }

  boolean has(String key) {
    return section.get(key) != null;
  }

  /** Rejects keys this section does not know, which are most often typos. */
  void allowOnly(String what, Collection<String> keys) {
    for (String key : section.keySet()) {
      if (!keys.contains(key)) {
        throw error(
            key,
            "unknown key '"
                + key
                + "' for "
                + what
                + "; expected one of: "
                + String.join(", ", keys));
      }
    }
  }

  String text(String key, String fallback) {
    Object value = section.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Map || value instanceof List) {
      throw error(key, "'" + key + "' must be a single value");
    }
    return value.toString();
  }

  String requiredText(String key, String what) {
    String value = text(key, null);
    if (value == null || value.isBlank()) {
      throw error(key, what + " needs '" + key + "'");
    }
    return value;
  }

  int integer(String key, int fallback, int min, int max) {
    Object value = section.get(key);
    if (value == null) {
      return fallback;
    }
    long number;
    if (value instanceof Number n && n.longValue() == n.doubleValue()) {
      number = n.longValue();
    } else {
      try {
        number = Long.parseLong(value.toString().trim());
      } catch (NumberFormatException e) {
        throw error(key, "'" + key + "' must be a whole number, not '" + value + "'");
      }
    }
    if (number < min || number > max) {
      throw error(key, "'" + key + "' must be between " + min + " and " + max + ", not " + number);
    }
    return (int) number;
  }

  /**
   * Reads {@code 90} (seconds), {@code "90s"}, {@code "500ms"}, {@code "45m"} or {@code "1h30m"}.
   */
  Duration duration(String key, Duration fallback) {
    Object value = section.get(key);
    if (value == null) {
      return fallback;
    }
    String text = value.toString().trim();
    return Durations.parse(value)
        .orElseThrow(
            () ->
                error(key, "'" + text + "' is not a duration; write 500ms, 90s, 45m, 2h or 1h30m"));
  }

  /** A list of strings; a single string is refused, since it would have to be split by a shell. */
  List<String> strings(String key, String hint) {
    Object value = section.get(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw error(key, "'" + key + "' must be a list; " + hint);
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      if (item == null || item instanceof Map || item instanceof List) {
        throw error(key + "/" + i, "each item of '" + key + "' must be a single value");
      }
      result.add(item.toString());
    }
    return result;
  }

  ConfigException error(String key, String message) {
    String at = key == null ? pointer : child(key);
    return new ConfigException(Diagnostic.at(positions.apply(at), at, message));
  }

  private String child(String key) {
    return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
  }
}
