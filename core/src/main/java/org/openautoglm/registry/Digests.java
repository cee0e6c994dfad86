package org.openautoglm.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** SHA-256 digests and the forms people type and read. */
final class Digests {
  private static final Pattern HEX_64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
  static final int SHORT_HEX = 12;

  /** Fewest hex digits a prefix lookup accepts, like Git's shortest abbreviation. */
  static final int MIN_PREFIX = 4;

  private Digests() {}

  static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      // every Java platform is required to provide SHA-256
      throw new IllegalStateException(e);
    }
  }

  /** The hex part of a snapshot digest or digest prefix, lower-cased; {@code null} if not hex. */
  static String hexOf(String digestOrPrefix) {
    if (digestOrPrefix == null) {
      return null;
    }
    String hex = digestOrPrefix.strip().toLowerCase(Locale.ROOT);
    if (hex.startsWith(Snapshot.DIGEST_PREFIX)) {
      hex = hex.substring(Snapshot.DIGEST_PREFIX.length());
    }
    return HEX.matcher(hex).matches() ? hex : null;
  }

  static boolean isFullHex(String hex) {
    return hex != null && HEX_64.matcher(hex).matches();
  }

  static String shorten(String digest) {
    if (digest == null) {
      return null;
    }
    String hex = hexOf(digest);
    if (hex == null || hex.length() <= SHORT_HEX) {
      return digest;
    }
    return Snapshot.DIGEST_PREFIX + hex.substring(0, SHORT_HEX) + "…";
  }
}
