package org.openautoglm.policy;

import java.time.Duration;

/** Durations as operators write them: {@code 24h}, {@code 7d}, {@code 1h30m}, {@code 90s}. */
final class Durations {
  static final String FORM = "^([0-9]+[dhms])+$";

  private Durations() {}

  /**
   * Parses a duration in the form above.
   *
   * @throws IllegalArgumentException with a sentence saying what is wrong
   */
  static Duration parse(String text) {
    if (!text.matches(FORM)) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; write it like 24h, 7d, 1h30m or 90s");
    }
    return org.openautoglm.config.source.Durations.parse(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    text.matches(".*[0-9]{10,}.*")
                        ? "'" + text + "' is too long a duration"
                        : "'"
                            + text
                            + "' is zero; an approval must last a while (or leave approvalExpiry"
                            + " out)"));
  }

  /**
   * A duration in the largest unit that states it exactly: {@code 24h} stays {@code 24h} (as
   * operators say it), {@code 48h} reads {@code 2d}, {@code 90m} stays {@code 90m}.
   */
  static String format(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds % 86_400 == 0 && seconds / 86_400 >= 2) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
