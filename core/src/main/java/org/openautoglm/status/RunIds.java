package org.openautoglm.status;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Run ids: {@code 20261204-182349-3f9a1c}, the UTC creation time to the second, then the
 * millisecond in two base-36 digits and four random ones. Sorting ids as text sorts runs by
 * creation time to the millisecond, which lets the store page through runs by listing file names
 * without opening them.
 */
public final class RunIds {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final Pattern VALID = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9a-z]{6}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long RANDOM_SPACE = 36L * 36 * 36 * 36;

  private RunIds() {}

  /** A new id for a run created at {@code at}. */
  public static String next(Instant at) {
    int millisecond = at.getNano() / 1_000_000;
    return STAMP.format(at)
        + "-"
        + padded(Integer.toString(millisecond, 36), 2)
        + padded(Long.toString(Math.floorMod(RANDOM.nextLong(), RANDOM_SPACE), 36), 4);
  }

  private static String padded(String digits, int width) {
    return "0".repeat(width - digits.length()) + digits;
  }

  /** Whether {@code text} is a run id (and so safe as a file name). */
  public static boolean valid(String text) {
    return text != null && VALID.matcher(text).matches();
  }
}
