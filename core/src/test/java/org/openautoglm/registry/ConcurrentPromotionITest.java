package org.openautoglm.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes promoting into one environment of one local registry at the same time. */
class ConcurrentPromotionITest {
  private static final String PROD = "production";

  @TempDir Path work;

  @Test
  void shouldKeepEveryPromotionOfTwoProcessesThatRetryOnConflict() throws Exception {
    Path repository = work.resolve("registry.git");
    Snapshot a;
    Snapshot b;
    try (Registry registry = Registry.open(repository)) {
      a = Fixtures.snapshot(registry, "alice");
      b = Fixtures.snapshot(registry, "bob");
    }
    Path go = work.resolve("go");
    int each = 15;

    try (WriterProcess alice = writer(repository, "alice", a, "mode=retry", "count=" + each, go);
        WriterProcess bob = writer(repository, "bob", b, "mode=retry", "count=" + each, go)) {
      alice.awaitLines("ready", 1, 30_000);
      bob.awaitLines("ready", 1, 30_000);
      Files.createFile(go);

      assertThat(alice.awaitExit(60)).as(alice.output()).isZero();
      assertThat(bob.awaitExit(60)).as(bob.output()).isZero();
    }

    try (Registry registry = Registry.open(repository)) {
      List<HistoryEntry> history = registry.history(PROD, 1000, 0);
      assertThat(registry.state(PROD).seq()).isEqualTo(2 * each);
      assertThat(history)
          .extracting(HistoryEntry::seq)
          .containsExactlyElementsOf(
              LongStream.iterate(2L * each, s -> s - 1).limit(2L * each).boxed().toList());
      String[] reasons = IntStream.range(0, each).mapToObj(n -> "n=" + n).toArray(String[]::new);
      assertThat(history)
          .filteredOn(e -> e.actor().equals("alice"))
          .extracting(HistoryEntry::reason)
          .containsExactlyInAnyOrder(reasons);
      assertThat(history)
          .filteredOn(e -> e.actor().equals("bob"))
          .extracting(HistoryEntry::reason)
          .containsExactlyInAnyOrder(reasons);
      assertThat(history)
          .allSatisfy(
              entry ->
                  assertThat(entry.snapshot())
                      .isEqualTo(entry.actor().equals("alice") ? a.digest() : b.digest()));
    }
  }

  @Test
  void shouldMakeTheProcessThatLostTheRaceExitWithTheConflict() throws Exception {
    Path repository = work.resolve("registry.git");
    Snapshot snapshot;
    try (Registry registry = Registry.open(repository)) {
      snapshot = Fixtures.snapshot(registry, "alice");
    }
    Path go = work.resolve("go");

    try (WriterProcess alice = writer(repository, "alice", snapshot, "mode=once", "expect=0", go);
        WriterProcess bob = writer(repository, "bob", snapshot, "mode=once", "expect=0", go)) {
      alice.awaitLines("ready", 1, 30_000);
      bob.awaitLines("ready", 1, 30_000);
      Files.createFile(go);
      int aliceExit = alice.awaitExit(60);
      int bobExit = bob.awaitExit(60);

      assertThat(List.of(aliceExit, bobExit))
          .as(alice.output() + "\n---\n" + bob.output())
          .containsExactlyInAnyOrder(0, RegistryWriterMain.CONFLICT_EXIT);
      String winner = aliceExit == 0 ? "alice" : "bob";
      WriterProcess loser = aliceExit == 0 ? bob : alice;
      assertThat(loser.lines())
          .contains(
              "conflict: production moved from seq 0 to 1 (promote v1 by "
                  + winner
                  + ") while you were working; re-read and retry");
      try (Registry registry = Registry.open(repository)) {
        assertThat(registry.history(PROD, 10, 0))
            .singleElement()
            .extracting(HistoryEntry::actor)
            .isEqualTo(winner);
      }
    }
  }

  private static WriterProcess writer(
      Path repository, String actor, Snapshot snapshot, String mode, String option, Path go)
      throws Exception {
    return WriterProcess.start(
        repository,
        "env=" + PROD,
        "actor=" + actor,
        "snapshot=" + snapshot.digest(),
        mode,
        option,
        "go=" + go);
  }
}
