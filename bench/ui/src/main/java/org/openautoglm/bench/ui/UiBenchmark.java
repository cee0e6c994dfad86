package org.openautoglm.bench.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.openautoglm.registry.Registry;
import org.openautoglm.status.ProjectStatus;
import org.openautoglm.status.RunIds;
import org.openautoglm.status.RunStore;

/**
 * Benchmark of {@code autoglm ui}: {@code GET /api/project} and the first render of the project
 * page against stores of 100, 1,000 and 10,000 runs and history entries. Target (issue): server
 * time < 200 ms at 10,000, memory flat (paging, never loading everything).
 *
 * <p>For each size it starts the real server ({@code java -jar cli/target/autoglm.jar ui --port 0})
 * on fixtures from {@link Fixtures}, warms it up, then measures from an HTTP client on loopback, in
 * rounds, one request at a time (the first render's parallel parts in parallel): the trivial {@code
 * /api/health} as the HTTP baseline, {@code /api/project}, the first and the last page of runs and
 * of production's history, and the first render as a whole. Then the bytes each kind of request
 * allocates on the server's threads, and the server's live heap (used after full collections)
 * before the first request and after all of them. Last, the same at the largest size with {@code
 * -Xmx64m}, and the parts of {@code /api/project} timed in this JVM.
 */
public final class UiBenchmark {
  static final String[] ENDPOINTS = {
    "health", "project", "runs-first", "runs-last", "history-first", "history-deep"
  };

  private final Options options;
  private final List<Result> results = new ArrayList<>();
  private final Map<Integer, Map<String, double[]>> breakdowns = new LinkedHashMap<>();

  record Options(
      List<Integer> sizes,
      Path work,
      Path jar,
      Path examples,
      List<String> serverOptions,
      Map<String, List<String>> variants,
      int warmup,
      int rounds,
      int allocationRequests,
      boolean regenerate,
      boolean breakdown,
      Path markdown) {}

  /** One server run: a size and the JVM options it ran with. */
  static final class Result {
    final int size;
    final String label;
    final List<String> jvm;
    final Map<String, List<Long>> samples = new LinkedHashMap<>();
    final List<Long> renderWall = new ArrayList<>();
    final List<Long> renderServer = new ArrayList<>();
    final List<Long> renderApi = new ArrayList<>();
    final Map<String, Long> allocationPerRequest = new LinkedHashMap<>();
    long renderBytes;
    int renderRequests;
    long idleHeap;
    long liveHeap;
    long maxHeap;
    long requests;
    long errors;
    String firstError;
    ServerProcess.GcSummary gc;
    long projectBytes;

    Result(int size, String label, List<String> jvm) {
      this.size = size;
      this.label = label;
      this.jvm = jvm;
      for (String endpoint : ENDPOINTS) {
        samples.put(endpoint, new ArrayList<>());
      }
    }
  }

  UiBenchmark(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options = parse(args);
    long started = System.nanoTime();
    new UiBenchmark(options).run();
    System.out.printf("%n== done in %.0f s%n", (System.nanoTime() - started) / 1e9);
  }

