package org.openautoglm.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two machines sharing a registry through a remote repository (here another bare repository on
 * disk): reads fetch first, writes push with the expected old id, and the remote decides races.
 */
class RemoteRegistryTest {
  private static final String PROD = "production";

  @TempDir Path work;

  private Path shared;

  @BeforeEach
  void createTheSharedRepository() {
    shared = work.resolve("shared.git");
    Registry.open(shared).close();
  }

  @Test
  void shouldSeeWhatTheOtherMachinePushed() throws Exception {
    try (Registry laptop = machine("laptop");
        Registry agent = machine("agent")) {
      Snapshot snapshot = Fixtures.snapshot(laptop, "alice");
      laptop.promote(PROD, 0, snapshot, "alice", "from the laptop", null);

      assertThat(agent.version(1)).isPresent();
      assertThat(agent.snapshotByDigest(snapshot.digest())).contains(snapshot);
      assertThat(agent.state(PROD).snapshot()).isEqualTo(snapshot.digest());
      EnvironmentState verified = agent.verify(PROD, 1, snapshot.digest(), true, "jenkins", null);
      assertThat(laptop.state(PROD)).isEqualTo(verified);
      assertThat(laptop.history(PROD, 10, 0))
          .extracting(HistoryEntry::actor)
          .containsExactly("jenkins", "alice");
      assertThat(tip(shared, "refs/autoglm/env/production"))
          .isEqualTo(laptop.store().tip("refs/autoglm/env/production"))
          .isEqualTo(agent.store().tip("refs/autoglm/env/production"));
      assertThat(laptop.pushesAtomically()).isTrue();
    }
  }

  @Test
  void shouldRefuseTheSecondPushOfARaceAndNameTheFirst() throws Exception {
    try (Registry laptop = machine("laptop");
        Registry agent = machine("agent")) {
      Snapshot v1 = Fixtures.snapshot(laptop, "alice");
      Snapshot v2 = Fixtures.snapshot(laptop, "alice");
      laptop.promote(PROD, 0, v1, "alice", null, null);
      long seenByBoth = agent.state(PROD).seq();

      laptop.promote(PROD, seenByBoth, v2, "alice", "v2 now", null);

      assertThatThrownBy(() -> agent.verify(PROD, seenByBoth, v1.digest(), true, "jenkins", null))
          .isInstanceOf(RegistryConflictException.class)
          .hasMessage(
              "production moved from seq 1 to 2 (promote v2 by alice) while you were"
                  + " working; re-read and retry");
      assertThat(agent.history(PROD, 10, 0)).extracting(HistoryEntry::seq).containsExactly(2L, 1L);
    }
  }

  @Test
  void shouldRejectAPushWhenTheRemoteMovedAfterTheFetch() {
    try (Registry laptop = machine("laptop");
        Registry agent = machine("agent")) {
      Snapshot v1 = Fixtures.snapshot(laptop, "alice");
      laptop.promote(PROD, 0, v1, "alice", null, null);
      ObjectId before = laptop.store().tip("refs/autoglm/env/production");

      // The change function runs after the fetch and before the push: the agent gets in between.
      assertThatThrownBy(
              () ->
                  laptop.append(
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
                        agent.verify(PROD, 1, v1.digest(), false, "jenkins", "probe failed");
                        return state.checked(true);
                      }))
          .isInstanceOf(RegistryConflictException.class)
          .hasMessage(
              "production moved from seq 1 to 2 (verify v1 (failed) by jenkins) while you"
                  + " were working; re-read and retry");
      assertThat(agent.history(PROD, 10, 0))
          .extracting(HistoryEntry::actor)
          .containsExactly("jenkins", "alice");
      assertThat(laptop.store().tip("refs/autoglm/env/production")).isNotEqualTo(before);
    }
  }

  @Test
  void shouldLoseNoUpdateWhenMachinesPushAtOnce() throws Exception {
    int perMachine = 6;
    AtomicInteger conflicts = new AtomicInteger();
    List<Registry> machines = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int i = 0; i < 3; i++) {
        machines.add(machine("machine-" + i));
      }
      Snapshot snapshot = Fixtures.snapshot(machines.get(0), "alice");
      machines.get(0).promote(PROD, 0, snapshot, "alice", null, null);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> tasks = new ArrayList<>();
      for (int i = 0; i < machines.size(); i++) {
        Registry machine = machines.get(i);
        String actor = "agent-" + i;
        tasks.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int n = 0; n < perMachine; n++) {
                    while (true) {
                      try {
                        long seq = machine.state(PROD).seq();
                        machine.verify(PROD, seq, snapshot.digest(), true, actor, null);
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

      try (Registry reader = machine("reader")) {
        List<HistoryEntry> history = reader.history(PROD, 100, 0);
        assertThat(history).hasSize(1 + 3 * perMachine);
        assertThat(history)
            .extracting(HistoryEntry::seq)
            .isSortedAccordingTo(java.util.Comparator.reverseOrder())
            .doesNotHaveDuplicates()
            .startsWith((long) 1 + 3 * perMachine)
            .endsWith(1L);
        for (int i = 0; i < 3; i++) {
          String actor = "agent-" + i;
          assertThat(history).filteredOn(e -> e.actor().equals(actor)).hasSize(perMachine);
        }
      }
      assertThat(conflicts.get()).as("the machines raced").isPositive();
    } finally {
      pool.shutdownNow();
      machines.forEach(Registry::close);
    }
  }

  @Test
  void shouldNumberVersionsAcrossMachines() {
    try (Registry laptop = machine("laptop");
        Registry agent = machine("agent")) {
      laptop.register(Fixtures.draft("alice"));
      agent.register(Fixtures.draft("bob"));
      laptop.register(Fixtures.draft("alice"));

      assertThat(agent.versions())
          .extracting(ModelVersion::number, ModelVersion::createdBy)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1, "alice"),
              org.assertj.core.groups.Tuple.tuple(2, "bob"),
              org.assertj.core.groups.Tuple.tuple(3, "alice"));
    }
  }

  @Test
  void shouldSayWhichRemoteCannotBeReached() {
    String missing = work.resolve("nowhere.git").toString();
    try (Registry registry =
        Registry.open(
            work.resolve("local.git"),
            RegistryOptions.defaults().withRemote(RegistryRemote.of(missing)))) {
      assertThatThrownBy(() -> registry.state(PROD))
          .isInstanceOf(RegistryException.class)
          .hasMessageStartingWith("cannot fetch from the registry remote " + missing + ": ");
    }
  }

  @Test
  void shouldHideCredentialsInTheRemotesName() {
    assertThat(RegistryRemote.of("https://user:secret@git.example.com/ml/registry.git"))
        .hasToString("https://git.example.com/ml/registry.git");
  }

  private Registry machine(String name) {
    return Registry.open(
        work.resolve(name + ".git"),
        RegistryOptions.defaults().withRemote(RegistryRemote.of(shared.toString())));
  }

  private static ObjectId tip(Path repository, String ref) throws Exception {
    try (Repository opened =
        new FileRepositoryBuilder().setGitDir(repository.toFile()).setMustExist(true).build()) {
      return opened.resolve(ref);
    }
  }
}
