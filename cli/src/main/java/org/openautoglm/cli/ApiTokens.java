package org.openautoglm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openautoglm.config.document.DocumentParser;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.policy.Actor;

/**
 * The {@code ui} server's API tokens: who a bearer token belongs to. The operator names the file
 * ({@code --tokens} or {@code $AUTOGLM_TOKENS}):
 *
 * <pre>
 * tokens:
 *   - user: alice
 *     sha256: 9f86d0…   # sha256 of the token: the file holds no secret
 *   - user: bob
 *     groups: [researchers]
 *     token: s3cret     # or the token itself, for throwaway set-ups like the demo
 * </pre>
 *
 * Tokens are compared by their SHA-256, so a lookup's timing says nothing about a token's prefix.
 */
final class ApiTokens {
  /** Shortest token accepted: a guessable token is no authentication. */
  static final int MIN_TOKEN_LENGTH = 16;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Map<String, Actor> byDigest;

  private ApiTokens(Map<String, Actor> byDigest) {
    this.byDigest = Map.copyOf(byDigest);
  }

  /** No tokens: everything is read-only. */
  static ApiTokens none() {
    return new ApiTokens(Map.of());
  }

  /** Tokens for the given users, for the demo and tests. */
  static ApiTokens of(Map<String, Actor> tokens) {
    Map<String, Actor> digests = new LinkedHashMap<>();
    tokens.forEach((token, actor) -> digests.put(digest(token), actor));
    return new ApiTokens(digests);
  }

  /**
   * Reads a tokens file.
   *
   * @throws IllegalArgumentException naming the file and entry when it is malformed
   */
  static ApiTokens load(Path file) {
    // The same safe loader as every other file: size and depth limits, no tags, no duplicate keys.
    JsonNode root =
        new DocumentParser(LoadLimits.DEFAULT)
            .parse(SourceFile.read(file, file.toString(), LoadLimits.DEFAULT))
            .root();
    JsonNode entries = root == null ? null : root.get("tokens");
    if (entries == null || !entries.isArray()) {
      throw new IllegalArgumentException(
          file + ": expected 'tokens:' with a list of {user, sha256 | token, groups}");
    }
    Map<String, Actor> digests = new LinkedHashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      JsonNode entry = entries.get(i);
      String where = file + ": tokens[" + i + "]";
      String user = entry.path("user").asText("");
      if (user.isBlank()) {
        throw new IllegalArgumentException(where + " has no user");
      }
      String digest;
      if (entry.hasNonNull("sha256")) {
        digest = entry.get("sha256").asText().toLowerCase(java.util.Locale.ROOT);
        if (!SHA256.matcher(digest).matches()) {
          throw new IllegalArgumentException(where + ".sha256 is not 64 hex digits");
        }
      } else if (entry.hasNonNull("token")) {
        String token = entry.get("token").asText();
        if (token.length() < MIN_TOKEN_LENGTH) {
          throw new IllegalArgumentException(
              where + ".token is shorter than " + MIN_TOKEN_LENGTH + " characters");
        }
        digest = digest(token);
      } else {
        throw new IllegalArgumentException(where + " needs sha256 (or token)");
      }
      List<String> groups = new ArrayList<>();
      JsonNode listed = entry.path("groups");
      // A single name instead of a list would otherwise be dropped without a word.
      if (!listed.isMissingNode() && !listed.isNull() && !listed.isArray()) {
        throw new IllegalArgumentException(where + ".groups must be a list of group names");
      }
      for (JsonNode group : listed) {
        if (!group.isValueNode() || group.isNull() || group.asText().isBlank()) {
          throw new IllegalArgumentException(where + ".groups must be a list of group names");
        }
        groups.add(group.asText());
      }
      if (digests.put(digest, Actor.of(user, groups.toArray(String[]::new))) != null) {
        throw new IllegalArgumentException(where + " repeats a token of an earlier entry");
      }
    }
    return new ApiTokens(digests);
  }

  /** The person a token belongs to. */
  Optional<Actor> actor(String token) {
    return token == null || token.isEmpty()
        ? Optional.empty()
        : Optional.ofNullable(byDigest.get(digest(token)));
  }

  boolean isEmpty() {
    return byDigest.isEmpty();
  }

  static String digest(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