  void run() throws Exception {
    System.out.printf(
        "== machine: %d CPUs, %s %s; server JVM options: %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        String.join(" ", options.serverOptions()));
    System.out.println("== load: " + loadAverage());
    System.out.println("== fixtures in " + options.work());
    Fixtures fixtures = new Fixtures(options.work(), options.regenerate());
    Path project = fixtures.project(options.examples());
    Map<Integer, Path> runs = fixtures.runs(options.sizes());
    Map<Integer, Path> registries = new LinkedHashMap<>();
    for (int size : options.sizes()) {
      registries.put(size, fixtures.registry(size));
    }
    int largest = options.sizes().get(options.sizes().size() - 1);
    for (int size : options.sizes()) {
      Map<String, List<String>> configurations = new LinkedHashMap<>();
      configurations.put(String.format(Locale.ROOT, "%,d", size), options.serverOptions());
      if (size == largest) {
        // side by side with the plain server: started together, measured in alternating rounds
        options
            .variants()
            .forEach(
                (name, extra) -> {
                  List<String> jvm = new ArrayList<>(options.serverOptions());
                  jvm.addAll(extra);
                  configurations.put(String.format(Locale.ROOT, "%,d, %s", size, name), jvm);
                });
      }
      results.addAll(measure(size, configurations, project, registries.get(size), runs.get(size)));
      if (options.breakdown()) {
        breakdowns.put(size, breakdown(size, registries.get(size), runs.get(size)));
      }
    }
    System.out.println("== load: " + loadAverage());
    String report = report();
    System.out.println();
    System.out.println(report);
    if (options.markdown() != null) {
      Files.writeString(options.markdown(), report, StandardCharsets.UTF_8);
      System.out.println("== written to " + options.markdown());
    }
    boolean failed = results.stream().anyMatch(r -> r.errors > 0);
    if (failed) {
      System.exit(1);
    }
  }

  /**
   * Starts one server per configuration on the same stores, and measures them in alternating rounds
   * (round i starts with server i mod k), so that load from elsewhere hits them alike.
   */
  private List<Result> measure(
      int size, Map<String, List<String>> configurations, Path project, Path registry, Path runs)
      throws Exception {
    Path logs = options.work().resolve("logs");
    Files.createDirectories(logs);
    List<Result> measured = new ArrayList<>();
    List<ServerProcess> servers = new ArrayList<>();
    List<Client> clients = new ArrayList<>();
    try {
      for (Map.Entry<String, List<String>> configuration : configurations.entrySet()) {
        String label = configuration.getKey();
        List<String> jvm = configuration.getValue();
        System.out.printf("%n== %s runs and history entries (server: %s)%n", label, jvm);
        String name = label.replaceAll("[^0-9A-Za-z]+", "-");
        Files.deleteIfExists(logs.resolve("gc-" + name + ".log"));
        Files.deleteIfExists(logs.resolve("server-" + name + ".log"));
        long started = System.nanoTime();
        ServerProcess server =
            ServerProcess.start(
                options.jar(),
                jvm,
                project,
                registry,
                runs,
                logs.resolve("gc-" + name + ".log"),
                logs.resolve("server-" + name + ".log"));
        servers.add(server);
        System.out.printf(
            "   server pid %d at %s, up in %.1f s%n",
            server.pid(), server.uri(), (System.nanoTime() - started) / 1e9);
        server.attach();
        Result result = new Result(size, label, jvm);
        result.idleHeap = server.liveHeap();
        result.maxHeap = server.maxHeap();
        Client client = new Client(server.uri());
        check(client, size);
        measured.add(result);
        clients.add(client);
      }
      int k = servers.size();
      for (int i = 0; i < options.warmup(); i++) {
        for (int j = 0; j < k; j++) {
          round(clients.get((i + j) % k), size, null);
        }
      }
      for (int i = 0; i < options.rounds(); i++) {
        for (int j = 0; j < k; j++) {
          round(clients.get((i + j) % k), size, measured.get((i + j) % k));
        }
      }
      for (int j = 0; j < k; j++) {
        ServerProcess server = servers.get(j);
        Client client = clients.get(j);
        Result result = measured.get(j);
        allocation(server, client, size, result);
        result.requests = client.requests();
        result.liveHeap = server.liveHeap();
        result.errors = client.errors();
        result.firstError = client.firstError();
        if (!server.alive()) {
          throw new IllegalStateException("the server died; see " + logs);
        }
        System.out.printf(
            "   %s: /api/project median %.1f ms, first render median %.1f ms; live heap %.1f MiB"
                + " idle, %.1f MiB after %d requests; %d errors%n",
            result.label,
            median(result.samples.get("project")) / 1e6,
            median(result.renderWall) / 1e6,
            result.idleHeap / 1048576.0,
            result.liveHeap / 1048576.0,
            result.requests,
            result.errors);
        if (result.errors > 0) {
          System.out.println("   first error: " + result.firstError);
        }
      }
    } finally {
      for (ServerProcess server : servers) {
        server.close();
      }
    }
    for (int j = 0; j < servers.size(); j++) {
      measured.get(j).gc = servers.get(j).gcSummary();
    }
    return measured;
  }

  /** The answers are right: the server sees the whole fixture. */
  private static void check(Client client, int size) throws Exception {
    JsonNode project = Client.json(client.get("api/project"));
    long total = project.path("runs").path("total").asLong();
    long history = -1;
    for (JsonNode environment : project.path("environments")) {
      if (environment.path("name").asText().equals(Fixtures.DEEP_ENVIRONMENT)) {
        history = environment.path("historySize").asLong();
      }
    }
    JsonNode deep = Client.json(client.get(historyPath(size - 20)));
    JsonNode last = Client.json(client.get(runsPath(size - 20)));
    if (total != size
        || history != size
        || project.path("runs").path("items").size() != 20
        || project.path("trend").path("points").size() != Math.min(50, Math.max(1, size / 10))
        || deep.path("items").size() != 20
        || last.path("items").size() != 20) {
      throw new IllegalStateException(
          "the server does not see the fixture of "
              + size
              + ": runs.total "
              + total
              + ", production historySize "
              + history
              + ", deep history page "
              + deep.path("items").size()
              + " entries, last runs page "
              + last.path("items").size());
    }
  }

  private void round(Client client, int size, Result into) throws Exception {
    Client.Timed[] timed = {
      client.get("api/health"),
      client.get("api/project"),
      client.get(runsPath(0)),
      client.get(runsPath(size - 20)),
      client.get(historyPath(0)),
      client.get(historyPath(size - 20))
    };
    Client.Render render = client.firstRender();
    if (into == null) {
      return;
    }
    for (int i = 0; i < ENDPOINTS.length; i++) {
      into.samples.get(ENDPOINTS[i]).add(timed[i].nanos());
    }
    into.projectBytes = timed[1].body().length;
    into.renderWall.add(render.wallNanos());
    into.renderServer.add(render.serverNanos());
    into.renderApi.add(render.apiNanos());
    into.renderBytes = render.bytes();
    into.renderRequests = render.requests().size();
  }

  /** Bytes allocated on the server's HTTP threads per request, by kind. */
  private void allocation(ServerProcess server, Client client, int size, Result result)
      throws Exception {
    int count = options.allocationRequests();
    Map<String, Callable<?>> kinds = new LinkedHashMap<>();
    kinds.put("health", () -> client.get("api/health"));
    kinds.put("project", () -> client.get("api/project"));
    kinds.put("runs-first", () -> client.get(runsPath(0)));
    kinds.put("runs-last", () -> client.get(runsPath(size - 20)));
    kinds.put("history-first", () -> client.get(historyPath(0)));
    kinds.put("history-deep", () -> client.get(historyPath(size - 20)));
    kinds.put("first-render", client::firstRender);
    for (Map.Entry<String, Callable<?>> kind : kinds.entrySet()) {
      kind.getValue().call();
      Map<Long, Long> before = server.servingAllocation();
      for (int i = 0; i < count; i++) {
        kind.getValue().call();
      }
      Map<Long, Long> after = server.servingAllocation();
      result.allocationPerRequest.put(
          kind.getKey(), ServerProcess.allocatedBetween(before, after) / count);
    }
  }

  /**
   * The parts of {@code /api/project}, and the deep pages, in this JVM on the same fixture: medians
   * in ms.
   */
  private Map<String, double[]> breakdown(int size, Path registryPath, Path runsPath)
      throws Exception {
    Map<String, double[]> parts = new LinkedHashMap<>();
    RunStore store = RunStore.open(runsPath);
    try (Registry registry = Registry.open(registryPath)) {
      ProjectStatus status =
          new ProjectStatus(Fixtures.PROJECT, Fixtures.ENVIRONMENTS, registry, store);
      Instant now = Instant.now();
      String newest = newestTrainingRun(runsPath);
      time(parts, "ProjectStatus.project (whole /api/project model)", () -> status.project(now));
      time(parts, "RunStore.page(20, 0)", () -> store.page(20, 0));
      time(parts, "RunStore.page(20, N-20)", () -> store.page(20, size - 20));
      time(parts, "  list + sort the store's file names (RunStore.ids)", () -> ids(runsPath));
      time(parts, "  RunStore.find of one training run", () -> store.find(newest));
      time(
          parts,
          "Registry.state × 3 environments",
          () -> Fixtures.ENVIRONMENTS.stream().map(registry::state).toList());
      time(parts, "Registry.latestVersions(50)", () -> registry.latestVersions(50));
      time(
          parts,
          "Registry.history(production, 20, 0)",
          () -> registry.history(Fixtures.DEEP_ENVIRONMENT, 20, 0));
      time(
          parts,
          "Registry.history(production, 20, N-20)",
          () -> registry.history(Fixtures.DEEP_ENVIRONMENT, 20, size - 20));
    }
    return parts;
  }

  /** The largest of the newest 20 records: a training run with its metrics. */
  private static String newestTrainingRun(Path runs) throws IOException {
    List<String> ids = ids(runs);
    String best = null;
    long bestSize = -1;
    for (String id : ids.subList(Math.max(0, ids.size() - 20), ids.size())) {
      long size = Files.size(runs.resolve(id + ".json"));
      if (size > bestSize) {
        best = id;
        bestSize = size;
      }
    }
    return best;
  }

  /** What RunStore.ids() does (private there): list, filter by id syntax, sort. */
  private static List<String> ids(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(path -> path.getFileName().toString())
          .filter(name -> name.endsWith(".json"))
          .map(name -> name.substring(0, name.length() - 5))
          .filter(RunIds::valid)
          .sorted()
          .toList();
    }
  }

