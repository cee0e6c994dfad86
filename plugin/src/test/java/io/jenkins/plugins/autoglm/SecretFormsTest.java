package io.jenkins.plugins.autoglm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SecretFormsTest {
  private static final String SECRET = "pa$s'wo\"rd";

  private static String masked(String line) {
    Pattern pattern = SecretForms.pattern(List.of(SECRET));
    return pattern.matcher(line).replaceAll("****");
  }

  @Test
  void shouldMaskTheLiteralDollarEscapedQuotedAndBase64Forms() {
    assertThat(masked("x " + SECRET + " y")).isEqualTo("x **** y");
    assertThat(masked("x " + SECRET.replace("$", "$$") + " y")).isEqualTo("x **** y");
    assertThat(masked("+ echo 'pa$s'\\''wo\"rd'")).isEqualTo("+ echo ****");
    String base64 = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
    assertThat(masked("token " + base64)).doesNotContain(base64);
    String inside =
        Base64.getEncoder().encodeToString(("user:" + SECRET).getBytes(StandardCharsets.UTF_8));
    assertThat(masked("Authorization: Basic " + inside)).contains("****");
  }

  @Test
  void shouldIgnoreEmptyAndVeryShortSecrets() {
    assertThat(SecretForms.pattern(List.of(""))).isNull();
    assertThat(SecretForms.pattern(List.of("ab")).matcher("about").find()).isFalse();
  }
}
