package org.openautoglm.bench.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.openautoglm.registry.EnvironmentState;
import org.openautoglm.registry.ModelVersion;
import org.openautoglm.registry.Registry;
import org.openautoglm.registry.Snapshot;
import org.openautoglm.status.MetricPoint;
import org.openautoglm.status.RunIds;
import org.openautoglm.status.RunKind;
import org.openautoglm.status.RunRank;
import org.openautoglm.status.RunRecord;
import org.openautoglm.status.RunState;
import org.openautoglm.status.RunStore;

/**
 * The stores the server reads, written through core's public API into {@code work}:
 *
 * <ul>
 *   <li>{@code project/}: a copy of {@code examples/} (the descriptor and what it names), the
 *       environments dev, staging and production;
 *   <li>{@code runs/<max>/}: {@code max} run records written with {@link RunStore#create}: half
 *       training runs (4 ranks, {@value #POINTS} points of loss per rank, 20 of accuracy), the rest
 *       promotions, rollbacks and pipelines, one every 45 minutes; {@code runs/<n>/} for the
 *       smaller sizes holds hard links to the newest {@code n} of them;
 *   <li>{@code registry/<n>/registry.git}: {@code n / 10} registered versions with metrics, a
 *       snapshot of each, 20 entries of history in dev and in staging, and {@code n} in production
 *       (promotions of the snapshots in turn, each followed by a passed health check).
 * </ul>
 *
 * Each is written once and reused by later runs (a {@code .complete} marker), unless asked to
 * regenerate.
 */
final class Fixtures {
  static final String PROJECT = "sentiment-classifier";
  static final List<String> ENVIRONMENTS = List.of("dev", "staging", "production");
  static final String DEEP_ENVIRONMENT = "production";
  static final int SMALL_HISTORY = 20;

  /** Points per rank of a training run's loss series. */
  static final int POINTS = 200;

  private static final String MARKER = ".complete";
  private static final String ACTOR = "bench";
  private static final Instant NEWEST = Instant.parse("2026-12-04T12:00:00Z");
  private static final Map<String, String> PARAMETERS =
      Map.of("replicas", "2", "STATE_DIR", ".autoglm/serving");

  private final Path work;
  private final boolean regenerate;

  Fixtures(Path work, boolean regenerate) {
    this.work = work;
    this.regenerate = regenerate;
  }

