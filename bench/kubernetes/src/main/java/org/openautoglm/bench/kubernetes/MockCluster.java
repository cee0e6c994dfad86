package org.openautoglm.bench.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes API for the benchmark: fabric8's mock server in CRUD mode on loopback, with this
 * class playing the Job controller and the kubelet (it creates an Indexed Job's pods, moves them
 * Pending → Running → Succeeded, and serves their logs), and counting every request it receives.
 *
 * <p>The approach is that of the launcher tests' {@code FakeCluster} (core's test classes are not
 * on the benchmark's class path): a {@link KubernetesMixedDispatcher} subclass sees each request
 * before the CRUD store does. Requests are attributed by the {@value #CLIENT_HEADER} header, which
 * the benchmark sets on the launcher's client (fabric8's {@code customHeaders}); the controller's
 * own requests carry {@code controller} and are counted apart.
 *
 * <p>Pod logs are generated when the pods are created, before they turn Running, so that serving
 * one costs a copy: line {@code i} of a pod is written at {@code start + i / rate}; with rate 0 the
 * whole log is there at once, as a backlog with timestamps 1 ms apart up to the start. Like the
 * launcher tests' fake, a follow request gets what has been written so far and its body then ends
 * (the mock server cannot keep a response open), so the launcher asks again with {@code sinceTime};
 * a real API server keeps a follow open until the container exits.
 *
 * <p>Run as a main class it is the benchmark's mock-server process: it prints {@code @@ READY
 * <url>} and then answers commands on standard input, one line each ({@code logs LINES BYTES RATE},
 * {@code reset}, {@code succeed}, {@code stats}, {@code quit}), with one {@code @@ } line.
 */
final class MockCluster implements AutoCloseable {
  static final String NAMESPACE = "bench";
  static final String NODE = "gpu-node-1";
  static final String CLIENT_HEADER = "X-Autoglm-Bench-Client";
  static final String LAUNCHER = "launcher";
  static final String CONTROLLER = "controller";

  /** Set by the Job controller on the pods of an Indexed Job. */
  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

  static final String METRIC_PREFIX = "AUTOGLM_METRIC {\"step\": ";

  private static final Pattern LOG_PATH =
      Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(?:\\?(.*))?$");
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  /** What every pod writes: {@code lines} lines of about {@code lineBytes}, at {@code rate}/s. */
  record LogConfig(int lines, int lineBytes, double rate) {}

  /** Counts and times, as the benchmark reads them after a run. */
  record Stats(
      Map<String, Map<String, Long>> requests,
      Map<String, Long> logRequestsByPod,
      long logBytesServed,
      long logLinesServed,
      long launcherResponseBytes,
      int podsCreated,
      long jobCreatedAtMillis,
      long logStartAtMillis,
      long podsCreatedAtMillis,
      long allRunningAtMillis,
      long succeededAtMillis) {}

  /**
   * A pod's whole log, generated before the pod starts: line {@code i} (with its timestamp) is
   * {@code text[offsets[i] .. offsets[i + 1])}, written at {@code start + i × step}.
   */
  private record PodLog(int rank, Instant start, long stepNanos, byte[] text, int[] offsets) {
    static PodLog generate(int rank, Instant now, LogConfig config) {
      // at a rate: written from now on; all at once: a backlog written 1 ms apart until now
      long step = config.rate() > 0 ? (long) (1e9 / config.rate()) : 1_000_000;
      Instant start = config.rate() > 0 ? now : now.minusNanos(step * (config.lines() - 1L));
      StringBuilder log = new StringBuilder(config.lines() * (config.lineBytes() + 32));
      int[] offsets = new int[config.lines() + 1];
      for (int i = 0; i < config.lines(); i++) {
        offsets[i] = log.length();
        log.append(start.plusNanos(i * step)).append(' ');
        line(log, rank, i, config.lineBytes());
        log.append('\n');
      }
      offsets[config.lines()] = log.length();
      return new PodLog(
          rank, start, step, log.toString().getBytes(StandardCharsets.US_ASCII), offsets);
    }

