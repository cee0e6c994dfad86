package org.openautoglm.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The registry's bare Git repository: reading documents out of commits, writing commits, and moving
 * refs compare-and-swap.
 *
 * <p>Crash safety comes from the order Git writes in: objects first (each a temporary file renamed
 * into place), the ref last (a lock file renamed over the ref). A writer killed at any point leaves
 * the ref at the old or at the new commit, never in between; at worst it leaves unreferenced
 * objects, which cost disk space and nothing else, and a ref lock file, which {@link StaleRefLocks}
 * removes once it is old. Nothing is ever rewritten or garbage-collected here.
 */
final class GitStore implements AutoCloseable {
  /** Largest document read from the repository; the registry writes a few KiB at most. */
  private static final int MAX_DOCUMENT = 16 * 1024 * 1024;

  /** How long past the stale age a writer keeps waiting for a ref lock held by someone else. */
  private static final Duration LOCK_GRACE = Duration.ofSeconds(5);

  private final Path directory;
  private final Repository repository;
  private final StaleRefLocks locks;
  private final AtomicLong objectsRead = new AtomicLong();

  private GitStore(Path directory, Repository repository, StaleRefLocks locks) {
    this.directory = directory;
    this.repository = repository;
    this.locks = locks;
  }

  /** Opens the bare repository at {@code directory}, creating it first if it does not exist. */
  static GitStore open(Path directory, Duration staleLockAfter, Consumer<String> notices) {
    Path absolute = directory.toAbsolutePath().normalize();
    if (!isRepository(absolute)) {
      create(absolute);
    }
    try {
      Repository repository =
          new FileRepositoryBuilder()
              .setGitDir(absolute.toFile())
              .setBare()
              .setMustExist(true)
              .build();
      return new GitStore(
          absolute, repository, new StaleRefLocks(absolute, staleLockAfter, notices));
    } catch (IOException e) {
      throw new RegistryException(
          "cannot open the registry at " + absolute + ": " + e.getMessage(), e);
    }
  }

  private static boolean isRepository(Path directory) {
    return Files.isRegularFile(directory.resolve(Constants.HEAD))
        && Files.isDirectory(directory.resolve(Constants.OBJECTS))
        && Files.isDirectory(directory.resolve("refs"));
  }

  /**
   * Creates the repository in a temporary directory next to it and renames it into place, so that a
   * process killed while creating leaves no half-made registry, and two processes creating at once
   * end up sharing one.
   */
  private static void create(Path directory) {
    if (Files.exists(directory) && !isEmptyDirectory(directory)) {
      throw new RegistryException(
          directory
              + " exists but is not a Git repository; name a missing or empty directory for the"
              + " registry");
    }
    Path temporary = null;
    try {
      Files.createDirectories(directory.getParent());
      temporary = Files.createTempDirectory(directory.getParent(), "." + directory.getFileName());
      try (Repository created =
          new FileRepositoryBuilder().setGitDir(temporary.toFile()).setBare().build()) {
        created.create(true);
        StoredConfig config = created.getConfig();
        // without these a power cut could leave a ref naming an object that never reached the disk
        config.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, "fsyncObjectFiles", true);
        config.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, "fsyncRefFiles", true);
        // the history is the audit trail: nothing may ever prune or repack it behind our back
        config.setInt(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTO, 0);
        config.save();
      }
      try {
        Files.move(temporary, directory, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (!isRepository(directory)) {
          throw e;
        }
        // another process created it first; use theirs
      }
    } catch (IOException e) {
      throw new RegistryException(
          "cannot create the registry at " + directory + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(temporary);
    }
  }

  private static boolean isEmptyDirectory(Path directory) {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteQuietly(Path tree) {
    if (tree == null || !Files.exists(tree)) {
      return;
    }
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // a leftover temporary directory next to the registry is harmless
    }
  }

  Path directory() {
    return directory;
  }

  Repository repository() {
    return repository;
  }

  StaleRefLocks locks() {
    return locks;
  }

