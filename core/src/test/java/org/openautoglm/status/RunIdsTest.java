package org.openautoglm.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Run ids: UTC creation time and randomness, sortable, safe as file names. */
class RunIdsTest {

  @Test
  void shouldStartWithTheUtcCreationTimeToTheSecond() {
    String id = RunIds.next(Instant.parse("2026-12-04T18:23:49.999Z"));

    assertThat(id).matches("20261204-182349-[0-9a-z]{6}");
    assertThat(RunIds.valid(id)).isTrue();
  }

  @Test
  void shouldPadTheRandomPartToSixCharacters() {
    for (int i = 0; i < 5_000; i++) {
      String id = RunIds.next(Instant.EPOCH);
      assertThat(id).startsWith("19700101-000000-").hasSize(22);
      assertThat(RunIds.valid(id)).as(id).isTrue();
    }
  }

  @Test
  void shouldNotRepeatAnIdWithinOneSecond() {
    Instant at = Instant.parse("2026-12-04T18:23:49Z");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      ids.add(RunIds.next(at.plusMillis(i)));
    }

    assertThat(ids).hasSize(1_000);
  }

  @Test
  void shouldRarelyRepeatAnIdWithinOneMillisecond() {
    Instant at = Instant.parse("2026-12-04T18:23:49.123Z");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      ids.add(RunIds.next(at));
    }

    // 100 draws from 36^4: a clash has odds of about 1 in 340 (RunRecorder draws again then)
    assertThat(ids).hasSizeGreaterThanOrEqualTo(99);
  }

  @Test
  void shouldSortAsTextInTheOrderOfCreation() {
    Random random = new Random(42);
    List<Instant> times = new ArrayList<>();
    Instant at = Instant.parse("2026-12-31T23:59:58Z");
    times.add(Instant.parse("2026-01-09T09:59:59Z"));
    times.add(Instant.parse("2026-01-10T10:00:00Z"));
    times.add(at);
    times.add(Instant.parse("2027-01-01T00:00:00Z"));
    Instant next = Instant.parse("2027-01-01T00:00:01Z");
    for (int i = 0; i < 500; i++) {
      times.add(next);
      next = next.plusSeconds(1 + random.nextInt(100_000));
    }
    List<String> ids = times.stream().map(RunIds::next).toList();

    assertThat(ids).isSortedAccordingTo(String::compareTo);
    List<String> shuffled = new ArrayList<>(ids);
    java.util.Collections.shuffle(shuffled, random);
    shuffled.sort(String::compareTo);
    assertThat(shuffled).containsExactlyElementsOf(ids);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "20261204-182349-3f9a1c.json",
        "20261204-182349-3F9A1C",
        "20261204-182349-3f9a1",
        "20261204-182349-3f9a1cc",
        "2026124-182349-3f9a1c",
        "20261204-18234-3f9a1c",
        "20261204_182349_3f9a1c",
        " 20261204-182349-3f9a1c",
        "20261204-182349-3f9a1c\n",
        "../20261204-182349-3f9a1c",
        "20261204-182349-3f9a1c/..",
        "20261204-182349-3f9-1c",
        "..",
        "x"
      })
  void shouldRefuseWhatIsNotAnId(String text) {
    assertThat(RunIds.valid(text)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"20261204-182349-3f9a1c", "00000000-000000-000000", "99991231-235959-zzzzzz"})
  void shouldAcceptIds(String text) {
    assertThat(RunIds.valid(text)).isTrue();
  }

  @Test
  void shouldSortRunsOfOneSecondByTheirMillisecond() {
    java.time.Instant second = java.time.Instant.parse("2026-12-04T18:23:49Z");
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (int millisecond : new int[] {0, 1, 35, 36, 500, 998, 999}) {
      ids.add(RunIds.next(second.plusMillis(millisecond)));
    }

    assertThat(ids).isSorted().allSatisfy(id -> assertThat(RunIds.valid(id)).isTrue());
    assertThat(ids.get(0)).startsWith("20261204-182349-00");
    assertThat(ids.get(ids.size() - 1)).startsWith("20261204-182349-rr");
  }
}
