package io.jenkins.plugins.autoglm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every form a secret takes in a build log: as it is, quoted the ways shells echo it ({@code set
 * -x}), with {@code $} doubled as Jenkins escapes it in environment variables, and Base64 (also
 * when it is encoded in the middle of a longer text, at each of the three alignments).
 */
final class SecretForms {
  /** Masking shorter encoded forms would hide ordinary words. */
  static final int MIN_LENGTH = 3;

  private SecretForms() {}

  static Set<String> of(String secret) {
    Set<String> forms = new LinkedHashSet<>();
    forms.add(secret);
    forms.add(secret.replace("$", "$$"));
    forms.add("'" + secret.replace("'", "'\\''") + "'");
    forms.add("'" + secret.replace("'", "'\"'\"'") + "'");
    forms.add(secret.replaceAll("([\\\\\"$`])", "\\\\$1"));
    forms.add(secret.replaceAll("([^A-Za-z0-9_./:=@%+,-])", "\\\\$1"));
    for (String shift : List.of("", "a", "aa")) {
      for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
        String encoded = encoder.encodeToString((shift + secret).getBytes(StandardCharsets.UTF_8));
        String aligned = shift.isEmpty() ? encoded : encoded.substring(2 * shift.length());
        forms.add(aligned);
        forms.add(withoutPadding(aligned));
      }
    }
    return forms;
  }

  /**
   * One pattern for all forms of all secrets, longest first, so that a secret inside another is
   * masked as the longer one; {@code null} when there is nothing to mask.
   */
  static Pattern pattern(Collection<String> secrets) {
    List<String> forms = new ArrayList<>();
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        forms.addAll(of(secret));
      }
    }
    String alternatives =
        forms.stream()
            .filter(form -> form.length() >= MIN_LENGTH)
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .map(Pattern::quote)
            .collect(Collectors.joining("|"));
    return alternatives.isEmpty() ? null : Pattern.compile(alternatives);
  }

  /** A Base64 text without the characters that depend on what follows the secret. */
  private static String withoutPadding(String encoded) {
    if (encoded.endsWith("==")) {
      return encoded.substring(0, encoded.length() - 3);
    }
    if (encoded.endsWith("=")) {
      return encoded.substring(0, encoded.length() - 2);
    }
    return encoded;
  }
}