  /** Objects read so far through {@link #newReader()}; lets tests see what a read costs. */
  long objectsRead() {
    return objectsRead.get();
  }

  /** A reader that counts the objects it opens. */
  ObjectReader newReader() {
    return new CountingReader(repository.newObjectReader(), objectsRead);
  }

  /** The commit a ref points at, or {@code null} when the ref does not exist. */
  ObjectId tip(String refName) {
    try {
      Ref ref = repository.exactRef(refName);
      return ref == null ? null : ref.getObjectId();
    } catch (IOException e) {
      throw failure("read " + refName, e);
    }
  }

  /** The refs whose names start with {@code prefix}, by name. */
  List<String> refNames(String prefix) {
    try {
      return repository.getRefDatabase().getRefsByPrefix(prefix).stream()
          .map(Ref::getName)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw failure("list " + prefix, e);
    }
  }

  /** The bytes of the file at {@code path} in a tree, or {@code null} when there is none. */
  static byte[] readFile(ObjectReader reader, AnyObjectId tree, String path) throws IOException {
    try (TreeWalk walk = TreeWalk.forPath(reader, path, tree)) {
      if (walk == null || !walk.getFileMode(0).equals(FileMode.REGULAR_FILE)) {
        return null;
      }
      return reader.open(walk.getObjectId(0), Constants.OBJ_BLOB).getCachedBytes(MAX_DOCUMENT);
    }
  }

  /** The names of the entries in the directory {@code path} of a tree; empty when none. */
  static List<String> list(ObjectReader reader, AnyObjectId tree, String path) throws IOException {
    ObjectId directoryTree;
    try (TreeWalk walk = TreeWalk.forPath(reader, path, tree)) {
      if (walk == null || !walk.getFileMode(0).equals(FileMode.TREE)) {
        return List.of();
      }
      directoryTree = walk.getObjectId(0);
    }
    List<String> names = new ArrayList<>();
    for (CanonicalTreeParser parser = new CanonicalTreeParser(null, reader, directoryTree);
        !parser.eof();
        parser.next()) {
      names.add(parser.getEntryPathString());
    }
    return names;
  }

  /**
   * A tree like {@code base} with the file at {@code path} set to {@code blob}. Only the trees on
   * the path are read and rewritten, so the cost does not grow with the number of files elsewhere.
   */
  static ObjectId withFile(
      ObjectReader reader, ObjectInserter inserter, AnyObjectId base, String path, ObjectId blob)
      throws IOException {
    return withFile(reader, inserter, base, path.split("/"), 0, blob);
  }

  private static ObjectId withFile(
      ObjectReader reader,
      ObjectInserter inserter,
      AnyObjectId base,
      String[] parts,
      int depth,
      ObjectId blob)
      throws IOException {
    List<TreeEntry> entries = new ArrayList<>();
    ObjectId existingChild = null;
    if (base != null) {
      for (CanonicalTreeParser parser = new CanonicalTreeParser(null, reader, base);
          !parser.eof();
          parser.next()) {
        String name = parser.getEntryPathString();
        if (name.equals(parts[depth])) {
          existingChild =
              parser.getEntryFileMode() == FileMode.TREE ? parser.getEntryObjectId() : null;
          continue;
        }
        entries.add(new TreeEntry(name, parser.getEntryFileMode(), parser.getEntryObjectId()));
      }
    }
    boolean last = depth == parts.length - 1;
    entries.add(
        last
            ? new TreeEntry(parts[depth], FileMode.REGULAR_FILE, blob)
            : new TreeEntry(
                parts[depth],
                FileMode.TREE,
                withFile(reader, inserter, existingChild, parts, depth + 1, blob)));
    entries.sort(TreeEntry.GIT_ORDER);
    TreeFormatter formatter = new TreeFormatter();
    for (TreeEntry entry : entries) {
      formatter.append(entry.name, entry.mode, entry.id);
    }
    return inserter.insert(formatter);
  }

