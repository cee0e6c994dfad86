package org.openautoglm.registry;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Removes ref lock files that a killed writer left behind.
 *
 * <p>Git (and JGit) move a ref by creating {@code <ref>.lock} exclusively, writing the new id into
 * it and renaming it over the ref. A writer killed between the two leaves the lock file and the ref
 * unchanged, which is consistent, but every later update of that ref then fails to lock, for ever:
 * Git itself never removes such files. A live writer holds the lock for the time it takes to write
 * 41 bytes, so a lock older than a few seconds belongs to a writer that is gone.
 *
 * <p>Removal is done under an operating-system lock on {@code autoglm-recovery.lock} in the
 * repository (released by the kernel when its holder dies, so it cannot go stale itself), and only
 * after checking again, under that lock, that the file is still the same old one. Without this, two
 * writers that both saw the stale file could have the second delete the fresh lock the first had
 * just taken.
 */
final class StaleRefLocks {
  /** One JVM cannot take the same file lock twice; its threads queue here first. */
  private static final Object JVM_GUARD = new Object();

  static final String RECOVERY_LOCK = "autoglm-recovery.lock";

  private final Path gitDirectory;
  private final Duration staleAfter;
  private final Consumer<String> notices;

  StaleRefLocks(Path gitDirectory, Duration staleAfter, Consumer<String> notices) {
    this.gitDirectory = gitDirectory;
    this.staleAfter = staleAfter;
    this.notices = notices;
  }

  Duration staleAfter() {
    return staleAfter;
  }

  /**
   * Removes the lock files that block an update of {@code refName} (its own lock, and the
   * packed-refs lock a fetch may take) if they are older than the stale age.
   *
   * @return whether a lock file was removed, so that retrying at once makes sense
   */
  boolean clearIfStale(String refName) {
    boolean removed = false;
    for (String name : List.of(refName + ".lock", "packed-refs.lock")) {
      removed |= clearIfStale(gitDirectory.resolve(name), refName);
    }
    return removed;
  }

  private boolean clearIfStale(Path lock, String refName) {
    BasicFileAttributes seen = attributes(lock);
    if (seen == null || age(seen).compareTo(staleAfter) < 0) {
      return false;
    }
    synchronized (JVM_GUARD) {
      try (FileChannel channel =
          FileChannel.open(
              gitDirectory.resolve(RECOVERY_LOCK),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE)) {
        FileLock held = channel.lock();
        try {
          return removeIfUnchanged(lock, seen, refName);
        } finally {
          held.release();
        }
      } catch (IOException e) {
        throw new RegistryException(
            "cannot remove the stale lock " + lock + ": " + e.getMessage() + "; remove it by hand",
            e);
      }
    }
  }

  private boolean removeIfUnchanged(Path lock, BasicFileAttributes seen, String refName)
      throws IOException {
    BasicFileAttributes now = attributes(lock);
    if (now == null
        || !Objects.equals(now.fileKey(), seen.fileKey())
        || !now.lastModifiedTime().equals(seen.lastModifiedTime())) {
      // someone else cleared it (and a live writer may hold a new one): leave it alone
      return false;
    }
    try {
      Files.delete(lock);
    } catch (NoSuchFileException e) {
      return false;
    }
    notices.accept(
        "removed the stale lock "
            + gitDirectory.relativize(lock)
            + ", left "
            + age(seen).toSeconds()
            + " s ago by a writer that stopped before finishing (killed or crashed); "
            + refName
            + " still pointed at its last complete commit");
    return true;
  }

  private static Duration age(BasicFileAttributes attributes) {
    return Duration.between(attributes.lastModifiedTime().toInstant(), Instant.now());
  }

  private static BasicFileAttributes attributes(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new RegistryException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