  private static void time(Map<String, double[]> parts, String name, Callable<?> work)
      throws Exception {
    long deadline = System.nanoTime() + 2_000_000_000L;
    int warm = 0;
    while (warm < 20 && System.nanoTime() < deadline) {
      work.call();
      warm++;
    }
    List<Long> samples = new ArrayList<>();
    deadline = System.nanoTime() + 3_000_000_000L;
    while (samples.size() < 30 && (samples.size() < 5 || System.nanoTime() < deadline)) {
      long start = System.nanoTime();
      work.call();
      samples.add(System.nanoTime() - start);
    }
    parts.put(name, new double[] {median(samples) / 1e6, percentile(samples, 95) / 1e6});
  }

  // ---------------------------------------------------------------- report

  private String report() {
    StringBuilder out = new StringBuilder();
    Result first = results.get(0);
    Result largest =
        results.stream()
            .filter(r -> r.jvm.equals(options.serverOptions()))
            .reduce((a, b) -> b)
            .orElseThrow();
    out.append("## autoglm ui: /api/project and first render\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%d CPUs, %s %s; load average %s at the end. Server: `java %s -jar autoglm.jar ui`;"
                + " %d warm-up rounds, %d measured rounds (one request at a time; the first"
                + " render's parallel parts in parallel).%n%n",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vm.name"),
            System.getProperty("java.runtime.version"),
            loadAverage(),
            String.join(" ", options.serverOptions()),
            options.warmup(),
            options.rounds()));

