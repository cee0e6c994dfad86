package org.openautoglm.policy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;

/** Small pieces of English shared by every reason the policy gives. */
final class Phrases {
  private static final int DIGEST_CHARS = 12;

  private Phrases() {}

  /** {@code a, b and c}. */
  static String and(Collection<String> items) {
    return join(items, " and ");
  }

  /** {@code a, b or c}. */
  static String or(Collection<String> items) {
    return join(items, " or ");
  }

  private static String join(Collection<String> items, String last) {
    List<String> list = List.copyOf(items);
    if (list.isEmpty()) {
      return "";
    }
    if (list.size() == 1) {
      return list.get(0);
    }
    return String.join(", ", list.subList(0, list.size() - 1)) + last + list.get(list.size() - 1);
  }

  /** {@code 1 approval}, {@code 2 approvals}. */
  static String approvals(int count) {
    return count + (count == 1 ? " approval" : " approvals");
  }

  /**
   * A digest shortened for reading, {@code sha256:ab12cd34ef56…}; twelve hex digits tell snapshots
   * apart in practice, and the full digest stays in the records.
   */
  static String digest(String digest) {
    int colon = digest.indexOf(':');
    String algorithm = colon < 0 ? "" : digest.substring(0, colon + 1);
    String hex = digest.substring(colon + 1);
    return hex.length() <= DIGEST_CHARS ? digest : algorithm + hex.substring(0, DIGEST_CHARS) + "…";
  }

  /** An instant in UTC without needless zeros: {@code 2026-12-04T10:00Z}. */
  static String instant(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC).toString();
  }
}
