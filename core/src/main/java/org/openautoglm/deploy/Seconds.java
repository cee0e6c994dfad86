package org.openautoglm.deploy;

import java.time.Duration;
import java.util.Locale;

/** Durations as people read them in messages: {@code 300 s}, {@code 2.1 s}. */
final class Seconds {
  private Seconds() {}

  static String format(Duration duration) {
    long millis = Math.max(0, duration.toMillis());
    if (millis % 1000 == 0 || millis >= 10_000) {
      return Math.round(millis / 1000.0) + " s";
    }
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
