package org.openautoglm.config.document;

import java.util.ArrayList;
import java.util.List;

/** RFC 6901 JSON pointers: building them from keys and splitting them back. */
public final class JsonPointers {
  private JsonPointers() {}

  public static String child(String parent, String key) {
    return parent + "/" + key.replace("~", "~0").replace("/", "~1");
  }

  public static String child(String parent, int index) {
    return parent + "/" + index;
  }

  public static List<String> segments(String pointer) {
    List<String> result = new ArrayList<>();
    if (pointer == null || pointer.isEmpty()) {
      return result;
    }
    for (String raw : pointer.substring(1).split("/", -1)) {
      result.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return result;
  }

  /** The parent pointer, or {@code null} for the root. */
  public static String parent(String pointer) {
    if (pointer == null || pointer.isEmpty()) {
      return null;
    }
    return pointer.substring(0, pointer.lastIndexOf('/'));
  }
}
