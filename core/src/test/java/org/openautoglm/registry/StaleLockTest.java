package org.openautoglm.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a writer killed half-way leaves behind: a ref lock file, or objects no ref points at. The
 * registry must stay readable and writable after either.
 */
class StaleLockTest {
  private static final String PROD = "production";

  @TempDir Path work;

  private final List<String> notices = new CopyOnWriteArrayList<>();

  @Test
  void shouldRemoveALockLeftByADeadWriterAndCarryOn() throws Exception {
    try (Registry registry = open(Duration.ofSeconds(10))) {
      Snapshot snapshot = Fixtures.snapshot(registry, "alice");
      registry.promote(PROD, 0, snapshot, "alice", null, null);
      Path lock = lockOf(registry);
      Files.writeString(lock, ObjectId.zeroId().name() + "\n");
      Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(60)));

      EnvironmentState state = registry.verify(PROD, 1, snapshot.digest(), true, "jenkins", null);

      assertThat(state.seq()).isEqualTo(2);
      assertThat(lock).doesNotExist();
      assertThat(notices)
          .singleElement()
          .asString()
          .startsWith("removed the stale lock refs/autoglm/env/production.lock, left 6")
          .contains("refs/autoglm/env/production still pointed at its last complete commit");
    }
  }

  @Test
  void shouldWaitForALiveWritersLockRatherThanBreakIt() throws Exception {
    try (Registry registry = open(Duration.ofSeconds(10))) {
      Snapshot snapshot = Fixtures.snapshot(registry, "alice");
      registry.promote(PROD, 0, snapshot, "alice", null, null);
      Path lock = lockOf(registry);
      Files.writeString(lock, "");
      Thread owner =
          new Thread(
              () -> {
                try {
                  Thread.sleep(300);
                  Files.delete(lock);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      owner.start();

      long started = System.nanoTime();
      registry.verify(PROD, 1, snapshot.digest(), true, "jenkins", null);
      owner.join();

      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThan(Duration.ofMillis(250));
      assertThat(notices).isEmpty();
      assertThat(registry.state(PROD).seq()).isEqualTo(2);
    }
  }

  @Test
  void shouldNotStayWedgedByALockThatNobodyReleases() throws Exception {
    try (Registry registry = open(Duration.ofMillis(700))) {
      Snapshot snapshot = Fixtures.snapshot(registry, "alice");
      registry.promote(PROD, 0, snapshot, "alice", null, null);
      Files.writeString(lockOf(registry), "");

      registry.verify(PROD, 1, snapshot.digest(), true, "jenkins", null);

      assertThat(registry.state(PROD).seq()).isEqualTo(2);
      assertThat(notices).hasSize(1);
    }
  }

  @Test
  void shouldIgnoreObjectsThatNoRefPointsAt() throws Exception {
    try (Registry registry = open(Duration.ofSeconds(10))) {
      Snapshot snapshot = Fixtures.snapshot(registry, "alice");
      registry.promote(PROD, 0, snapshot, "alice", null, null);
      EnvironmentState before = registry.state(PROD);
      // what a writer killed after writing its objects and before moving the ref leaves
      try (ObjectInserter inserter = registry.store().repository().newObjectInserter()) {
        inserter.insert(
            Constants.OBJ_BLOB, "{\"half\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        inserter.flush();
      }
      Files.writeString(
          Files.createDirectories(registry.directory().resolve("objects/ab")).resolve("tmp_obj_1"),
          "partial");

      assertThat(registry.state(PROD)).isEqualTo(before);
      assertThat(registry.verify(PROD, 1, snapshot.digest(), true, "jenkins", null).seq())
          .isEqualTo(2);
    }
  }

  private Registry open(Duration staleAfter) {
    return Registry.open(
        work.resolve("registry.git"),
        RegistryOptions.defaults().withStaleLockAfter(staleAfter).withNotices(notices::add));
  }

  private static Path lockOf(Registry registry) {
    return registry.directory().resolve("refs/autoglm/env/production.lock");
  }
}