    int lines() {
      return offsets.length - 1;
    }
  }

  private final KubernetesMockServer server;
  private final NamespacedKubernetesClient client;
  private final ExecutorService controller = Executors.newSingleThreadExecutor();
  private final Map<String, Map<String, LongAdder>> requests = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> logRequests = new ConcurrentHashMap<>();
  private final LongAdder logBytes = new LongAdder();
  private final LongAdder logLines = new LongAdder();
  private final LongAdder launcherBytes = new LongAdder();
  private final Map<String, PodLog> podLogs = new ConcurrentHashMap<>();
  private final Map<String, Pod> pods = new ConcurrentHashMap<>();
  private final Set<String> reconciled = ConcurrentHashMap.newKeySet();
  private final Watch jobWatch;
  private volatile LogConfig logConfig = new LogConfig(20, 100, 0);
  private volatile long jobCreatedAt;
  private volatile long logStartAt;
  private volatile long podsCreatedAt;
  private volatile long allRunningAt;
  private volatile long succeededAt;
  private volatile String lastJob;

  MockCluster() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), responses, new Counting(responses), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client =
        server.createClient(
            builder ->
                builder
                    .editOrNewConfig()
                    .withNamespace(NAMESPACE)
                    .addToCustomHeaders(CLIENT_HEADER, CONTROLLER)
                    .endConfig());
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(NODE)
                .addToLabels("accelerator", "h100")
                .endMetadata()
                .withNewStatus()
                .addToAllocatable("nvidia.com/gpu", new Quantity("8"))
                .addToAllocatable("cpu", new Quantity("64"))
                .addToAllocatable("memory", new Quantity("512Gi"))
                .endStatus()
                .build())
        .create();
    jobWatch =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(NAMESPACE)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Job job) {
                    if (action == Action.ADDED) {
                      controller.execute(() -> reconcile(job));
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  /** The API server's URL, for a client of another process. */
  String masterUrl() {
    return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
  }

  void logs(LogConfig config) {
    logConfig = config;
  }

  /** Forgets the counts and times (after a warm-up run). */
  void reset() {
    requests.clear();
    logRequests.clear();
    logBytes.reset();
    logLines.reset();
    launcherBytes.reset();
    jobCreatedAt = 0;
    logStartAt = 0;
    podsCreatedAt = 0;
    allRunningAt = 0;
    succeededAt = 0;
  }

  Stats stats() {
    Map<String, Map<String, Long>> byClient = new TreeMap<>();
    requests.forEach(
        (who, counts) -> {
          Map<String, Long> copy = new TreeMap<>();
          counts.forEach((key, count) -> copy.put(key, count.sum()));
          byClient.put(who, copy);
        });
    Map<String, Long> logs = new TreeMap<>();
    logRequests.forEach((pod, count) -> logs.put(pod, count.sum()));
    return new Stats(
        byClient,
        logs,
        logBytes.sum(),
        logLines.sum(),
        launcherBytes.sum(),
        pods.size(),
        jobCreatedAt,
        logStartAt,
        podsCreatedAt,
        allRunningAt,
        succeededAt);
  }

  // ---- the Job controller and the kubelet

  /** Creates the pods of every completion index, then starts them all. */
  private void reconcile(Job job) {
    if (Boolean.TRUE.equals(job.getSpec().getSuspend())
        || !reconciled.add(job.getMetadata().getUid())) {
      return;
    }
    lastJob = job.getMetadata().getName();
    pods.clear();
    int completions = job.getSpec().getCompletions();
    PodSpec spec = new PodSpecBuilder(job.getSpec().getTemplate().getSpec()).build();
    String container = spec.getContainers().get(0).getName();
    List<Pod> created = new ArrayList<>();
    try {
      for (int index = 0; index < completions; index++) {
        Pod pod = client.pods().inNamespace(NAMESPACE).resource(pod(job, spec, index)).create();
        pods.put(pod.getMetadata().getName(), pod);
        created.add(pod);
      }
      podsCreatedAt = System.currentTimeMillis();
      long lastRunning = 0;
      // what the containers will write, generated now so that serving it costs a copy; every
      // container starts writing at the same instant, just before its pod is reported Running
      LogConfig config = logConfig;
      Instant start = Instant.now();
      logStartAt = start.toEpochMilli();
      for (Pod pod : created) {
        podLogs.put(pod.getMetadata().getName(), PodLog.generate(index(pod), start, config));
      }
      for (Pod pod : created) {
        String name = pod.getMetadata().getName();
        Instant now = Instant.now();
        pod.setStatus(
            new PodStatusBuilder()
                .withPhase("Running")
                .withHostIP("10.0.0.1")
                .withPodIP("10.1.0." + (index(pod) % 250 + 1))
                .withStartTime(now.toString())
                .withConditions(
                    new PodConditionBuilder().withType("Ready").withStatus("True").build())
                .withContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName(container)
                        .withReady(true)
                        .withRestartCount(0)
                        .withImage(spec.getContainers().get(0).getImage())
                        .withState(
                            new ContainerStateBuilder()
                                .withNewRunning()
                                .withStartedAt(now.toString())
                                .endRunning()
                                .build())
                        .build())
                .build());
        // when the last pod's Running status is sent (the launcher may see it before the
        // controller has the answer)
        lastRunning = System.currentTimeMillis();
        pods.put(name, client.pods().inNamespace(NAMESPACE).resource(pod).updateStatus());
      }
      allRunningAt = lastRunning;
    } catch (KubernetesClientException e) {
      System.err.println("mock Job controller: " + e.getMessage());
    }
  }

  private static Pod pod(Job job, PodSpec spec, int index) {
    String name = job.getMetadata().getName();
    Map<String, String> labels =
        new LinkedHashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(COMPLETION_INDEX, Integer.toString(index));
    labels.put("job-name", name);
    labels.put("controller-uid", job.getMetadata().getUid());
    String suffix = Integer.toString(Math.floorMod((name + index).hashCode(), 46_656), 36);
    return new PodBuilder()
        .withNewMetadata()
        .withName(name + "-" + index + "-" + "0".repeat(3 - suffix.length()) + suffix)
        .withNamespace(NAMESPACE)
        .withLabels(labels)
        .addToAnnotations(COMPLETION_INDEX, Integer.toString(index))
        .addNewOwnerReference()
        .withApiVersion("batch/v1")
        .withKind("Job")
        .withName(name)
        .withUid(job.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .endOwnerReference()
        .endMetadata()
        .withSpec(
            new PodSpecBuilder(spec).withNodeName(NODE).withHostname(name + "-" + index).build())
        .withNewStatus()
        .withPhase("Pending")
        .endStatus()
        .build();
  }

  private static int index(Pod pod) {
    return Integer.parseInt(pod.getMetadata().getLabels().get(COMPLETION_INDEX));
  }

  /** Every pod exits 0, then the Job controller marks the Job complete. */
  void succeedAll() {
    List<Pod> current = new ArrayList<>(pods.values());
    for (Pod pod : current) {
      String finished = Instant.now().toString();
      Pod fresh = new PodBuilder(pod).build();
      String container = fresh.getSpec().getContainers().get(0).getName();
      fresh.setStatus(
          new PodStatusBuilder(fresh.getStatus())
              .withPhase("Succeeded")
              .withConditions(
                  new PodConditionBuilder().withType("Ready").withStatus("False").build())
              .withContainerStatuses(
                  new ContainerStatusBuilder()
                      .withName(container)
                      .withReady(false)
                      .withRestartCount(0)
                      .withState(
                          new ContainerStateBuilder()
                              .withNewTerminated()
                              .withExitCode(0)
                              .withReason("Completed")
                              .withFinishedAt(finished)
                              .endTerminated()
                              .build())
                      .build())
              .build());
      try {
        pods.put(
            pod.getMetadata().getName(),
            client.pods().inNamespace(NAMESPACE).resource(fresh).updateStatus());
      } catch (KubernetesClientException e) {
        System.err.println("mock kubelet: " + e.getMessage());
      }
    }
    succeededAt = System.currentTimeMillis();
    String name = lastJob;
    int count = current.size();
    if (name != null && count > 0) {
      try {
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(NAMESPACE)
            .withName(name)
            .editStatus(
                job -> {
                  job.setStatus(
                      new JobStatusBuilder(job.getStatus())
                          .withSucceeded(count)
                          .withActive(0)
                          .withCompletedIndexes(count == 1 ? "0" : "0-" + (count - 1))
                          .addToConditions(
                              new JobConditionBuilder()
                                  .withType("Complete")
                                  .withStatus("True")
                                  .build())
                          .build());
                  return job;
                });
      } catch (KubernetesClientException e) {
        // the launcher may have deleted the Job already: it does not wait for this condition
      }
    }
  }

  // ---- logs

  /** The lines of one pod written so far, from {@code since} on (with timestamps). */
  private byte[] log(PodLog log, Instant since) {
    long first = 0;
    if (since != null) {
      long after = Duration.between(log.start(), since).toNanos();
      if (after > 0) {
        first = (after + log.stepNanos() - 1) / log.stepNanos();
      }
    }
    long last = log.lines() - 1L;
    long written = Duration.between(log.start(), Instant.now()).toNanos() / log.stepNanos();
    last = Math.min(last, written);
    if (last < first) {
      return new byte[0];
    }
    logLines.add(last - first + 1);
    return java.util.Arrays.copyOfRange(
        log.text(), log.offsets()[(int) first], log.offsets()[(int) last + 1]);
  }

  /**
   * Line {@code i} of a rank: every 100th a metric line, the others a training log line padded to
   * about {@code bytes}; each starts with its index so that the benchmark can check the order.
   */
  static void line(StringBuilder out, int rank, long i, int bytes) {
    int start = out.length();
    if (i % 100 == 99) {
      out.append(METRIC_PREFIX)
          .append(i)
          .append(", \"name\": \"loss\", \"value\": ")
          .append(String.format(Locale.ROOT, "%.5f", 2.0 / (1 + i / 100.0) + rank * 1e-4))
          .append('}');
      return;
    }
    out.append("step=");
    String index = Long.toString(i);
    out.append("0".repeat(Math.max(0, 7 - index.length()))).append(index);
    out.append(" rank=").append(rank).append(" loss=2.3071 lr=3.0e-04 grad_norm=0.812 tok/s=");
    out.append(41_000 + (i * 7919 + rank) % 2000).append(' ');
    while (out.length() - start < bytes) {
      out.append('.');
    }
  }

  private MockResponse serveLog(String pod, String query) {
    Map<String, String> parameters = new HashMap<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        int equals = pair.indexOf('=');
        if (equals > 0) {
          parameters.put(
              pair.substring(0, equals),
              URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
      }
    }
    PodLog log = podLogs.get(pod);
    if (log == null) {
      return new MockResponse()
          .setResponseCode(404)
          .setBody(
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                  + "\"reason\":\"NotFound\",\"code\":404}");
    }
    Instant since =
        parameters.containsKey("sinceTime") ? Instant.parse(parameters.get("sinceTime")) : null;
    if (!"true".equals(parameters.get("timestamps"))) {
      return new MockResponse().setResponseCode(400).setBody("this mock serves timestamps=true");
    }
    byte[] body = log(log, since);
    if (Boolean.getBoolean("bench.debug")) {
      System.err.println(
          Instant.now() + " log " + pod + " since=" + since + " bytes=" + body.length);
    }
    logBytes.add(body.length);
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "text/plain")
        .setBody(body);
  }

  // ---- counting

  /**
   * A request as verb and resource, the way the API server's audit log names it: {@code LIST pods},
   * {@code WATCH jobs}, {@code GET pods/log}, {@code DELETE pods}, {@code PATCH services}.
   */
  static String classify(String method, String pathAndQuery) {
    int question = pathAndQuery.indexOf('?');
    String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
    String query = question < 0 ? "" : pathAndQuery.substring(question + 1);
    String[] parts = path.split("/");
    int first;
    if (parts.length > 2 && parts[1].equals("api")) {
      first = 3;
    } else if (parts.length > 3 && parts[1].equals("apis")) {
      first = 4;
    } else {
      return method + " " + path;
    }
    List<String> rest = List.of(parts).subList(Math.min(first, parts.length), parts.length);
    if (rest.isEmpty()) {
      return method + " " + path;
    }
    String resource;
    String name;
    String sub;
    if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
      resource = rest.get(2);
      name = rest.size() > 3 ? rest.get(3) : null;
      sub = rest.size() > 4 ? rest.get(4) : null;
    } else {
      resource = rest.get(0);
      name = rest.size() > 1 ? rest.get(1) : null;
      sub = rest.size() > 2 ? rest.get(2) : null;
    }
    boolean watch = false;
    for (String pair : query.split("&")) {
      if (pair.equals("watch=true") || pair.equals("watch=1")) {
        watch = true;
      }
    }
    String verb =
        switch (method) {
          case "GET" -> watch ? "WATCH" : name == null ? "LIST" : "GET";
          case "POST" -> "CREATE";
          case "PUT" -> "UPDATE";
          case "PATCH" -> "PATCH";
          case "DELETE" -> name == null ? "DELETECOLLECTION" : "DELETE";
          default -> method;
        };
    return verb + " " + resource + (sub == null ? "" : "/" + sub);
  }

  private final class Counting extends KubernetesMixedDispatcher {
    Counting(Map<ServerRequest, Queue<ServerResponse>> responses) {
      super(responses);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String method = request.getMethod();
      String path = request.getPath();
      String who = request.getHeader(CLIENT_HEADER);
      who = who == null ? "unlabelled" : who;
      String key = classify(method, path);
      requests
          .computeIfAbsent(who, any -> new ConcurrentHashMap<>())
          .computeIfAbsent(key, any -> new LongAdder())
          .increment();
      Matcher log = LOG_PATH.matcher(path);
      if (method.equals("GET") && log.matches()) {
        if (LAUNCHER.equals(who)) {
          logRequests.computeIfAbsent(log.group(2), any -> new LongAdder()).increment();
        }
        // never call the API from here: the mock server answers on one thread
        return serveLog(log.group(2), log.group(3));
      }
      if (LAUNCHER.equals(who) && key.equals("CREATE jobs") && jobCreatedAt == 0) {
        jobCreatedAt = System.currentTimeMillis();
      }
      MockResponse response = super.dispatch(request);
      if (LAUNCHER.equals(who) && !key.startsWith("WATCH") && response.getBody() != null) {
        launcherBytes.add(response.getBody().size());
      }
      return response;
    }
  }

  @Override
  public void close() {
    jobWatch.close();
    controller.shutdownNow();
    client.close();
    server.destroy();
  }

  // ---- the mock-server process

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    // nothing else may write to standard output: it carries the answers
    System.setOut(System.err);
    ObjectMapper json = new ObjectMapper();
    try (MockCluster cluster = new MockCluster()) {
      out.println("@@ READY " + cluster.masterUrl());
      out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        String[] words = line.trim().split("\\s+");
        String answer =
            switch (words[0]) {
              case "logs" -> {
                cluster.logs(
                    new LogConfig(
                        Integer.parseInt(words[1]),
                        Integer.parseInt(words[2]),
                        Double.parseDouble(words[3])));
                yield "OK";
              }
              case "reset" -> {
                cluster.reset();
                yield "OK";
              }
              case "succeed" -> {
                cluster.succeedAll();
                yield "OK";
              }
              case "stats" -> json.writeValueAsString(cluster.stats());
              case "quit" -> null;
              default -> "ERROR unknown command " + words[0];
            };
        if (answer == null) {
          break;
        }
        out.println("@@ " + answer);
        out.flush();
      }
    }
  }
}
