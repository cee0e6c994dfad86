package org.openautoglm.bench.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.openautoglm.training.Metric;
import org.openautoglm.training.RankState;
import org.openautoglm.training.RankStatus;
import org.openautoglm.training.TrainingListener;
import org.openautoglm.training.TrainingResult;
import org.openautoglm.training.TrainingSpec;
import org.openautoglm.training.TrainingState;
import org.openautoglm.training.kubernetes.KubernetesLauncher;
import org.openautoglm.training.kubernetes.KubernetesPlanner;
import org.openautoglm.training.kubernetes.LauncherOptions;
import org.openautoglm.training.kubernetes.TrainingPlan;

/**
 * Plans and launches training Jobs of 8, 64 and 512 nodes with {@link KubernetesLauncher#run}
 * against fabric8's mock API server (CRUD mode, loopback, see {@link MockCluster}), then streams
 * the logs of 64 ranks writing at once; reports the API requests the launcher made, its heap,
 * threads and CPU, the time until every rank is Running as {@link KubernetesLauncher#ranks()} shows
 * it, and the log lines per second delivered to the {@link TrainingListener}.
 *
 * <p>Usage: {@code java -jar kubernetes-launcher-bench.jar [--sizes 8,64,512] [--log-ranks 64]
 * [--log-lines 20000] [--line-bytes 100] [--log-rate 1000] [--no-scale] [--no-logs] [--in-process]
 * [--only scale-8,logs-burst,...] [--burst-log-drain SECONDS] [--markdown FILE] [--strict]}. See
 * bench/kubernetes/run.sh and docs/benchmarks.md. With {@code -Dbench.debug=true} it also prints
 * the launcher's events and the mock server every log request it answers.
 */
public final class LauncherBenchmark {
  private static final Duration WAIT = Duration.ofSeconds(150);
  private static final Set<String> FLAGS = Set.of("no-scale", "no-logs", "in-process", "strict");
  private static final String CONFIG = "lr: 0.0003\nbatch_size: 1024\nwarmup_steps: 2000\n";

  enum Kind {
    SCALE,
    LOGS
  }

  record Scenario(String name, Kind kind, int nodes, MockCluster.LogConfig logs) {}

  /** One measured run. */
  static final class Run {
    Scenario scenario;
    String error;
    TrainingState state;
    double planMicros;
    int planJsonBytes;
    MockCluster.Stats stats;
    Map<String, Long> clientCounts = Map.of();
    double allRunningMillis = Double.NaN;
    double serverAllRunningMillis = Double.NaN;
    double cleanUpMillis = Double.NaN;
    double jobCreatedMillis = Double.NaN;
    double totalMillis = Double.NaN;
    long baselineHeap;
    long liveWhileRunning = -1;
    HeapMonitor.Peak peak;
    int baselineThreads;
    int peakThreads;
    double cpuSeconds;
    double mockCpuSeconds = Double.NaN;
    long lines;
    long lineBytes;
    long metrics;
    long disorder;
    long ranksShort;
    double firstToLastLineMillis;
    double lagAfterLastWriteMillis = Double.NaN;
    double allStreamingLinesPerSecond = Double.NaN;

    long total() {
      return stats.requests().getOrDefault(MockCluster.LAUNCHER, Map.of()).values().stream()
          .mapToLong(Long::longValue)
          .sum();
    }

    long created() {
      return sum("CREATE ");
    }

    long logGets() {
      return stats
          .requests()
          .getOrDefault(MockCluster.LAUNCHER, Map.of())
          .getOrDefault("GET pods/log", 0L);
    }

    long logStreams() {
      return stats.logRequestsByPod().size();
    }

    /** Requests − (objects created + log streams), as the issue asks. */
    long residual() {
      return total() - created() - logStreams();
    }

    /** The same with every log request (re-asks included) taken out. */
    long residualWithoutLogs() {
      return total() - created() - logGets();
    }

    long sum(String prefix) {
      return stats.requests().getOrDefault(MockCluster.LAUNCHER, Map.of()).entrySet().stream()
          .filter(entry -> entry.getKey().startsWith(prefix))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }

    boolean clientAgrees() {
      return clientCounts.equals(stats.requests().getOrDefault(MockCluster.LAUNCHER, Map.of()));
    }
  }

