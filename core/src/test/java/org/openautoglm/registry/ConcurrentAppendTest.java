package org.openautoglm.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compare-and-swap within one JVM: one writer wins a race, the other learns what changed. */
class ConcurrentAppendTest {
  private static final String PROD = "production";

  @TempDir Path work;

  @Test
  void shouldTellTheLateWriterWhatChangedWhileItWasWorking() {
    try (Registry registry = open()) {
      Snapshot v1 = Fixtures.snapshot(registry, "alice");
      Snapshot v2 = Fixtures.snapshot(registry, "alice");
      registry.promote(PROD, 0, v1, "alice", null, null);
      long seenByAlice = registry.state(PROD).seq();

      registry.promote(PROD, seenByAlice, v2, "bob", "hotfix", null);

      assertThatThrownBy(() -> registry.rollback(PROD, seenByAlice, v1.digest(), "alice", null))
          .isInstanceOfSatisfying(
              RegistryConflictException.class,
              conflict -> {
                assertThat(conflict.environment()).isEqualTo(PROD);
                assertThat(conflict.expectedSeq()).isEqualTo(1);
                assertThat(conflict.actualSeq()).isEqualTo(2);
                assertThat(conflict.latest().actor()).isEqualTo("bob");
              })
          .hasMessage(
              "production moved from seq 1 to 2 (promote v2 by bob) while you were working;"
                  + " re-read and retry");
      assertThat(registry.state(PROD).snapshot()).isEqualTo(v2.digest());
    }
  }

  @Test
  void shouldRefuseTheRefUpdateWhenAnotherWriterMovedItAfterTheRead() {
    try (Registry mine = open();
        Registry theirs = open()) {
      Snapshot v1 = Fixtures.snapshot(mine, "alice");
      mine.promote(PROD, 0, v1, "alice", null, null);

      // The change function runs after the read: the other writer commits in between, and the
      // compare-and-swap of the ref, not the early seq check, must catch it.
      assertThatThrownBy(
              () ->
                  mine.append(
                      PROD,
                      1,
                      HistoryEntry.of(
                          HistoryEntry.Action.VERIFY,
                          1,
                          v1.digest(),
                          "alice",
                          List.of(),
                          null,
                          null),
                      state -> {
                        theirs.verify(PROD, 1, v1.digest(), false, "bob", null);
                        return state.checked(true);
                      }))
          .isInstanceOf(RegistryConflictException.class)
          .hasMessage(
              "production moved from seq 1 to 2 (verify v1 (failed) by bob) while you"
                  + " were working; re-read and retry");
      assertThat(mine.history(PROD, 10, 0))
          .extracting(HistoryEntry::actor)
          .containsExactly("bob", "alice");
    }
  }

  @Test
  void shouldCountTheChangesWhenSeveralHappened() {
    try (Registry registry = open()) {
      Snapshot v1 = Fixtures.snapshot(registry, "alice");
      registry.promote(PROD, 0, v1, "alice", null, null);
      registry.verify(PROD, 1, v1.digest(), true, "jenkins", null);
      registry.verify(PROD, 2, v1.digest(), false, "jenkins", null);

      assertThatThrownBy(() -> registry.verify(PROD, 0, v1.digest(), true, "x", null))
          .hasMessage(
              "production moved from seq 0 to 3 (3 changes, the latest: verify v1 (failed) by"
                  + " jenkins) while you were working; re-read and retry");
      assertThatThrownBy(() -> registry.verify(PROD, 7, v1.digest(), true, "x", null))
          .hasMessage(
              "production is at seq 3, not 7 as expected (latest: verify v1 (failed) by jenkins);"
                  + " re-read and retry");
    }
  }

  @Test
  void shouldLetExactlyOneOfTwoWritersOnTheSameSeqWin() throws Exception {
    for (int round = 0; round < 5; round++) {
      String environment = "race-" + round;
      try (Registry first = open();
          Registry second = open()) {
        Snapshot snapshot = Fixtures.snapshot(first, "alice");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
          Future<Object> alice =
              pool.submit(promoteAfter(start, first, environment, snapshot, "alice"));
          Future<Object> bob =
              pool.submit(promoteAfter(start, second, environment, snapshot, "bob"));
          start.countDown();
          List<Object> outcomes = List.of(alice.get(), bob.get());

          assertThat(outcomes).filteredOn(EnvironmentState.class::isInstance).hasSize(1);
          RegistryConflictException conflict =
              (RegistryConflictException)
                  outcomes.stream()
                      .filter(RegistryConflictException.class::isInstance)
                      .findFirst()
                      .orElseThrow();
          String winner = first.state(environment).by();
          assertThat(conflict.getMessage())
              .isEqualTo(
                  environment
                      + " moved from seq 0 to 1 (promote v"
                      + snapshot.version()
                      + " by "
                      + winner
                      + ") while you were working; re-read and retry");
          assertThat(first.history(environment, 10, 0)).hasSize(1);
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void shouldLoseNoUpdateWhenManyWritersRetry() throws Exception {
    int writers = 6;
    int each = 8;
    AtomicInteger conflicts = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Registry> registries = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        registries.add(open());
      }
      Snapshot snapshot = Fixtures.snapshot(registries.get(0), "alice");
      registries.get(0).promote(PROD, 0, snapshot, "alice", null, null);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> tasks = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        Registry registry = registries.get(w % registries.size());
        String actor = "writer-" + w;
        tasks.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int n = 0; n < each; n++) {
                    while (true) {
                      long seq = registry.state(PROD).seq();
                      try {
                        registry.verify(PROD, seq, snapshot.digest(), true, actor, "n=" + n);
                        break;
                      } catch (RegistryConflictException e) {
                        conflicts.incrementAndGet();
                      }
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> task : tasks) {
        task.get();
      }

      Registry registry = registries.get(0);
      List<HistoryEntry> history = registry.history(PROD, 1000, 0);
      assertThat(registry.state(PROD).seq()).isEqualTo(1 + writers * each);
      assertThat(history)
          .extracting(HistoryEntry::seq)
          .containsExactlyElementsOf(
              LongStream.iterate(1 + writers * each, s -> s - 1)
                  .limit(history.size())
                  .boxed()
                  .toList());
      for (int w = 0; w < writers; w++) {
        String actor = "writer-" + w;
        assertThat(history)
            .filteredOn(entry -> entry.actor().equals(actor))
            .extracting(HistoryEntry::reason)
            .containsExactlyInAnyOrder(
                java.util.stream.IntStream.range(0, each)
                    .mapToObj(n -> "n=" + n)
                    .toArray(String[]::new));
      }
      assertThat(conflicts.get()).as("the writers raced").isPositive();
    } finally {
      pool.shutdownNow();
      registries.forEach(Registry::close);
    }
  }

  private Callable<Object> promoteAfter(
      CountDownLatch start,
      Registry registry,
      String environment,
      Snapshot snapshot,
      String actor) {
    return () -> {
      start.await();
      try {
        return registry.promote(environment, 0, snapshot, actor, null, null);
      } catch (RegistryConflictException e) {
        return e;
      }
    };
  }

  private Registry open() {
    return Registry.open(work.resolve("registry.git"));
  }
}
