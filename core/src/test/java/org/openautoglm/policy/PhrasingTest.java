package org.openautoglm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The small pieces every reason is made of: patterns, durations, digests, lists and times. */
class PhrasingTest {

  @ParameterizedTest(name = "{0} ~ {1}: {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          *       | production | true
          *       | ''         | true
          test-*  | test-eu    | true
          test-*  | test-      | true
          test-*  | test       | false
          test-*  | mytest-eu  | false
          test    | test       | true
          test    | test-eu    | false
          *-eu    | prod-eu    | true
          *-eu    | prod-us    | false
          t?st    | test       | true
          t?st    | tst        | false
          *a*b*   | xxaybzz    | true
          *a*b*   | xxbyazz    | false
          """)
  void shouldMatchEnvironmentPatterns(String pattern, String name, boolean expected) {
    assertThat(Globs.matches(pattern, name)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          24h   | PT24H   | 24h
          7d    | PT168H  | 7d
          1h30m | PT1H30M | 90m
          90s   | PT1M30S | 90s
          2d12h | PT60H   | 60h
          45m   | PT45M   | 45m
          """)
  void shouldParseAndFormatDurations(String text, String iso, String formatted) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    assertThat(Durations.format(Durations.parse(text))).isEqualTo(formatted);
  }

  @Test
  void shouldRejectDurationsThatAreNotOne() {
    assertThatThrownBy(() -> Durations.parse("1 day"))
        .hasMessage("'1 day' is not a duration; write it like 24h, 7d, 1h30m or 90s");
    assertThatThrownBy(() -> Durations.parse("9999999999d")).hasMessageContaining("too long");
  }

  @Test
  void shouldShortenDigestsForReading() {
    assertThat(Phrases.digest("sha256:0123456789abcdef0123")).isEqualTo("sha256:0123456789ab…");
    assertThat(Phrases.digest("sha256:abc")).isEqualTo("sha256:abc");
    assertThat(Phrases.digest("0123456789abcdef")).isEqualTo("0123456789ab…");
    assertThat(new SnapshotRef("sha256:0123456789abcdef", "v7").describe())
        .isEqualTo("sha256:0123456789ab… (v7)");
  }

  @Test
  void shouldJoinListsAsSentences() {
    assertThat(Phrases.and(List.of("a"))).isEqualTo("a");
    assertThat(Phrases.and(List.of("a", "b"))).isEqualTo("a and b");
    assertThat(Phrases.or(List.of("a", "b", "c"))).isEqualTo("a, b or c");
    assertThat(Phrases.approvals(1)).isEqualTo("1 approval");
    assertThat(Phrases.approvals(2)).isEqualTo("2 approvals");
  }

  @Test
  void shouldWriteInstantsInUtcWithoutNeedlessZeros() {
    assertThat(Phrases.instant(Instant.parse("2026-12-04T10:00:00Z")))
        .isEqualTo("2026-12-04T10:00Z");
    assertThat(Phrases.instant(Instant.parse("2026-12-04T10:00:07.250Z")))
        .isEqualTo("2026-12-04T10:00:07Z");
  }

  @Test
  void shouldRefuseAnActorWithoutAName() {
    assertThatThrownBy(() -> Actor.of(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