  private final List<Integer> sizes;
  private final int logRanks;
  private final int logLines;
  private final int lineBytes;
  private final double logRate;
  private final boolean scale;
  private final boolean logs;
  private final boolean inProcess;
  private final Duration burstLogDrain;
  private final Set<String> only;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "bench-launcher");
            thread.setDaemon(true);
            return thread;
          });
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  LauncherBenchmark(Map<String, String> options) {
    sizes =
        List.of(options.getOrDefault("sizes", "8,64,512").split(",")).stream()
            .map(String::trim)
            .map(Integer::parseInt)
            .sorted()
            .toList();
    logRanks = Integer.parseInt(options.getOrDefault("log-ranks", "64"));
    logLines = Integer.parseInt(options.getOrDefault("log-lines", "20000"));
    lineBytes = Integer.parseInt(options.getOrDefault("line-bytes", "100"));
    logRate = Double.parseDouble(options.getOrDefault("log-rate", "1000"));
    scale = !options.containsKey("no-scale");
    logs = !options.containsKey("no-logs");
    inProcess = options.containsKey("in-process");
    burstLogDrain =
        Duration.ofSeconds(
            Long.parseLong(options.getOrDefault("burst-log-drain", "" + WAIT.toSeconds())));
    only = options.containsKey("only") ? Set.of(options.get("only").split(",")) : Set.of();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      String name = args[i].substring(2);
      boolean flag = FLAGS.contains(name) || i + 1 >= args.length || args[i + 1].startsWith("--");
      options.put(name, flag ? "" : args[++i]);
    }
    LauncherBenchmark bench = new LauncherBenchmark(options);
    List<Run> runs = bench.runAll();
    StringBuilder report = new StringBuilder();
    boolean grows = bench.report(runs, report, false);
    System.out.print(report);
    if (options.containsKey("markdown")) {
      StringBuilder markdown = new StringBuilder();
      bench.report(runs, markdown, true);
      Files.writeString(Path.of(options.get("markdown")), markdown, StandardCharsets.UTF_8);
      System.out.println("wrote " + options.get("markdown"));
    }
    boolean failed = runs.stream().anyMatch(run -> run.error != null);
    System.exit(failed || (grows && options.containsKey("strict")) ? 1 : 0);
  }

  List<Run> runAll() {
    System.out.println(machine());
    System.out.println(
        "API server: fabric8 kubernetes-server-mock (CRUD mode) on loopback"
            + (inProcess
                ? ", in this JVM (heap, threads and CPU below include the mock's)"
                : ", in a JVM of its own")
            + "; the benchmark plays the Job controller and the kubelet."
            + " Times are a mock's on one machine, not a cluster's.");
    System.out.println();
    List<Run> runs = new ArrayList<>();
    if (scale) {
      for (int nodes : sizes) {
        runs.add(
            run(
                new Scenario(
                    "scale-" + nodes, Kind.SCALE, nodes, new MockCluster.LogConfig(20, 100, 0))));
      }
    }
    if (logs) {
      runs.add(
          run(
              new Scenario(
                  "logs-burst",
                  Kind.LOGS,
                  logRanks,
                  new MockCluster.LogConfig(logLines, lineBytes, 0))));
      runs.add(
          run(
              new Scenario(
                  "logs-live",
                  Kind.LOGS,
                  logRanks,
                  new MockCluster.LogConfig(logLines, lineBytes, logRate))));
    }
    executor.shutdownNow();
    runs.removeIf(Objects::isNull);
    return runs;
  }

  static String machine() {
    List<String> gcs =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList();
    return String.format(
        Locale.ROOT,
        "machine: %d CPUs (nproc), %s %s; Java %s (%s, %s); launcher JVM max heap %d MiB, GC %s;"
            + " load average %s",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.name"),
        System.getProperty("java.vendor"),
        Runtime.getRuntime().maxMemory() >> 20,
        String.join(" + ", gcs),
        loadAverage());
  }

  /** The 1-minute load average: other work on the machine skews every time measured. */
  static String loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
  }

  // ---- one scenario

  private Run run(Scenario scenario) {
    if (!only.isEmpty() && !only.contains(scenario.name())) {
      return null;
    }
    System.out.printf(
        Locale.ROOT,
        "== %s: %d nodes, %d log lines per rank%s%n",
        scenario.name(),
        scenario.nodes(),
        scenario.logs().lines(),
        scenario.logs().rate() > 0
            ? String.format(Locale.ROOT, " at %.0f lines/s", scenario.logs().rate())
            : " (all written at once)");
    long started = System.nanoTime();
    try (ClusterHandle cluster =
        inProcess
            ? ClusterHandle.inProcess()
            : ClusterHandle.forked(
                List.of("-Xmx1g", "-Dbench.debug=" + Boolean.getBoolean("bench.debug")))) {
      // warm-up: the same code paths once, so that the measured run is not class loading
      Scenario warmUp =
          scenario.kind() == Kind.SCALE
              ? new Scenario("warmup", Kind.SCALE, 8, new MockCluster.LogConfig(20, 100, 0))
              : new Scenario("warmup", Kind.LOGS, 4, new MockCluster.LogConfig(5_000, 100, 0));
      cluster.logs(warmUp.logs());
      Run warm = measure(cluster, warmUp, "w" + scenario.nodes());
      if (warm.error != null) {
        System.out.println("   warm-up failed: " + warm.error);
      }
      cluster.logs(scenario.logs());
      cluster.reset();
      Run run = measure(cluster, scenario, "m" + scenario.nodes());
      System.out.printf(
          Locale.ROOT,
          "   %s in %.1f s (warm-up included), load average %s%s%n",
          run.state,
          (System.nanoTime() - started) / 1e9,
          loadAverage(),
          run.error == null ? "" : "; ERROR: " + run.error);
      return run;
    }
  }

  private Run measure(ClusterHandle cluster, Scenario scenario, String suffix) {
    Run run = new Run();
    run.scenario = scenario;
    TrainingSpec spec = spec(scenario.nodes());
    String runId = scenario.name() + "-" + suffix;
    KubernetesPlanner planner = new KubernetesPlanner();
    Map<String, String> configs = Map.of("train.yaml", CONFIG);
    TrainingPlan plan = planner.plan(spec, MockCluster.NAMESPACE, runId, configs);
    for (int i = 0; i < 200; i++) {
      planner.plan(spec, MockCluster.NAMESPACE, runId, configs);
    }
    long planStart = System.nanoTime();
    for (int i = 0; i < 500; i++) {
      plan = planner.plan(spec, MockCluster.NAMESPACE, runId, configs);
    }
    run.planMicros = (System.nanoTime() - planStart) / 500 / 1e3;
    KubernetesSerialization json = new KubernetesSerialization();
    run.planJsonBytes =
        plan.objects().stream()
            .mapToInt(object -> json.asJson(object).getBytes(StandardCharsets.UTF_8).length)
            .sum();

    ClientCounter counter = new ClientCounter();
    int nodes = scenario.nodes();
    long expectedLines = (long) nodes * scenario.logs().lines();
    Listener listener = new Listener(nodes, scenario.logs().lines());
    try (KubernetesClient client = client(cluster.masterUrl(), counter)) {
      boolean burst = scenario.kind() == Kind.LOGS && scenario.logs().rate() == 0;
      // a burst is read after its pods have ended: give the drain time to read it all
      LauncherOptions options =
          burst
              ? LauncherOptions.defaults().withLogDrain(burstLogDrain)
              : LauncherOptions.defaults();
      KubernetesLauncher launcher = new KubernetesLauncher(client, listener, options);
      run.baselineHeap = HeapMonitor.liveHeap();
      run.baselineThreads = threads.getThreadCount();
      threads.resetPeakThreadCount();
      long cpu = cpuNanos();
      double mockCpu = cluster.cpuSeconds();
      try (HeapMonitor heap = new HeapMonitor()) {
        final TrainingPlan submitted = plan;
        long t0 = System.nanoTime();
        long t0Millis = System.currentTimeMillis();
        Future<TrainingResult> future = executor.submit(() -> launcher.run(submitted, spec));
        try {
          long allRunning = awaitAllRunning(launcher, nodes, future);
          long linesAtAllRunning = listener.lines.sum();
          run.allRunningMillis = millis(allRunning - t0);
          if (burst) {
            // every rank wrote its lines at once and exits: the launcher reads them as it ends
            cluster.succeed();
          }
          if (!listener.await(expectedLines, WAIT)) {
            throw new TimeoutException(
                "only "
                    + listener.lines.sum()
                    + " of "
                    + expectedLines
                    + " log lines arrived within "
                    + WAIT.toSeconds()
                    + " s");
          }
          long window = listener.firstRankDone.get() - allRunning;
          if (window > 0) {
            run.allStreamingLinesPerSecond =
                (listener.linesAtFirstRankDone - linesAtAllRunning) / (window / 1e9);
          }
          if (scenario.kind() == Kind.SCALE) {
            // what following N running ranks holds: informer caches, streams, snapshots
            run.liveWhileRunning = HeapMonitor.liveHeap() - run.baselineHeap;
          }
          if (!burst) {
            cluster.succeed();
          }
          TrainingResult result = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
          long end = System.nanoTime();
          run.state = result.state();
          if (listener.allSucceeded.get() != 0) {
            run.cleanUpMillis = millis(end - listener.allSucceeded.get());
          }
          run.totalMillis = millis(end - t0);
          if (result.state() != TrainingState.SUCCEEDED) {
            run.error = "the run ended " + result.state() + ": " + result.firstFailure();
          }
        } catch (Exception e) {
          run.error = e.toString();
          launcher.cancel(MockCluster.NAMESPACE, runId);
          future.cancel(true);
        }
        run.peak = heap.peak();
        run.cpuSeconds = (cpuNanos() - cpu) / 1e9;
        run.mockCpuSeconds = cluster.cpuSeconds() - mockCpu;
        run.peakThreads = threads.getPeakThreadCount();
        run.stats = cluster.stats();
        run.clientCounts = counter.counts();
        run.lines = listener.lines.sum();
        run.lineBytes = listener.bytes.sum();
        run.metrics = listener.metrics.sum();
        run.disorder = listener.disorder.sum();
        run.ranksShort = listener.ranksShort(scenario.logs().lines());
        run.firstToLastLineMillis = millis(listener.last.get() - listener.first.get());
        if (run.stats.jobCreatedAtMillis() > 0) {
          run.jobCreatedMillis = run.stats.jobCreatedAtMillis() - t0Millis;
        }
        if (run.stats.allRunningAtMillis() > 0) {
          run.serverAllRunningMillis = run.stats.allRunningAtMillis() - t0Millis;
        }
        if (scenario.logs().rate() > 0 && run.stats.logStartAtMillis() > 0) {
          double lastWritten =
              run.stats.logStartAtMillis()
                  + (scenario.logs().lines() - 1) * 1000.0 / scenario.logs().rate();
          double lastDelivered = t0Millis + millis(listener.last.get() - t0);
          run.lagAfterLastWriteMillis = lastDelivered - lastWritten;
        }
        if (Boolean.getBoolean("bench.debug")) {
          System.out.printf(Locale.ROOT, "   t0 %.3f%n", t0 / 1e9);
          listener.events.forEach(event -> System.out.println("   | " + event));
        }
        if (run.error != null) {
          listener.events.stream().limit(30).forEach(event -> System.out.println("   | " + event));
        }
      }
    }
    return run;
  }

  /** When {@link KubernetesLauncher#ranks()} first shows every rank Running. */
  private static long awaitAllRunning(
      KubernetesLauncher launcher, int nodes, Future<TrainingResult> future)
      throws TimeoutException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<RankStatus> seen = null;
    while (System.nanoTime() < deadline) {
      List<RankStatus> ranks = launcher.ranks();
      if (ranks != seen) {
        seen = ranks;
        if (ranks.size() == nodes
            && ranks.stream().allMatch(rank -> rank.state() == RankState.RUNNING)) {
          return System.nanoTime();
        }
      }
      if (future.isDone()) {
        throw new TimeoutException("the run ended before every rank was Running");
      }
      LockSupport.parkNanos(1_000_000);
    }
    throw new TimeoutException("not every rank was Running within " + WAIT.toSeconds() + " s");
  }

  static TrainingSpec spec(int nodes) {
    return new TrainingSpec(
        "bench",
        "ghcr.io/example/train:1",
        List.of("torchrun", "train.py", "--config", "train.yaml"),
        null,
        Map.of("NCCL_DEBUG", "WARN"),
        nodes,
        8,
        8,
        TrainingSpec.DEFAULT_GPU_RESOURCE,
        "32",
        "256Gi",
        TrainingSpec.DEFAULT_SHM_SIZE,
        Map.of("accelerator", "h100"),
        List.of(),
        null,
        List.of(),
        List.of(),
        null,
        Duration.ofMinutes(10),
        0,
        false,
        TrainingSpec.DEFAULT_MASTER_PORT);
  }

  /**
   * The launcher's client: fabric8's defaults (JDK HTTP client), plus a header by which the mock
   * server attributes its requests and an interceptor that counts them on this side too.
   */
  static KubernetesClient client(String masterUrl, ClientCounter counter) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(masterUrl)
            .withNamespace(MockCluster.NAMESPACE)
            .withTrustCerts(true)
            .withHttp2Disable(true)
            .addToCustomHeaders(MockCluster.CLIENT_HEADER, MockCluster.LAUNCHER)
            .build();
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientBuilderConsumer(
            builder -> builder.addOrReplaceInterceptor("autoglm-bench-count", counter))
        .build();
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  /** Counts the requests the launcher's client sends, by verb and resource. */
  static final class ClientCounter implements Interceptor {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      URI uri = request.uri();
      String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      counts
          .computeIfAbsent(MockCluster.classify(request.method(), path), key -> new LongAdder())
          .increment();
    }

    Map<String, Long> counts() {
      Map<String, Long> copy = new TreeMap<>();
      counts.forEach((key, count) -> copy.put(key, count.sum()));
      return copy;
    }
  }

  /** Counts what reaches the listener and checks that every rank's lines come once, in order. */
  static final class Listener implements TrainingListener {
    final int ranks;
    final AtomicLongArray perRank;
    final AtomicLongArray next;
    final LongAdder lines = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder metrics = new LongAdder();
    final LongAdder disorder = new LongAdder();
    final AtomicLong first = new AtomicLong();
    final LongAccumulator last = new LongAccumulator(Math::max, 0);
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong firstRankDone = new AtomicLong();
    final AtomicLong allSucceeded = new AtomicLong();
    volatile long linesAtFirstRankDone;
    private final long linesPerRank;

    Listener(int ranks, long linesPerRank) {
      this.linesPerRank = linesPerRank;
      this.ranks = ranks;
      this.perRank = new AtomicLongArray(ranks);
      this.next = new AtomicLongArray(ranks);
    }

    @Override
    public void log(int rank, String line) {
      long now = System.nanoTime();
      if (first.get() == 0) {
        first.compareAndSet(0, now);
      }
      last.accumulate(now);
      bytes.add(line.length());
      if (rank < 0 || rank >= ranks) {
        disorder.increment();
      } else {
        if (perRank.incrementAndGet(rank) == linesPerRank
            && firstRankDone.compareAndSet(0, System.nanoTime())) {
          linesAtFirstRankDone = lines.sum();
        }
        long index = index(line);
        if (index != next.get(rank)) {
          disorder.increment();
        }
        next.set(rank, index + 1);
      }
      lines.increment();
    }

    @Override
    public void event(String message) {
      if (message.startsWith("all ") && message.endsWith(" ranks succeeded")) {
        allSucceeded.compareAndSet(0, System.nanoTime());
      }
      if (events.size() < 1_000) {
        events.add(String.format(Locale.ROOT, "%.3f %s", System.nanoTime() / 1e9, message));
      }
    }

    @Override
    public void metric(Metric metric) {
      metrics.increment();
    }

    /** The line's index, as {@link MockCluster#line} wrote it; -1 if it has none. */
    static long index(String line) {
      int from;
      if (line.startsWith("step=")) {
        from = 5;
      } else if (line.startsWith(MockCluster.METRIC_PREFIX)) {
        from = MockCluster.METRIC_PREFIX.length();
      } else {
        return -1;
      }
      long value = 0;
      int i = from;
      while (i < line.length() && Character.isDigit(line.charAt(i))) {
        value = value * 10 + (line.charAt(i) - '0');
        i++;
      }
      return i == from ? -1 : value;
    }

    boolean await(long expected, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (lines.sum() < expected) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        LockSupport.parkNanos(2_000_000);
      }
      return true;
    }

    long ranksShort(long expected) {
      long count = 0;
      for (int rank = 0; rank < ranks; rank++) {
        if (perRank.get(rank) != expected) {
          count++;
        }
      }
      return count;
    }
  }

  // ---- the report

  /**
   * Prints the tables, as plain text or Markdown; returns whether the requests beyond the objects
   * created and the log streams grow with the number of ranks.
   */
  boolean report(List<Run> runs, StringBuilder out, boolean markdown) {
    Table.markdown = markdown;
    List<Run> scaled =
        runs.stream()
            .filter(run -> run.scenario.kind() == Kind.SCALE && run.stats != null)
            .toList();
    boolean grows = false;
    if (!markdown) {
      out.append('\n');
    }
    if (!scaled.isEmpty()) {
      heading(out, markdown, "Plan and launch: the launcher's API requests");
      Table requests =
          new Table(
              "nodes",
              "state",
              "requests",
              "req/pod",
              "objects created",
              "log streams",
              "log GETs",
              "log GETs/pod",
              "req − (created + streams)",
              "same, every log GET out");
      for (Run run : scaled) {
        requests.row(
            run.scenario.nodes(),
            run.state == null ? "ERROR" : run.state,
            run.total(),
            format(run.total() / (double) run.scenario.nodes(), 2),
            run.created(),
            run.logStreams(),
            run.logGets(),
            format(run.logGets() / (double) run.scenario.nodes(), 2),
            run.residual(),
            run.residualWithoutLogs());
      }
      requests.print(out);
      out.append('\n');

      heading(out, markdown, "Plan and launch: time, heap, threads, CPU");
      Table table =
          new Table(
              "nodes",
              "submit→Job created ms",
              "submit→all Running ms",
              "mock sent last Running ms",
              "launcher saw it ms later",
              "total ms",
              "all succeeded→returned ms",
              "live heap Δ MiB",
              "peak heap Δ MiB",
              "max after GC Δ MiB",
              "threads Δ",
              "CPU s",
              "CPU ms/pod",
              "mock CPU s",
              "plan µs",
              "plan JSON bytes");
      for (Run run : scaled) {
        table.row(
            run.scenario.nodes(),
            format(run.jobCreatedMillis, 0),
            format(run.allRunningMillis, 0),
            format(run.serverAllRunningMillis, 0),
            format(run.allRunningMillis - run.serverAllRunningMillis, 0),
            format(run.totalMillis, 0),
            format(run.cleanUpMillis, 0),
            mib(run.liveWhileRunning),
            mib(run.peak.used() - run.baselineHeap),
            run.peak.afterGc() == 0 ? "–" : mib(run.peak.afterGc() - run.baselineHeap),
            run.peakThreads - run.baselineThreads,
            format(run.cpuSeconds, 2),
            format(run.cpuSeconds * 1e3 / run.scenario.nodes(), 1),
            format(run.mockCpuSeconds, 2),
            format(run.planMicros, 0),
            run.planJsonBytes);
      }
      table.print(out);
      out.append(
          markdown
              ? "\n"
              : "  Δ: over the live heap and thread count before the run; live heap = after full"
                  + " GCs once every rank is Running and its log was read; total = submit to"
                  + " run() returning, including waiting for the logs and the mock's pod"
                  + " updates; all succeeded→returned = the launcher's log drain and clean-up\n\n");

      heading(out, markdown, "Launcher's requests by verb and resource");
      TreeSet<String> keys = new TreeSet<>();
      scaled.forEach(
          run ->
              keys.addAll(
                  run.stats.requests().getOrDefault(MockCluster.LAUNCHER, Map.of()).keySet()));
      List<String> header = new ArrayList<>();
      header.add("request");
      scaled.forEach(run -> header.add(run.scenario.nodes() + " nodes"));
      header.add("per extra rank");
      Table byKey = new Table(header.toArray(String[]::new));
      Run smallest = scaled.get(0);
      Run largest = scaled.get(scaled.size() - 1);
      List<String> growing = new ArrayList<>();
      for (String key : keys) {
        List<Object> row = new ArrayList<>();
        row.add(key);
        scaled.forEach(run -> row.add(count(run, key)));
        double slope = slope(count(smallest, key), count(largest, key), smallest, largest);
        row.add(format(slope, 3));
        byKey.row(row.toArray());
        if (slope >= 0.05 && !key.equals("GET pods/log")) {
          growing.add(
              key
                  + " ("
                  + scaled.stream()
                      .map(run -> Long.toString(count(run, key)))
                      .collect(Collectors.joining(" → "))
                  + ")");
        }
      }
      byKey.print(out);
      out.append('\n');

      if (scaled.size() > 1) {
        double residual = slope(smallest.residual(), largest.residual(), smallest, largest);
        double withoutLogs =
            slope(smallest.residualWithoutLogs(), largest.residualWithoutLogs(), smallest, largest);
        grows = withoutLogs >= 0.05 || residual >= 0.05;
        heading(out, markdown, "Scaling check");
        out.append(
            String.format(
                Locale.ROOT,
                "requests − (objects created + log streams): %s; %+.3f per extra rank → %s%n",
                scaled.stream()
                    .map(run -> run.scenario.nodes() + " nodes: " + run.residual())
                    .collect(Collectors.joining(", ")),
                residual,
                residual >= 0.05 ? "GROWS with the number of ranks" : "flat"));
        out.append(
            String.format(
                Locale.ROOT,
                "without any log request (re-asks included): %s; %+.3f per extra rank → %s%n",
                scaled.stream()
                    .map(run -> run.scenario.nodes() + " nodes: " + run.residualWithoutLogs())
                    .collect(Collectors.joining(", ")),
                withoutLogs,
                withoutLogs >= 0.05 ? "GROWS with the number of ranks" : "flat"));
        out.append(
            String.format(
                Locale.ROOT,
                "log requests per pod: %s%n",
                scaled.stream()
                    .map(
                        run ->
                            run.scenario.nodes()
                                + " nodes: "
                                + format(run.logGets() / (double) run.scenario.nodes(), 2))
                    .collect(Collectors.joining(", "))));
        if (!growing.isEmpty()) {
          out.append("FLAG: requests that grow with the rank count: ")
              .append(String.join("; ", growing))
              .append('\n');
        }
        out.append('\n');
      }
      List<String> checks = new ArrayList<>();
      for (Run run : scaled) {
        checks.add(
            run.scenario.nodes()
                + " nodes: client-side count "
                + (run.clientAgrees() ? "= server-side" : "≠ server-side " + run.clientCounts)
                + ", "
                + run.lines
                + " log lines"
                + (run.disorder == 0 && run.ranksShort == 0
                    ? " each once, in order"
                    : " (" + run.disorder + " out of order, " + run.ranksShort + " ranks short)"));
      }
      out.append(markdown ? "" : "checks: ").append(String.join("; ", checks)).append("\n\n");
    }

    List<Run> logged =
        runs.stream().filter(run -> run.scenario.kind() == Kind.LOGS && run.stats != null).toList();
    if (!logged.isEmpty()) {
      heading(out, markdown, "Log throughput: ranks writing at once, through the pod-log endpoint");
      Table table =
          new Table(
              "run",
              "state",
              "ranks × lines",
              "written",
              "lines delivered",
              "metrics parsed",
              "each once, in order",
              "lines/s",
              "MB/s",
              "lines/s, all ranks streaming",
              "first→last line ms",
              "lag after last write ms");
      for (Run run : logged) {
        double seconds = run.firstToLastLineMillis / 1e3;
        table.row(
            run.scenario.name(),
            run.state == null ? "ERROR" : run.state,
            run.scenario.nodes() + " × " + run.scenario.logs().lines(),
            run.scenario.logs().rate() > 0
                ? format(run.scenario.logs().rate(), 0) + " lines/s/rank"
                : "all at once",
            run.lines,
            run.metrics,
            run.disorder == 0 && run.ranksShort == 0
                ? "yes"
                : "no (" + run.disorder + " out of order, " + run.ranksShort + " ranks short)",
            format(run.lines / seconds, 0),
            format(run.lineBytes / seconds / 1e6, 1),
            format(run.allStreamingLinesPerSecond, 0),
            format(run.firstToLastLineMillis, 0),
            Double.isNaN(run.lagAfterLastWriteMillis)
                ? "–"
                : format(run.lagAfterLastWriteMillis, 0));
      }
      table.print(out);
      out.append('\n');
      heading(out, markdown, "Log throughput: requests, heap, threads, CPU");
      Table resources =
          new Table(
              "run",
              "log GETs",
              "bytes served / delivered",
              "peak heap Δ MiB",
              "max after GC Δ MiB",
              "threads Δ",
              "CPU s",
              "CPU µs/line",
              "mock CPU s");
      for (Run run : logged) {
        resources.row(
            run.scenario.name(),
            run.logGets(),
            format(run.stats.logBytesServed() / (double) Math.max(1, run.lineBytes), 2),
            mib(run.peak.used() - run.baselineHeap),
            run.peak.afterGc() == 0 ? "–" : mib(run.peak.afterGc() - run.baselineHeap),
            run.peakThreads - run.baselineThreads,
            format(run.cpuSeconds, 2),
            format(run.cpuSeconds * 1e6 / Math.max(1, run.lines), 1),
            format(run.mockCpuSeconds, 2));
      }
      resources.print(out);
      out.append(
          markdown
              ? "\n"
              : "  MB = 10^6 bytes of line text (no timestamp, no newline) handed to the listener;"
                  + " bytes served include the timestamps and the lines sent again after a"
                  + " re-ask\n\n");
    }
    for (Run run : runs) {
      if (run.error != null) {
        out.append("ERROR in ").append(run.scenario.name()).append(": ").append(run.error);
        out.append('\n');
      }
    }
    return grows;
  }

  private static void heading(StringBuilder out, boolean markdown, String title) {
    out.append(markdown ? "#### " + title + "\n\n" : title + "\n");
  }

  private static long count(Run run, String key) {
    return run.stats.requests().getOrDefault(MockCluster.LAUNCHER, Map.of()).getOrDefault(key, 0L);
  }

  private static double slope(long small, long large, Run smallest, Run largest) {
    int span = largest.scenario.nodes() - smallest.scenario.nodes();
    return span == 0 ? 0 : (large - small) / (double) span;
  }

  private static String format(double value, int decimals) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  private static String mib(long bytes) {
    return bytes < 0 && bytes != -1 ? "0" : bytes == -1 ? "–" : format(bytes / 1048576.0, 1);
  }

  /** A table, aligned as text or as Markdown. */
  static final class Table {
    static boolean markdown;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
      rows.add(header);
    }

    void row(Object... cells) {
      rows.add(List.of(cells).stream().map(String::valueOf).toArray(String[]::new));
    }

    void print(StringBuilder out) {
      int columns = rows.get(0).length;
      int[] width = new int[columns];
      for (String[] row : rows) {
        for (int i = 0; i < columns; i++) {
          width[i] = Math.max(width[i], row[i].length());
        }
      }
      for (int r = 0; r < rows.size(); r++) {
        String[] row = rows.get(r);
        StringBuilder line = new StringBuilder(markdown ? "|" : "");
        for (int i = 0; i < columns; i++) {
          String cell = row[i];
          String padded =
              i == 0
                  ? cell + " ".repeat(width[i] - cell.length())
                  : " ".repeat(width[i] - cell.length()) + cell;
          line.append(markdown ? " " + padded + " |" : (i == 0 ? "" : "  ") + padded);
        }
        out.append(line.toString().stripTrailing()).append('\n');
        if (markdown && r == 0) {
          StringBuilder rule = new StringBuilder("|");
          for (int i = 0; i < columns; i++) {
            rule.append(i == 0 ? " :" : " ")
                .append("-".repeat(Math.max(1, width[i] - 1)))
                .append(i == 0 ? "" : ":")
                .append(" |");
          }
          out.append(rule).append('\n');
        }
      }
    }
  }

  static {
    // fabric8 and the mock server log through java.util.logging and slf4j: keep the report clean
    java.util.logging.Logger.getLogger("io.fabric8").setLevel(java.util.logging.Level.WARNING);
  }
}