    out.append("Latency on loopback, ms, median / p95:\n\n");
    header(out, "request");
    row(
        out,
        "`GET /api/health` (HTTP baseline)",
        r -> latency(r.samples.get("health")),
        first,
        largest);
    row(
        out,
        "**`GET /api/project`**",
        r -> bold(latency(r.samples.get("project"))),
        first,
        largest);
    row(
        out,
        "first render, wall (browser order, " + first.renderRequests + " requests)",
        r -> bold(latency(r.renderWall)),
        first,
        largest);
    row(
        out,
        "first render, sum of the requests' times",
        r -> latency(r.renderServer),
        first,
        largest);
    row(
        out,
        "first render, sum of its API requests' times",
        r -> latency(r.renderApi),
        first,
        largest);
    row(
        out,
        "`GET /api/runs?limit=20&offset=0`",
        r -> latency(r.samples.get("runs-first")),
        first,
        largest);
    row(
        out,
        "`GET /api/runs?limit=20&offset=N-20` (last page)",
        r -> latency(r.samples.get("runs-last")),
        first,
        largest);
    row(
        out,
        "`GET …/production/history?limit=20&offset=0`",
        r -> latency(r.samples.get("history-first")),
        first,
        largest);
    row(
        out,
        "`GET …/production/history?limit=20&offset=N-20` (last page)",
        r -> latency(r.samples.get("history-deep")),
        first,
        largest);
    out.append("\n");
    out.append(
        String.format(
            Locale.ROOT,
            "Ratio column: median at %s / median at %s. First render: %d requests, %,d bytes"
                + " (echarts.min.js is most of it); `/api/project` answer: %,d bytes at %s.%n%n",
            largest.label,
            first.label,
            first.renderRequests,
            largest.renderBytes,
            largest.projectBytes,
            largest.label));

