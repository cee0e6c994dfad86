package org.openautoglm.config.source;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in configs: {@code 90} (seconds), {@code "500ms"}, {@code "90s"},
 * {@code "45m"}, {@code "2h"}, {@code "7d"}, or combined: {@code "1h30m"}.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("([0-9]{1,9})(ms|[dhms])");

  private Durations() {}

  /**
   * Reads a positive duration from a whole number of seconds or a text in the forms above.
   *
   * @return the duration, or empty when the value is not one, or is zero
   */
  public static Optional<Duration> parse(Object value) {
    if (value instanceof Number number) {
      boolean whole = number.longValue() == number.doubleValue();
      return whole && number.longValue() > 0
          ? Optional.of(Duration.ofSeconds(number.longValue()))
          : Optional.empty();
    }
    String text = String.valueOf(value).trim();
    Matcher part = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (part.find() && part.start() == end) {
      long amount = Long.parseLong(part.group(1));
      total =
          total.plus(
              switch (part.group(2)) {
                case "d" -> Duration.ofDays(amount);
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "ms" -> Duration.ofMillis(amount);
                default -> Duration.ofSeconds(amount);
              });
      end = part.end();
    }
    return end != text.length() || text.isEmpty() || total.isZero()
        ? Optional.empty()
        : Optional.of(total);
  }
}
