package io.jenkins.plugins.autoglm;

import java.util.ArrayList;
import java.util.List;

/**
 * A list of names as forms and configuration as code write them: one string, the names separated by
 * commas, spaces or line breaks ({@code "alice, bob"}).
 */
final class NameList {
  private NameList() {}

  static List<String> parse(String text) {
    List<String> names = new ArrayList<>();
    if (text == null) {
      return names;
    }
    for (String part : text.split("[,\\s]+")) {
      if (!part.isEmpty() && !names.contains(part)) {
        names.add(part);
      }
    }
    return names;
  }

  /** The canonical form of a list: names joined by {@code ", "}. */
  static String format(List<String> names) {
    return String.join(", ", names);
  }
}