    out.append(
        "Memory of the server: live heap = used after full collections (`System.gc()` through"
            + " JMX, as `jcmd GC.run`); allocation = bytes allocated by the HTTP threads per request:\n\n");
    header(out, "");
    row(out, "live heap before the first request, MiB", r -> mib(r.idleHeap), first, largest);
    row(out, "**live heap after all requests, MiB**", r -> bold(mib(r.liveHeap)), first, largest);
    row(
        out,
        "requests served before that",
        r -> String.format(Locale.ROOT, "%,d", r.requests),
        null,
        null);
    row(out, "max heap (-Xmx or the JVM's default), MiB", r -> mib(r.maxHeap), null, null);
    row(
        out,
        "GC pauses young / full (full: the 2 per heap reading, plus any other)",
        r -> r.gc == null ? "–" : r.gc.young() + " / " + r.gc.full(),
        null,
        null);
    row(
        out,
        "largest heap occupancy before a GC, MiB (`-Xlog:gc`)",
        r -> r.gc == null ? "–" : Long.toString(r.gc.peakBeforeMb()),
        null,
        null);
    for (String kind : first.allocationPerRequest.keySet()) {
      row(
          out,
          "allocated per `" + kind + "` request, KiB",
          r -> kib(r.allocationPerRequest.getOrDefault(kind, 0L)),
          first,
          largest);
    }
    row(out, "errors (non-200 answers)", r -> Long.toString(r.errors), null, null);
    out.append("\n");

    if (!breakdowns.isEmpty()) {
      out.append(
          "The parts of `/api/project` and the deep pages, called in the benchmark's JVM on the"
              + " same stores (not through HTTP; run.sh gives that JVM the server's JIT and GC"
              + " flags), ms, median / p95:\n\n");
      out.append("| call |");
      breakdowns.keySet().forEach(n -> out.append(String.format(Locale.ROOT, " N = %,d |", n)));
      out.append(" ratio |\n|---|");
      breakdowns.keySet().forEach(n -> out.append("---:|"));
      out.append("---:|\n");
      Map<String, double[]> small = breakdowns.values().iterator().next();
      Map<String, double[]> big = null;
      for (Map<String, double[]> b : breakdowns.values()) {
        big = b;
      }
      for (String part : small.keySet()) {
        out.append("| ").append(part).append(" |");
        for (Map<String, double[]> b : breakdowns.values()) {
          double[] v = b.get(part);
          out.append(String.format(Locale.ROOT, " %s / %s |", ms(v[0]), ms(v[1])));
        }
        out.append(String.format(Locale.ROOT, " %.1f |%n", big.get(part)[0] / small.get(part)[0]));
      }
      out.append("\n");
    }