  /** The project directory: a copy of {@code examples}. */
  Path project(Path examples) throws IOException {
    Path target = work.resolve("project");
    if (complete(target)) {
      return target.resolve("autoglm.yaml");
    }
    delete(target);
    try (Stream<Path> files = Files.walk(examples)) {
      for (Path source : files.toList()) {
        Path copy = target.resolve(examples.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(copy);
        } else if (!examples.relativize(source).startsWith(".autoglm")) {
          Files.copy(source, copy, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    markComplete(target);
    return target.resolve("autoglm.yaml");
  }

  /** Run stores of every size: the largest written, the others hard links to its newest runs. */
  Map<Integer, Path> runs(List<Integer> sizes) throws IOException {
    int max = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    Path largest = work.resolve("runs").resolve(Integer.toString(max));
    if (!complete(largest)) {
      delete(largest);
      long started = System.nanoTime();
      writeRuns(largest, max);
      markComplete(largest);
      System.out.printf(
          "   wrote %,d run records in %.1f s (%s, %.0f MB)%n",
          max, seconds(started), largest, size(largest) / 1e6);
    }
    List<Path> newestFirst = records(largest);
    Map<Integer, Path> stores = new LinkedHashMap<>();
    for (int n : sizes) {
      Path store = work.resolve("runs").resolve(Integer.toString(n));
      String origin = "the newest " + n + " of " + largest;
      if (n != max && !complete(store, origin)) {
        delete(store);
        Files.createDirectories(store);
        for (Path record : newestFirst.subList(0, n)) {
          Path link = store.resolve(record.getFileName().toString());
          try {
            Files.createLink(link, record);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(record, link);
          }
        }
        markComplete(store, origin);
      }
      stores.put(n, store);
    }
    return stores;
  }

  /** A registry with {@code n / 10} versions and {@code n} entries of history in production. */
  Path registry(int n) throws IOException, ConfigInvalidException {
    Path directory = work.resolve("registry").resolve(Integer.toString(n));
    Path repository = directory.resolve("registry.git");
    if (complete(directory)) {
      return repository;
    }
    delete(directory);
    Files.createDirectories(directory);
    long started = System.nanoTime();
    Registry.open(repository).close();
    // As bench/registry does: the same commits, not flushed one by one (minutes otherwise), then
    // fsync back on as Registry.open made it. Readers do not care either way.
    fsync(repository, false);
    try (Registry registry = Registry.open(repository)) {
      Random random = new Random(n);
      int versions = Math.max(1, n / 10);
      List<Snapshot> snapshots = new ArrayList<>(versions);
      for (int i = 1; i <= versions; i++) {
        double progress = (double) i / versions;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", round(0.9 - 0.6 * progress + 0.05 * random.nextGaussian()));
        metrics.put("accuracy", round(0.70 + 0.25 * progress + 0.01 * random.nextGaussian()));
        metrics.put("f1", round(0.65 + 0.28 * progress + 0.01 * random.nextGaussian()));
        ModelVersion version =
            registry.register(
                ModelVersion.draft(
                    "s3://models/sentiment/run-" + i + "/model.pt",
                    sha256("weights " + n + " " + i),
                    "ghcr.io/acme/sentiment-serve:2.1." + i,
                    "sha256:" + sha256("config " + i),
                    "20261204-120000-" + String.format("%06d", i),
                    metrics,
                    "c0ffee" + i,
                    ACTOR));
        snapshots.add(
            registry.snapshot(version, version.configDigest(), version.image(), PARAMETERS, ACTOR));
      }
      List<Snapshot> recent = snapshots.subList(Math.max(0, versions - 10), versions);
      history(registry, "dev", SMALL_HISTORY, recent);
      history(registry, "staging", SMALL_HISTORY, recent);
      history(registry, DEEP_ENVIRONMENT, n, snapshots);
      EnvironmentState production = registry.state(DEEP_ENVIRONMENT);
      if (production.seq() != n || registry.latestVersions(1).get(0).number() != versions) {
        throw new IllegalStateException("the fixture registry came out wrong: " + production);
      }
    }
    fsync(repository, true);
    markComplete(directory);
    System.out.printf(
        "   wrote a registry with %,d versions and %,d + %d + %d entries of history in %.1f s%n",
        Math.max(1, n / 10), n, SMALL_HISTORY, SMALL_HISTORY, seconds(started));
    return repository;
  }

  private static void history(Registry registry, String environment, int size, List<Snapshot> in) {
    long seq = 0;
    for (int i = 0; seq < size; i = (i + 1) % in.size()) {
      if (size - seq >= 2) {
        seq = registry.promote(environment, seq, in.get(i), ACTOR, "bench fixture", null).seq();
      }
      String current = registry.state(environment).snapshot();
      seq = registry.verify(environment, seq, current, true, ACTOR, "health check passed").seq();
    }
  }

  private static void writeRuns(Path directory, int count) {
    RunStore store = RunStore.open(directory);
    Random random = new Random(42);
    for (int i = count - 1; i >= 0; i--) {
      // i runs newer than this one; the newest was created at NEWEST
      Instant at = NEWEST.minus(Duration.ofMinutes(45L * i));
      store.create(run(count - 1 - i, at, random));
    }
  }

  /** The {@code serial}-th run (oldest first), created at {@code at}. */
  static RunRecord run(int serial, Instant at, Random random) {
    int kind = serial % 20;
    String id = RunIds.next(at);
    if (kind < 10) {
      return training(id, serial, at, random);
    }
    if (kind < 17) {
      String environment = ENVIRONMENTS.get(serial % 3);
      int version = 1 + serial / 20;
      RunRecord run =
          RunRecord.pending(
                  id,
                  PROJECT,
                  RunKind.PROMOTION,
                  "promote v" + version + " to " + environment,
                  "alice",
                  at)
              .concerning(environment, version);
      Instant t = at.plusSeconds(2);
      if (environment.equals("production")) {
        run =
            run.withApproval("production:" + serial, t)
                .moveTo(RunState.AWAITING_APPROVAL, "alice", "needs 1 approval", t);
        t = t.plusSeconds(600);
      }
      run = run.moveTo(RunState.DEPLOYING, "alice", null, t);
      t = t.plusSeconds(40 + random.nextInt(40));
      return random.nextInt(10) == 0
          ? run.moveTo(RunState.ROLLED_BACK, "autoglm", "health check failed: HTTP 503", t)
          : run.moveTo(RunState.VERIFIED, "autoglm", "health check passed", t);
    }
    if (kind < 19) {
      RunRecord run =
          RunRecord.pending(id, PROJECT, RunKind.ROLLBACK, "roll back production", "carol", at)
              .concerning("production", 1 + serial / 20)
              .moveTo(RunState.DEPLOYING, "carol", "latency regression", at.plusSeconds(1));
      return run.moveTo(RunState.VERIFIED, "autoglm", "restored", at.plusSeconds(35));
    }
    RunRecord run =
        RunRecord.pending(id, PROJECT, RunKind.PIPELINE, "Jenkins build #" + serial, "ci", at)
            .moveTo(RunState.VALIDATING, "ci", null, at.plusSeconds(5))
            .moveTo(RunState.TRAINING, "ci", null, at.plusSeconds(20))
            .moveTo(RunState.DEPLOYING, "ci", null, at.plusSeconds(1800));
    return run.moveTo(RunState.VERIFIED, "ci", "pipeline passed", at.plusSeconds(1900));
  }

  private static RunRecord training(String id, int serial, Instant at, Random random) {
    boolean failed = random.nextInt(10) == 0;
    Instant started = at.plusSeconds(8);
    Instant ended = started.plusSeconds(1200 + random.nextInt(1200));
    List<RunRank> ranks = new ArrayList<>();
    Map<String, Map<Integer, List<MetricPoint>>> metrics = new LinkedHashMap<>();
    Map<Integer, List<MetricPoint>> loss = new LinkedHashMap<>();
    Map<Integer, List<MetricPoint>> accuracy = new LinkedHashMap<>();
    for (int rank = 0; rank < 4; rank++) {
      boolean broke = failed && rank == 3;
      ranks.add(
          new RunRank(
              rank, broke ? "FAILED" : "SUCCEEDED", broke ? 137 : 0, broke ? "OOMKilled" : null));
      int points = broke ? POINTS / 2 : POINTS;
      List<MetricPoint> series = new ArrayList<>(points);
      double value = 2.5 + 0.1 * random.nextGaussian();
      for (int k = 0; k < points; k++) {
        value = value * 0.985 + 0.02 * random.nextGaussian();
        series.add(new MetricPoint(10L * k, round(Math.max(0.01, value))));
      }
      loss.put(rank, series);
      List<MetricPoint> eval = new ArrayList<>();
      for (int k = 1; k <= points / 10; k++) {
        eval.add(new MetricPoint(100L * k, round(0.5 + 0.45 * k / (points / 10.0))));
      }
      accuracy.put(rank, eval);
    }
    metrics.put("loss", loss);
    metrics.put("accuracy", accuracy);
    RunRecord run =
        RunRecord.pending(id, PROJECT, RunKind.TRAINING, "train 2×2 on dev", "bob", at)
            .moveTo(RunState.VALIDATING, "bob", "checking configs", at.plusSeconds(1))
            .moveTo(RunState.TRAINING, "bob", null, started)
            .withTraining(ranks, metrics, ended);
    return failed
        ? run.moveTo(RunState.FAILED, "autoglm", "rank 3 exited with 137 (OOMKilled)", ended)
        : run.concerning(null, 1 + serial / 20)
            .moveTo(RunState.VERIFIED, "autoglm", "registered v" + (1 + serial / 20), ended);
  }

  /** The store's records, newest first (ids sort by creation time). */
  private static List<Path> records(Path store) throws IOException {
    try (Stream<Path> files = Files.list(store)) {
      return files
          .filter(p -> RunIds.valid(p.getFileName().toString().replace(".json", "")))
          .filter(p -> p.getFileName().toString().endsWith(".json"))
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
          .toList();
    }
  }

  private boolean complete(Path directory) throws IOException {
    return complete(directory, "");
  }

  /** Whether the directory was written completely, from what {@code origin} says. */
  private boolean complete(Path directory, String origin) throws IOException {
    Path marker = directory.resolve(MARKER);
    return !regenerate && Files.exists(marker) && Files.readString(marker).equals(origin);
  }

  private static void markComplete(Path directory) throws IOException {
    markComplete(directory, "");
  }

  private static void markComplete(Path directory, String origin) throws IOException {
    Files.writeString(directory.resolve(MARKER), origin);
  }

  static void delete(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  private static long size(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void fsync(Path repository, boolean on)
      throws IOException, ConfigInvalidException {
    FileBasedConfig config =
        new FileBasedConfig(repository.resolve("config").toFile(), FS.DETECTED);
    config.load();
    config.setBoolean("core", null, "fsyncObjectFiles", on);
    config.setBoolean("core", null, "fsyncRefFiles", on);
    config.save();
  }

  private static double round(double value) {
    return Math.round(value * 1e6) / 1e6;
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