  /** Writes a commit; author and committer are both the person who did it, at the time they did. */
  static ObjectId commit(
      ObjectInserter inserter, ObjectId tree, ObjectId parent, PersonIdent person, String message)
      throws IOException {
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(tree);
    if (parent != null) {
      commit.setParentId(parent);
    }
    commit.setAuthor(person);
    commit.setCommitter(person);
    commit.setEncoding(StandardCharsets.UTF_8);
    commit.setMessage(message);
    return inserter.insert(commit);
  }

  /**
   * Moves {@code refName} from {@code expected} ({@code null}: the ref must not exist yet) to
   * {@code target}, atomically.
   *
   * <p>Waits while another writer holds the ref's lock, and clears a lock left by a dead one.
   *
   * @return {@code false} when the ref no longer pointed at {@code expected}: someone else moved it
   */
  boolean compareAndSwap(String refName, ObjectId expected, ObjectId target) {
    long deadline = System.nanoTime() + locks.staleAfter().plus(LOCK_GRACE).toNanos();
    while (true) {
      RefUpdate.Result result;
      try {
        RefUpdate update = repository.updateRef(refName);
        update.setExpectedOldObjectId(expected == null ? ObjectId.zeroId() : expected);
        update.setNewObjectId(target);
        // The expected old id is what prevents lost updates; forcing only skips the fast-forward
        // check, which would walk history for nothing (every new commit is a child of expected).
        update.setForceUpdate(true);
        update.disableRefLog();
        result = update.update();
      } catch (IOException e) {
        throw failure("update " + refName, e);
      }
      switch (result) {
        case NEW, FORCED, FAST_FORWARD, NO_CHANGE:
          return true;
        case LOCK_FAILURE, REJECTED:
          if (!Objects.equals(tip(refName), expected)) {
            return false;
          }
          // Unchanged: someone holds the lock right now, or a dead writer left it behind.
          if (locks.clearIfStale(refName)) {
            continue;
          }
          if (System.nanoTime() > deadline) {
            throw new RegistryException(
                refName
                    + " in "
                    + directory
                    + " stayed locked for more than "
                    + locks.staleAfter().plus(LOCK_GRACE).toSeconds()
                    + " s by another writer; check for a hung process and retry");
          }
          pause(5, 20);
          continue;
        default:
          throw new RegistryException(
              "cannot update " + refName + " in " + directory + ": " + result);
      }
    }
  }

  /** Sleeps a random few milliseconds, so that retrying writers do not collide in step. */
  static void pause(int minMillis, int maxMillis) {
    try {
      TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextInt(minMillis, maxMillis + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while waiting to write the registry", e);
    }
  }

  RegistryException failure(String what, IOException e) {
    return new RegistryException(
        "cannot " + what + " in the registry at " + directory + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    repository.close();
  }

  private record TreeEntry(String name, FileMode mode, ObjectId id) {
    /** Git sorts a tree's entries by name bytes, with a directory's name read as ending in '/'. */
    static final Comparator<TreeEntry> GIT_ORDER =
        (a, b) -> Arrays.compareUnsigned(a.sortKey(), b.sortKey());

    byte[] sortKey() {
      String key = mode == FileMode.TREE ? name + "/" : name;
      return key.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Counts objects opened, to show that reading an environment's state does not walk history. */
  private static final class CountingReader extends ObjectReader.Filter {
    private final ObjectReader delegate;
    private final AtomicLong count;

    CountingReader(ObjectReader delegate, AtomicLong count) {
      this.delegate = delegate;
      this.count = count;
    }

    @Override
    protected ObjectReader delegate() {
      return delegate;
    }

    @Override
    public ObjectLoader open(AnyObjectId objectId) throws IOException {
      count.incrementAndGet();
      return delegate.open(objectId);
    }

    @Override
    public ObjectLoader open(AnyObjectId objectId, int typeHint) throws IOException {
      count.incrementAndGet();
      return delegate.open(objectId, typeHint);
    }
  }
}