    double project = median(largest.samples.get("project")) / 1e6;
    double projectP95 = percentile(largest.samples.get("project"), 95) / 1e6;
    double render = median(largest.renderServer) / 1e6;
    double renderP95 = percentile(largest.renderServer, 95) / 1e6;
    double heapRatio = (double) largest.liveHeap / first.liveHeap;
    out.append(
        String.format(
            Locale.ROOT,
            "Target at %s: `/api/project` %.1f ms median, %.1f ms p95 (< 200: %s); first render,"
                + " sum of its requests, %.1f ms median, %.1f ms p95 (< 200: %s); live heap %s /"
                + " %s = %.2f (flat, ≤ 1.25: %s).%n",
            largest.label,
            project,
            projectP95,
            projectP95 < 200 ? "yes" : "no",
            render,
            renderP95,
            renderP95 < 200 ? "yes" : "no",
            largest.label,
            first.label,
            heapRatio,
            heapRatio <= 1.25 ? "yes" : "no"));
    results.stream()
        .filter(r -> !r.jvm.equals(options.serverOptions()))
        .forEach(
            r ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "With %s: %,d requests, %d errors, `/api/project` %.1f ms median, first"
                            + " render %.1f ms median, live heap %s MiB.%n",
                        r.label,
                        r.requests,
                        r.errors,
                        median(r.samples.get("project")) / 1e6,
                        median(r.renderWall) / 1e6,
                        mib(r.liveHeap))));
    return out.toString();
  }

  private interface Cell {
    String of(Result result);
  }

  private void header(StringBuilder out, String first) {
    out.append("| ").append(first).append(" |");
    results.forEach(r -> out.append(" N = ").append(r.label).append(" |"));
    out.append(" ratio |\n|---|");
    results.forEach(r -> out.append("---:|"));
    out.append("---:|\n");
  }

  private void row(StringBuilder out, String name, Cell cell, Result small, Result big) {
    out.append("| ").append(name).append(" |");
    results.forEach(r -> out.append(" ").append(cell.of(r)).append(" |"));
    String ratio = "";
    if (small != null && big != null) {
      double a = number(cell.of(small));
      double b = number(cell.of(big));
      ratio = a > 0 ? String.format(Locale.ROOT, "%.2f", b / a) : "";
    }
    out.append(" ").append(ratio).append(" |\n");
  }

  private static double number(String cell) {
    String first = cell.replace("*", "").split(" ")[0].replace(",", "");
    try {
      return Double.parseDouble(first);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String latency(List<Long> samples) {
    return ms(median(samples) / 1e6) + " / " + ms(percentile(samples, 95) / 1e6);
  }

  private static String bold(String text) {
    return "**" + text + "**";
  }

  private static String ms(double ms) {
    return ms < 10
        ? String.format(Locale.ROOT, "%.2f", ms)
        : ms < 100
            ? String.format(Locale.ROOT, "%.1f", ms)
            : String.format(Locale.ROOT, "%.0f", ms);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
  }

  private static String kib(long bytes) {
    return String.format(Locale.ROOT, "%,.0f", bytes / 1024.0);
  }

  static double median(List<Long> samples) {
    return percentile(samples, 50);
  }

  static double percentile(List<Long> samples, int p) {
    if (samples.isEmpty()) {
      return Double.NaN;
    }
    long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
    if (p == 50) {
      int n = sorted.length;
      return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static String runsPath(int offset) {
    return "api/runs?limit=20&offset=" + Math.max(0, offset);
  }

  private static String historyPath(int offset) {
    return "api/environments/"
        + Fixtures.DEEP_ENVIRONMENT
        + "/history?limit=20&offset="
        + Math.max(0, offset);
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return parts[0] + ", " + parts[1] + ", " + parts[2];
    } catch (IOException e) {
      return String.format(
          Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  // ---------------------------------------------------------------- options

  private static Options parse(String[] args) {
    List<Integer> sizes = List.of(100, 1_000, 10_000);
    Path root = Path.of("").toAbsolutePath();
    Path work = root.resolve("bench/work/ui");
    Path jar = root.resolve("cli/target/autoglm.jar");
    Path examples = root.resolve("examples");
    List<String> server = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    Map<String, List<String>> variants = new LinkedHashMap<>();
    // The server turns Nagle off itself; this variant turns it back on, to show what that saves.
    variants.put("Nagle on", List.of("-Dsun.net.httpserver.nodelay=false"));
    variants.put("-Xmx64m", List.of("-Xmx64m"));
    boolean defaultVariants = true;
    int warmup = 30;
    int rounds = 60;
    int allocation = 20;
    boolean regenerate = false;
    boolean breakdown = true;
    Path markdown = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--sizes" ->
            sizes =
                Arrays.stream(args[++i].split(","))
                    .map(s -> Integer.valueOf(s.trim()))
                    .sorted()
                    .toList();
        case "--work" -> work = Path.of(args[++i]).toAbsolutePath();
        case "--jar" -> jar = Path.of(args[++i]).toAbsolutePath();
        case "--examples" -> examples = Path.of(args[++i]).toAbsolutePath();
        case "--server-opts" ->
            server = args[++i].isBlank() ? List.of() : List.of(args[i].trim().split("\\s+"));
        case "--variant" -> {
          String spec = args[++i];
          int equals = spec.indexOf('=');
          if (defaultVariants) {
            variants.clear();
            defaultVariants = false;
          }
          variants.put(
              spec.substring(0, equals), List.of(spec.substring(equals + 1).trim().split("\\s+")));
        }
        case "--no-variants" -> variants.clear();
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--allocation-requests" -> allocation = Integer.parseInt(args[++i]);
        case "--regenerate" -> regenerate = true;
        case "--no-breakdown" -> breakdown = false;
        case "--markdown" -> markdown = Path.of(args[++i]).toAbsolutePath();
        default -> {
          System.err.println(
              "usage: UiBenchmark [--sizes 100,1000,10000] [--work DIR] [--jar autoglm.jar]"
                  + " [--examples DIR] [--server-opts '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC']"
                  + " [--variant NAME=OPTIONS ... | --no-variants] [--warmup 30] [--rounds 60]"
                  + " [--allocation-requests 20] [--regenerate] [--no-breakdown] [--markdown FILE]");
          System.exit(2);
        }
      }
    }
    if (sizes.stream().anyMatch(n -> n < 40)) {
      throw new IllegalArgumentException("sizes must be 40 or more (pages of 20, N / 10 versions)");
    }
    return new Options(
        sizes,
        work,
        jar,
        examples,
        server,
        variants,
        warmup,
        rounds,
        allocation,
        regenerate,
        breakdown,
        markdown);
  }
}
