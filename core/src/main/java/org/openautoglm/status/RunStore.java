package org.openautoglm.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Run records as JSON files in one directory ({@code .autoglm/runs/} by default), one file per run,
 * named by its id. Every write goes to a temporary file that is flushed to disk and renamed over
 * the record, so a reader sees the old record or the new one, never half of one, even after a
 * crash. Updates from several processes (a {@code train} and an {@code ui} server) are serialised
 * by a lock file.
 *
 * <p>Paging lists file names only and opens just the records on the page: ids sort by creation
 * time, so the newest runs are the last names. Listing 10,000 names is cheap; reading 10,000
 * records is not, and nothing here does.
 */
public final class RunStore implements RunSource {
  private static final String SUFFIX = ".json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final ConcurrentHashMap<Path, Object> MONITORS = new ConcurrentHashMap<>();

  /** How old a directory time must be before a listing is cached against it. */
  private static final Duration SETTLED = Duration.ofSeconds(1);

  private final Path directory;
  private volatile Listing listing;

  private RunStore(Path directory) {
    this.directory = directory;
  }

  /** The store in {@code directory}, created when absent. */
  public static RunStore open(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new RunStoreException("cannot create the run store " + directory + ": " + e, e);
    }
    return new RunStore(directory);
  }

  public Path directory() {
    return directory;
  }

  /** Stores a new run. */
  public RunRecord create(RunRecord run) {
    return locked(
        () -> {
          if (Files.exists(file(run.id()))) {
            throw new IllegalArgumentException("run " + run.id() + " exists already");
          }
          write(run);
          return run;
        });
  }

  /**
   * Changes a run under the store's lock and writes it.
   *
   * @throws IllegalArgumentException when there is no such run
   * @throws IllegalTransitionException when {@code change} makes an illegal move (nothing written)
   */
  public RunRecord update(String id, UnaryOperator<RunRecord> change) {
    return locked(
        () -> {
          RunRecord current =
              find(id).orElseThrow(() -> new IllegalArgumentException("no run " + id));
          RunRecord changed = change.apply(current);
          if (!changed.id().equals(id)) {
            throw new IllegalArgumentException("a run's id cannot change");
          }
          write(changed);
          return changed;
        });
  }

  @Override
  public Optional<RunRecord> find(String id) {
    if (!RunIds.valid(id)) {
      return Optional.empty();
    }
    Path file = file(id);
    try {
      byte[] bytes = uninterrupted(() -> readBytes(file));
      return Optional.of(RunJson.read(MAPPER.readTree(bytes)));
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof NoSuchFileException) {
        return Optional.empty();
      }
      throw new RunStoreException(
          "cannot read the run record " + file + ": " + e.getCause().getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new RunStoreException("cannot read the run record " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public RunPage page(int limit, int offset) {
    if (limit < 0 || offset < 0) {
      throw new IllegalArgumentException("limit and offset must not be negative");
    }
    List<String> ids = ids();
    int total = ids.size();
    List<RunRecord> runs = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    int capped = Math.min(limit, MAX_PAGE);
    // Newest first: walk the sorted names from the end.
    for (int i = total - 1 - offset; i >= 0 && runs.size() + unreadable.size() < capped; i--) {
      String id = ids.get(i);
      try {
        find(id).ifPresentOrElse(runs::add, () -> unreadable.add(id));
      } catch (RunStoreException e) {
        unreadable.add(id);
      }
    }
    return new RunPage(total, capped, offset, runs, unreadable);
  }

  /**
   * The newest run that matches, among the newest {@code scan} runs: for linking a rollback to the
   * deploy it undoes without reading the whole store.
   */
  public Optional<RunRecord> latest(Predicate<RunRecord> matching, int scan) {
    List<String> ids = ids();
    for (int i = ids.size() - 1; i >= 0 && i >= ids.size() - scan; i--) {
      try {
        Optional<RunRecord> run = find(ids.get(i));
        if (run.isPresent() && matching.test(run.get())) {
          return run;
        }
      } catch (RunStoreException e) {
        // an unreadable record matches nothing
      }
    }
    return Optional.empty();
  }

  private static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every run id, oldest first. Listing and sorting 10,000 names costs ~13 ms, so the list is kept
   * while the directory's modification time stays the same; the store's own writes drop it. A time
   * within the last second is not trusted: another process may add a run in the same clock tick as
   * the listing (file times are coarser than they look).
   */
  private List<String> ids() {
    try {
      FileTime modified = Files.getLastModifiedTime(directory);
      Listing cached = listing;
      boolean settled = modified.toInstant().isBefore(Instant.now().minus(SETTLED));
      if (cached != null && settled && cached.modified().equals(modified)) {
        return cached.ids();
      }
      List<String> ids;
      try (Stream<Path> files = Files.list(directory)) {
        ids =
            files
                .map(path -> path.getFileName().toString())
                .filter(name -> name.endsWith(SUFFIX))
                .map(name -> name.substring(0, name.length() - SUFFIX.length()))
                .filter(RunIds::valid)
                .sorted(Comparator.naturalOrder())
                .toList();
      }
      listing = settled ? new Listing(modified, ids) : null;
      return ids;
    } catch (IOException e) {
      throw new RunStoreException("cannot list the run store " + directory + ": " + e, e);
    }
  }

  private record Listing(FileTime modified, List<String> ids) {}

  private Path file(String id) {
    return directory.resolve(id + SUFFIX);
  }

  private void write(RunRecord run) {
    listing = null;
    Path target = file(run.id());
    Path temporary = directory.resolve("." + run.id() + ".tmp");
    try {
      byte[] bytes = MAPPER.writeValueAsBytes(RunJson.record(run));
      try (FileChannel channel =
          FileChannel.open(
              temporary,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a run record did not serialise", e);
    } catch (IOException e) {
      throw new RunStoreException("cannot write the run record " + target + ": " + e, e);
    }
  }

  private interface Work<T> {
    T run();
  }

  /**
   * Runs file work with the thread's interrupt status cleared and restores it afterwards. File
   * channels are interruptible: an interrupted thread's read, write or lock closes the channel and
   * fails. But the record of an interrupted run is exactly what must still be written (Ctrl-C ends
   * a training run as ABORTED), so the interrupt is held back until the write is done.
   */
  private static <T> T uninterrupted(Work<T> work) {
    boolean interrupted = Thread.interrupted();
    try {
      return work.run();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private <T> T locked(Work<T> work) {
    return uninterrupted(() -> lockedNow(work));
  }

  private <T> T lockedNow(Work<T> work) {
    Path lock = directory.resolve(".lock");
    // FileChannel locks are per process (and throw when one process locks twice); the monitor
    // keeps two threads, or two stores on one directory, of one process apart.
    synchronized (MONITORS.computeIfAbsent(monitorKey(), key -> new Object())) {
      try (FileChannel channel =
              FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = channel.lock()) {
        return work.run();
      } catch (IOException e) {
        throw new RunStoreException("cannot lock the run store " + lock + ": " + e, e);
      }
    }
  }

  /**
   * One monitor per directory, however it was named: two paths to one directory (a symbolic link,
   * {@code ..}) must share it, or their channels' locks overlap and throw.
   */
  private Path monitorKey() {
    try {
      return directory.toRealPath();
    } catch (IOException e) {
      return directory.toAbsolutePath().normalize();
    }
  }

  /** For tests: the bytes of a stored record. */
  String raw(String id) throws IOException {
    return Files.readString(file(id), StandardCharsets.UTF_8);
  }
}
