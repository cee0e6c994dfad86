package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.policy.Actor;

/** The {@code ui} server's tokens file: who a bearer token belongs to, and every malformed file. */
class ApiTokensTest {
  private static final String ALICE = "alice-token-0123456789";
  private static final String BOB = "bob-token-0123456789ab";

  @TempDir Path dir;

  @Test
  void shouldFindTheUserOfATokenListedByItsSha256OrItself() throws IOException {
    Path file =
        write(
            """
            tokens:
              - user: alice
                sha256: %s
              - user: bob
                groups: [researchers, "ml-team"]
                token: %s
            """
                .formatted(ApiTokens.digest(ALICE), BOB));

    ApiTokens tokens = ApiTokens.load(file);

    assertThat(tokens.isEmpty()).isFalse();
    assertThat(tokens.actor(ALICE)).hasValue(Actor.of("alice"));
    assertThat(tokens.actor(BOB)).hasValue(Actor.of("bob", "researchers", "ml-team"));
    assertThat(tokens.actor(BOB).orElseThrow().groups())
        .containsExactlyInAnyOrder("researchers", "ml-team");
  }

  @Test
  void shouldAcceptAnUpperCaseSha256() throws IOException {
    Path file =
        write(
            "tokens:\n  - user: alice\n    sha256: "
                + ApiTokens.digest(ALICE).toUpperCase(Locale.ROOT)
                + "\n");

    assertThat(ApiTokens.load(file).actor(ALICE)).hasValue(Actor.of("alice"));
  }

  @Test
  void shouldCompareTokensByTheirSha256Only() throws IOException {
    String digest = ApiTokens.digest(ALICE);
    ApiTokens tokens =
        ApiTokens.load(write("tokens:\n  - user: alice\n    sha256: " + digest + "\n"));

    // a well-known SHA-256 test vector: the file's hex is the token's SHA-256, nothing else
    assertThat(ApiTokens.digest("test"))
        .isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    assertThat(tokens.actor(digest)).as("the digest itself is no token").isEmpty();
    assertThat(tokens.actor(ALICE.substring(0, ALICE.length() - 1))).isEmpty();
    assertThat(tokens.actor(ALICE + "x")).isEmpty();
    assertThat(tokens.actor(ALICE.toUpperCase(Locale.ROOT))).isEmpty();
    assertThat(tokens.actor("")).isEmpty();
    assertThat(tokens.actor(null)).isEmpty();
  }

  @Test
  void shouldHaveNoTokensWithoutAFileOrWithAnEmptyList() throws IOException {
    assertThat(ApiTokens.none().isEmpty()).isTrue();
    assertThat(ApiTokens.none().actor(ALICE)).isEmpty();
    assertThat(ApiTokens.load(write("tokens: []\n")).isEmpty()).isTrue();
    assertThat(ApiTokens.of(Map.of(ALICE, Actor.of("alice"))).actor(ALICE))
        .hasValue(Actor.of("alice"));
  }

  @Test
  void shouldRefuseATokenShorterThan16Characters() throws IOException {
    Path file = write("tokens:\n  - user: alice\n    token: fifteen-chars-x\n");
    Path sixteen = write("tokens:\n  - user: alice\n    token: sixteen-chars-xx\n");

    assertThatThrownBy(() -> ApiTokens.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": tokens[0].token is shorter than 16 characters");
    assertThat(ApiTokens.load(sixteen).actor("sixteen-chars-xx")).hasValue(Actor.of("alice"));
  }

  @Test
  void shouldRefuseATokenListedTwiceInEitherForm() throws IOException {
    Path twice =
        write(
            """
            tokens:
              - user: alice
                token: %1$s
              - user: mallory
                token: %1$s
            """
                .formatted(ALICE));
    Path asDigest =
        write(
            """
            tokens:
              - user: alice
                token: %s
              - user: bob
                token: %s
              - user: mallory
                sha256: %s
            """
                .formatted(ALICE, BOB, ApiTokens.digest(ALICE)));

    assertThatThrownBy(() -> ApiTokens.load(twice))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(twice + ": tokens[1] repeats a token of an earlier entry");
    assertThatThrownBy(() -> ApiTokens.load(asDigest))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(asDigest + ": tokens[2] repeats a token of an earlier entry");
  }

  @Test
  void shouldRefuseAnEntryWithoutAUser() throws IOException {
    Path missing = write("tokens:\n  - token: " + ALICE + "\n");
    Path blank =
        write(
            "tokens:\n  - user: alice\n    token: "
                + BOB
                + "\n  - user: ' '\n    token: "
                + ALICE
                + "\n");
    Path notAnEntry = write("tokens:\n  - " + ALICE + "\n");

    assertThatThrownBy(() -> ApiTokens.load(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(missing + ": tokens[0] has no user");
    assertThatThrownBy(() -> ApiTokens.load(blank))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(blank + ": tokens[1] has no user");
    assertThatThrownBy(() -> ApiTokens.load(notAnEntry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(notAnEntry + ": tokens[0] has no user");
  }

  @Test
  void shouldRefuseASha256ThatIsNot64HexDigits() throws IOException {
    String digest = ApiTokens.digest(ALICE);
    for (String bad :
        new String[] {
          digest.substring(1), digest + "0", "z" + digest.substring(1), "'sha256:" + digest + "'"
        }) {
      Path file = write("tokens:\n  - user: alice\n    sha256: " + bad + "\n");

      assertThatThrownBy(() -> ApiTokens.load(file))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(file + ": tokens[0].sha256 is not 64 hex digits");
    }
  }

  @Test
  void shouldRefuseAnEntryWithNeitherSha256NorToken() throws IOException {
    Path file = write("tokens:\n  - user: alice\n    groups: [admins]\n");

    assertThatThrownBy(() -> ApiTokens.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": tokens[0] needs sha256 (or token)");
  }

  @Test
  void shouldRefuseGroupsThatAreNotAListOfNames() throws IOException {
    Path single =
        write("tokens:\n  - user: bob\n    token: " + BOB + "\n    groups: researchers\n");
    Path nested = write("tokens:\n  - user: bob\n    token: " + BOB + "\n    groups: [[a]]\n");

    assertThatThrownBy(() -> ApiTokens.load(single))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(single + ": tokens[0].groups must be a list of group names");
    assertThatThrownBy(() -> ApiTokens.load(nested))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(nested + ": tokens[0].groups must be a list of group names");
  }

  @Test
  void shouldRefuseAFileWithoutAListOfTokens() throws IOException {
    for (String text :
        new String[] {
          "tokens:\n  alice: " + ALICE + "\n", "tokens: " + ALICE + "\n", "users: []\n", "- a\n", ""
        }) {
      Path file = write(text);

      assertThatThrownBy(() -> ApiTokens.load(file))
          .as(text)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(file + ": expected 'tokens:' with a list of {user, sha256 | token, groups}");
    }
  }

  @Test
  void shouldRefuseYamlThatDoesNotParseNamingTheFileAndLine() throws IOException {
    Path broken = write("tokens:\n  - user: alice\n    token: [\n");
    Path duplicateKey =
        write("tokens:\n  - user: alice\n    user: mallory\n    token: " + ALICE + "\n");

    assertThatThrownBy(() -> ApiTokens.load(broken))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(broken.toString());
    assertThatThrownBy(() -> ApiTokens.load(duplicateKey))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(duplicateKey.toString())
        .hasMessageContaining(":3:");
  }

  private int files;

  private Path write(String text) throws IOException {
    Path file = dir.resolve("tokens-" + files++ + ".yaml");
    Files.writeString(file, text);
    return file;
  }
}
