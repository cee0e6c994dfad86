package org.openautoglm.jmh.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import org.openautoglm.registry.EnvironmentState;
import org.openautoglm.registry.HistoryEntry;
import org.openautoglm.registry.ModelVersion;
import org.openautoglm.registry.Registry;
import org.openautoglm.registry.Snapshot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The registry part of a promotion and of a rollback, and the first page of the history, against
 * the length of the environment's history.
 *
 * <p>Each trial builds a fresh local registry (a bare Git repository, as {@code Registry.open}
 * creates it: loose objects, fsync on) in a temporary directory, with {@link #historySize} entries
 * of history in one environment: promotions, each followed by a passed health check, cycling
 * through {@value #SNAPSHOTS} snapshots so that the state's list of rollback targets is full
 * ({@link EnvironmentState#MAX_VERIFIED}), as in an environment that has been in use for a while.
 *
 * <p>{@link #promote} and {@link #rollback} are real writes, each on the seq it has just read, so
 * every operation appends two entries (the promotion or rollback, then its verification): with
 * {@code history=grows} (the default) the history is {@link #historySize} long when measuring
 * starts and longer at the end, by about two entries per operation of warm-up and measurement; the
 * tear-down prints by how much ({@code history: … entries}). With {@code history=reset} the
 * environment's ref is put back to the trial's starting commit before every operation (outside the
 * measured time), so every operation runs on exactly {@link #historySize} entries; the objects the
 * operations wrote stay in the repository, as unreferenced loose objects.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RegistryBenchmark {
  /** Entries of history in the environment when the trial starts. */
  @Param({"10", "100", "1000", "10000"})
  public int historySize;

  /**
   * {@code on}: measure with the repository as {@code Registry.open} creates it (fsync of every
   * object and ref file, what users get). {@code off}: without fsync, to see how much of the time
   * is the disk flushing and how much the registry's own work.
   */
  @Param("on")
  public String fsync;

  /**
   * {@code grows}: the history grows by two entries per operation during the trial. {@code reset}:
   * it is put back to {@link #historySize} entries before each operation (see the class comment).
   */
  @Param("grows")
  public String history;

  static final String ENVIRONMENT = "production";
  static final String ACTOR = "bench";
  static final String REF = Registry.REF_ROOT + "env/" + ENVIRONMENT;

  /**
   * A directory where each history size is written once and then copied for each trial (objects
   * hard-linked, other files copied): bench/registry/run.sh sets it to a fresh temporary directory,
   * so that the 10,000 entries are not written again for every benchmark. Unset: each trial writes
   * its own.
   */
  static final String HISTORIES_PROPERTY = "autoglm.bench.histories";

  /** More snapshots than the state remembers as rollback targets, so that list stays full. */
  static final int SNAPSHOTS = EnvironmentState.MAX_VERIFIED + 4;

  static final Map<String, String> PARAMETERS =
      Map.of("replicas", "2", "cpu", "4", "memory", "16Gi");

  private Path directory;
  private Registry registry;
  private Snapshot[] snapshots;
  private int next;

  /** With {@code history=reset}: the repository, opened a second time, and the starting commit. */
  private Repository git;

  private ObjectId start;

  @Setup(Level.Trial)
  public void setUp() throws IOException, ConfigInvalidException {
    if (historySize < 2) {
      throw new IllegalArgumentException("historySize must be 2 or more, not " + historySize);
    }
    directory = Files.createTempDirectory("autoglm-registry-bench-");
    try {
      prepare(directory.resolve("registry.git"));
    } catch (IOException | ConfigInvalidException | RuntimeException e) {
      tearDown();
      throw e;
    }
  }

  private void prepare(Path repository) throws IOException, ConfigInvalidException {
    long started = System.nanoTime();
    String how;
    String histories = System.getProperty(HISTORIES_PROPERTY);
    if (histories == null || histories.isBlank()) {
      write(repository, historySize);
      how = "written";
    } else {
      Path template = Path.of(histories).resolve(Integer.toString(historySize));
      if (Files.isDirectory(template)) {
        how = "copied from " + template;
      } else {
        Files.createDirectories(template.getParent());
        Path building = Files.createTempDirectory(template.getParent(), "building-");
        write(building.resolve("registry.git"), historySize);
        Files.move(building.resolve("registry.git"), template, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(building);
        how = "written to " + template + " and copied";
      }
      copy(template, repository);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    fsync(repository, !"off".equals(fsync));
    registry = Registry.open(repository);
    snapshots =
        registry.versions().stream()
            .map(v -> registry.snapshot(v, v.configDigest(), v.image(), PARAMETERS, ACTOR))
            .toArray(Snapshot[]::new);
    EnvironmentState state = registry.state(ENVIRONMENT);
    if (snapshots.length != SNAPSHOTS
        || state.seq() != historySize
        || registry.history(ENVIRONMENT, Integer.MAX_VALUE, 0).size() != historySize
        || state.lastVerified().size() != Math.min(historySize / 2, EnvironmentState.MAX_VERIFIED)
        || state.rollbackTarget().isEmpty()) {
      throw new IllegalStateException("setup built " + state + ", not " + historySize + " entries");
    }
    if ("reset".equals(history)) {
      git =
          new FileRepositoryBuilder()
              .setGitDir(repository.toFile())
              .setBare()
              .setMustExist(true)
              .build();
      start = git.exactRef(REF).getObjectId();
    } else if (!"grows".equals(history)) {
      throw new IllegalArgumentException("history is grows or reset, not " + history);
    }
    for (int i = 0; i < SNAPSHOTS; i++) {
      if (snapshots[i].digest().equals(state.snapshot())) {
        next = (i + 1) % SNAPSHOTS;
      }
    }
    System.out.printf(
        "%nsetup: %d entries of history %s in %.1f s; measuring with fsync %s (%s)%n",
        historySize, how, seconds, fsync(repository) ? "on" : "off", repository);
  }

  /**
   * Creates a registry at {@code repository} with {@value #SNAPSHOTS} snapshots and {@code size}
   * entries of history in {@link #ENVIRONMENT}: promotions of the snapshots in turn, each followed
   * by a passed health check, through the public API.
   *
   * <p>{@code Registry.open} creates the repository with fsync on for objects and refs. Writing
   * 10,000 entries that way takes minutes on a VM disk, so the history is written with fsync off:
   * the same commits, only not flushed one by one. The caller sets fsync for measuring.
   */
  private static void write(Path repository, int size) throws IOException, ConfigInvalidException {
    Registry.open(repository).close();
    if (!fsync(repository)) {
      throw new IllegalStateException(
          "Registry.open no longer creates the repository with fsync on; revisit this benchmark");
    }
    fsync(repository, false);
    try (Registry writer = Registry.open(repository)) {
      Snapshot[] created = new Snapshot[SNAPSHOTS];
      for (int i = 0; i < SNAPSHOTS; i++) {
        created[i] = snapshot(writer, i + 1);
      }
      long seq = 0;
      for (int i = 0; seq < size; i = (i + 1) % SNAPSHOTS) {
        if (size - seq >= 2) {
          seq = writer.promote(ENVIRONMENT, seq, created[i], ACTOR, "setup", null).seq();
        }
        String current = writer.state(ENVIRONMENT).snapshot();
        seq = writer.verify(ENVIRONMENT, seq, current, true, ACTOR, "setup").seq();
      }
    }
  }

  /** Copies a repository: objects (never changed once written) as hard links where possible. */
  private static void copy(Path from, Path to) throws IOException {
    Path objects = from.resolve("objects");
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else if (source.startsWith(objects)) {
          try {
            Files.createLink(target, source);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source, target);
          }
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  /**
   * Sets core.fsyncObjectFiles and core.fsyncRefFiles of the repository; returns whether both were
   * on before.
   */
  private static boolean fsync(Path repository, boolean on)
      throws IOException, ConfigInvalidException {
    FileBasedConfig config =
        new FileBasedConfig(repository.resolve("config").toFile(), FS.DETECTED);
    config.load();
    boolean before = fsync(config);
    config.setBoolean("core", null, "fsyncObjectFiles", on);
    config.setBoolean("core", null, "fsyncRefFiles", on);
    config.save();
    return before;
  }

  private static boolean fsync(Path repository) throws IOException, ConfigInvalidException {
    FileBasedConfig config =
        new FileBasedConfig(repository.resolve("config").toFile(), FS.DETECTED);
    config.load();
    return fsync(config);
  }

  private static boolean fsync(FileBasedConfig config) {
    return config.getBoolean("core", null, "fsyncObjectFiles", false)
        && config.getBoolean("core", null, "fsyncRefFiles", false);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (registry != null) {
      long seq = registry.state(ENVIRONMENT).seq();
      System.out.printf(
          "%nhistory: %d entries at the start of the trial, %d at its end (+%d)%s%n",
          historySize,
          seq,
          seq - historySize,
          git == null ? "" : "; reset to " + historySize + " before each operation");
      registry.close();
      registry = null;
    }
    if (git != null) {
      git.close();
      git = null;
    }
    if (directory != null) {
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
      directory = null;
    }
  }

  /** Puts the history back to the trial's start before each write operation, if asked to. */
  @State(Scope.Benchmark)
  public static class HistoryReset {
    @Setup(Level.Invocation)
    public void reset(RegistryBenchmark benchmark) throws IOException {
      benchmark.resetHistory();
    }
  }

  void resetHistory() throws IOException {
    if (git == null) {
      return;
    }
    RefUpdate update = git.updateRef(REF);
    update.setNewObjectId(start);
    update.setForceUpdate(true);
    update.disableRefLog();
    RefUpdate.Result result = update.update();
    if (result != RefUpdate.Result.FORCED && result != RefUpdate.Result.NO_CHANGE) {
      throw new IllegalStateException("cannot reset " + REF + ": " + result);
    }
  }

  /**
   * The registry part of {@code Promotions.promote} on the success path: read the state, promote a
   * snapshot on its seq, record the passed health check on the new seq. Two commits.
   */
  @Benchmark
  public EnvironmentState promote(HistoryReset reset) {
    EnvironmentState state = registry.state(ENVIRONMENT);
    Snapshot snapshot = nextSnapshot();
    EnvironmentState promoted =
        registry.promote(ENVIRONMENT, state.seq(), snapshot, ACTOR, "benchmark", null);
    return registry.verify(
        ENVIRONMENT, promoted.seq(), snapshot.digest(), true, ACTOR, "health check passed");
  }

  /**
   * The registry part of {@code Promotions.rollback} to the last verified snapshot on the success
   * path: read the state, take its rollback target, roll back on its seq, record the passed health
   * check on the new seq. Two commits. With {@code history=grows}, successive rollbacks alternate
   * between two snapshots.
   */
  @Benchmark
  public EnvironmentState rollback(HistoryReset reset) {
    EnvironmentState state = registry.state(ENVIRONMENT);
    String target =
        state
            .rollbackTarget()
            .orElseThrow(() -> new IllegalStateException("no rollback target in " + state));
    EnvironmentState rolled =
        registry.rollback(ENVIRONMENT, state.seq(), target, ACTOR, "benchmark");
    return registry.verify(ENVIRONMENT, rolled.seq(), target, true, ACTOR, "restored");
  }

  /** Reading where the environment stands, the first step of every promotion and rollback. */
  @Benchmark
  public EnvironmentState state() {
    return registry.state(ENVIRONMENT);
  }

  /**
   * The newest page of the history, as {@code autoglm history} shows it by default ({@code --limit
   * 20}): 20 entries, or all of them with {@code historySize=10}.
   */
  @Benchmark
  public List<HistoryEntry> historyPage() {
    return registry.history(ENVIRONMENT, 20, 0);
  }

  private Snapshot nextSnapshot() {
    Snapshot snapshot = snapshots[next];
    next = (next + 1) % snapshots.length;
    return snapshot;
  }

  private static Snapshot snapshot(Registry registry, int serial) {
    ModelVersion version =
        registry.register(
            ModelVersion.draft(
                "s3://models/churn/run-" + serial + "/model.pt",
                sha256("artifact " + serial),
                "registry.example.com/churn-serve:1." + serial,
                "sha256:" + sha256("config " + serial),
                "run-" + serial,
                Map.of("loss", 0.25, "accuracy", 0.91),
                "3f2a9c" + serial,
                ACTOR));
    return registry.snapshot(version, version.configDigest(), version.image(), PARAMETERS, ACTOR);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
