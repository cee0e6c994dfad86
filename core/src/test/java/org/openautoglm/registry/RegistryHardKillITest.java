package org.openautoglm.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer process killed with SIGKILL in the middle of writing, several times: the registry must
 * open, agree with itself, and take the next write.
 */
class RegistryHardKillITest {
  private static final String PROD = "production";
  private static final Duration STALE = Duration.ofMillis(500);

  @TempDir Path work;

  @Test
  void shouldStayConsistentAndWritableAfterWritersAreKilledMidWrite() throws Exception {
    Path repository = work.resolve("registry.git");
    Snapshot snapshot;
    try (Registry registry = open(repository)) {
      snapshot = Fixtures.snapshot(registry, "alice");
    }
    long reported = 0;
    for (int round = 0; round < 3; round++) {
      try (WriterProcess writer =
          WriterProcess.start(
              repository,
              "env=" + PROD,
              "actor=writer-" + round,
              "snapshot=" + snapshot.digest(),
              "mode=forever",
              "stale=" + STALE.toMillis())) {
        writer.awaitLines("appended ", 12, 30_000);
        // land the kill at a different point of a write each round
        Thread.sleep(ThreadLocalRandom.current().nextInt(0, 8));
        writer.killHard();
        reported += writer.appended();
      }
    }
    // The window between taking a ref lock and renaming it is microseconds, so a random kill
    // rarely lands in it; leave the lock such a kill leaves, to be sure the registry gets past it.
    Files.writeString(repository.resolve("refs/autoglm/env/production.lock"), "");

    List<String> notices = new CopyOnWriteArrayList<>();
    try (Registry registry =
        Registry.open(
            repository,
            RegistryOptions.defaults().withStaleLockAfter(STALE).withNotices(notices::add))) {
      EnvironmentState state = registry.state(PROD);
      List<HistoryEntry> history = registry.history(PROD, Integer.MAX_VALUE, 0);

      // every write a writer reported is there; one more may have landed just before the kill
      assertThat(history.size()).isGreaterThanOrEqualTo((int) reported);
      assertThat(state.seq()).isEqualTo(history.size());
      assertThat(history)
          .extracting(HistoryEntry::seq)
          .containsExactlyElementsOf(
              LongStream.iterate(state.seq(), s -> s - 1).limit(state.seq()).boxed().toList());
      HistoryEntry newest = history.get(0);
      assertThat(state.verified()).isEqualTo(newest.verified());
      assertThat(state.snapshot()).isEqualTo(snapshot.digest());
      assertEveryObjectIsReadable(registry.store().repository());

      EnvironmentState after =
          registry.verify(PROD, state.seq(), snapshot.digest(), true, "survivor", "after kills");
      assertThat(after.seq()).isEqualTo(state.seq() + 1);
      assertThat(registry.history(PROD, 1, 0).get(0).actor()).isEqualTo("survivor");
      assertThat(notices).singleElement().asString().startsWith("removed the stale lock");
      try (Stream<Path> files = Files.walk(repository.resolve("refs"))) {
        assertThat(files.filter(file -> file.toString().endsWith(".lock"))).isEmpty();
      }
    }
  }

  /** Like {@code git fsck --connectivity-only}, and every blob parses as registry JSON. */
  private static void assertEveryObjectIsReadable(Repository repository) throws Exception {
    try (ObjectWalk walk = new ObjectWalk(repository)) {
      for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Registry.REF_ROOT)) {
        walk.markStart(walk.parseAny(ref.getObjectId()));
      }
      while (walk.next() != null) {
        // commits: parsed by the walk
      }
      for (RevObject object = walk.nextObject(); object != null; object = walk.nextObject()) {
        if (object.getType() == Constants.OBJ_BLOB) {
          ObjectId id = object.getId();
          byte[] bytes = repository.open(id, Constants.OBJ_BLOB).getBytes();
          RegistryJson.parse(bytes, walk.getPathString());
        }
      }
    }
  }

  private static Registry open(Path repository) {
    return Registry.open(repository, RegistryOptions.defaults().withStaleLockAfter(STALE));
  }
}
