package org.openautoglm.training.kubernetes;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openautoglm.training.TrainingSpec;

/**
 * A Kubernetes API for the launcher's tests: fabric8's mock server in CRUD mode, with this test
 * playing the Job controller (it creates a Job's pods and moves them through their phases).
 *
 * <p>What the CRUD mock cannot do, the dispatcher adds, each as close to the real API server as a
 * test allows: pod logs ({@code GET .../pods/NAME/log} with {@code timestamps} and {@code
 * sinceTime}, served from lines the test registers; a finished body, so a follow request of a
 * running pod ends early and the launcher must ask again without repeating lines), injected HTTP
 * errors, and watches that end with {@code ERROR 410 Gone} as an expired resource version does.
 * There is no garbage collector: pods of a deleted Job stay unless someone deletes them.
 */
final class FakeCluster implements AutoCloseable {
  static final String NS = "train";
  static final String PROJECT = "demo";
  static final String CONTAINER = "trainer";
  static final String NODE = "gpu-node-1";

  private static final Pattern LOG_PATH =
      Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(?:\\?(.*))?$");
  private static final String GONE =
      "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
          + "\"status\":\"Failure\",\"message\":\"too old resource version\","
          + "\"reason\":\"Expired\",\"code\":410}}";

  final KubernetesMockServer server;
  final NamespacedKubernetesClient client;
  private final FaultDispatcher dispatcher;
  private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
  private final ExecutorService controller = Executors.newSingleThreadExecutor();
  private Watch jobWatch;

  /** The mock web server logs every request through java.util.logging; kept to hold its level. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  FakeCluster() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    dispatcher = new FaultDispatcher(responses);
    server =
        new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    server.init();
    client = (NamespacedKubernetesClient) newClient();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
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
  }

  /**
   * A client of its own, as another process would have; the client retries failed requests
   * (fabric8's {@code requestRetryBackoffLimit}) with short intervals to keep the tests quick.
   */
  KubernetesClient newClient() {
    KubernetesClient created =
        server.createClient(
            builder ->
                builder
                    .editOrNewConfig()
                    .withRequestRetryBackoffLimit(5)
                    .withRequestRetryBackoffInterval(20)
                    .withWatchReconnectInterval(50)
                    .withRequestTimeout(5_000)
                    .endConfig());
    clients.add(created);
    return created;
  }

  // ---- the Job controller

  /** Creates a Job's pods when it appears (unless suspended), stops them when it is suspended. */
  FakeCluster startController() {
    jobWatch =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(NS)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Job job) {
                    if (action == Action.ADDED || action == Action.MODIFIED) {
                      controller.execute(() -> reconcile(job));
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    return this;
  }

  private void reconcile(Job job) {
    String uid = job.getMetadata().getUid();
    List<Pod> owned =
        client.pods().inNamespace(NS).list().getItems().stream()
            .filter(pod -> PodStates.ownedBy(pod, uid))
            .toList();
    if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      // a suspended Job's active pods are deleted by the Job controller
      owned.stream()
          .filter(pod -> !PodStates.isTerminal(pod))
          .forEach(pod -> client.pods().inNamespace(NS).resource(pod).delete());
      return;
    }
    if (!owned.isEmpty()
        || job.getStatus() != null
            && job.getStatus().getConditions() != null
            && !job.getStatus().getConditions().isEmpty()) {
      return;
    }
    for (int index = 0; index < job.getSpec().getCompletions(); index++) {
      createPod(job, index);
    }
  }

  Pod createPod(Job job, int index) {
    String suffix =
        ThreadLocalRandom.current()
            .ints(5, 'a', 'z' + 1)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    Map<String, String> labels =
        new LinkedHashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(TrainingLabels.COMPLETION_INDEX, Integer.toString(index));
    labels.put("job-name", job.getMetadata().getName());
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(job.getMetadata().getName() + "-" + index + "-" + suffix)
            .withNamespace(NS)
            .withLabels(labels)
            .addToAnnotations(TrainingLabels.COMPLETION_INDEX_ANNOTATION, Integer.toString(index))
            .addNewOwnerReference()
            .withApiVersion("batch/v1")
            .withKind("Job")
            .withName(job.getMetadata().getName())
            .withUid(job.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .endOwnerReference()
            .endMetadata()
            .withSpec(job.getSpec().getTemplate().getSpec())
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    return client.pods().inNamespace(NS).resource(pod).create();
  }

  // ---- moving pods along

  /** The newest pod of a completion index, waiting for the controller to create it. */
  Pod pod(int index) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client.pods().inNamespace(NS).list().getItems().stream()
                    .filter(pod -> PodStates.completionIndex(pod) == index)
                    // the mock stamps whole seconds: a replacement is the one still alive
                    .max(
                        java.util.Comparator.comparing(
                                (Pod pod) ->
                                    Instant.parse(pod.getMetadata().getCreationTimestamp()))
                            .thenComparing(pod -> !PodStates.isTerminal(pod)))
                    .orElse(null),
            pod -> pod != null);
  }

  void status(int index, UnaryOperator<PodStatus> change) {
    String name = pod(index).getMetadata().getName();
    client
        .pods()
        .inNamespace(NS)
        .withName(name)
        .editStatus(
            pod -> {
              PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
              pod.setStatus(change.apply(status));
              return pod;
            });
  }

  void running(int... indexes) {
    for (int index : indexes) {
      String name = pod(index).getMetadata().getName();
      client
          .pods()
          .inNamespace(NS)
          .withName(name)
          .edit(
              pod -> {
                pod.getSpec().setNodeName(NODE);
                return pod;
              });
      status(
          index,
          status ->
              new PodStatusBuilder(status)
                  .withPhase("Running")
                  .withConditions()
                  .withContainerStatuses(
                      new ContainerStatusBuilder()
                          .withName(CONTAINER)
                          .withReady(true)
                          .withState(
                              new ContainerStateBuilder()
                                  .withNewRunning()
                                  .withStartedAt(Instant.now().toString())
                                  .endRunning()
                                  .build())
                          .build())
                  .build());
    }
  }

  void succeeded(int... indexes) {
    for (int index : indexes) {
      terminated(index, "Succeeded", 0, "Completed");
    }
  }

  void terminated(int index, String phase, int exitCode, String reason) {
    status(
        index,
        status ->
            new PodStatusBuilder(status)
                .withPhase(phase)
                .withContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName(CONTAINER)
                        .withReady(false)
                        .withState(
                            new ContainerStateBuilder()
                                .withNewTerminated()
                                .withExitCode(exitCode)
                                .withReason(reason)
                                .withFinishedAt(Instant.now().toString())
                                .endTerminated()
                                .build())
                        .build())
                .build());
  }

  void evicted(int index) {
    status(
        index,
        status ->
            new PodStatusBuilder(status)
                .withPhase("Failed")
                .withReason("Evicted")
                .withMessage("The node was low on resource: memory.")
                .withContainerStatuses()
                .build());
  }

  /** Preempted or evicted through the API: Failed with the DisruptionTarget condition. */
  void disrupted(int index, String reason) {
    status(
        index,
        status ->
            new PodStatusBuilder(status)
                .withPhase("Failed")
                .addToConditions(
                    new PodConditionBuilder()
                        .withType("DisruptionTarget")
                        .withStatus("True")
                        .withReason(reason)
                        .withMessage("the pod was preempted")
                        .build())
                .withContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName(CONTAINER)
                        .withState(
                            new ContainerStateBuilder()
                                .withNewTerminated()
                                .withExitCode(143)
                                .withReason("Error")
                                .withFinishedAt(Instant.now().toString())
                                .endTerminated()
                                .build())
                        .build())
                .build());
  }

  /** The Job controller replaces a failed pod of an index (restarts it). */
  Pod replace(int index) {
    Pod failed = pod(index);
    Pod replacement = createPod(job(), index);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !pod(index).getMetadata().getName().equals(failed.getMetadata().getName()));
    return replacement;
  }

  void unschedulable(int index, String message) {
    status(
        index,
        status ->
            new PodStatusBuilder(status)
                .withPhase("Pending")
                .withConditions(
                    new PodConditionBuilder()
                        .withType("PodScheduled")
                        .withStatus("False")
                        .withReason("Unschedulable")
                        .withMessage(message)
                        .build())
                .build());
  }

  void waiting(int index, String reason, String message) {
    status(
        index,
        status ->
            new PodStatusBuilder(status)
                .withPhase("Pending")
                .withContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName(CONTAINER)
                        .withReady(false)
                        .withState(
                            new ContainerStateBuilder()
                                .withNewWaiting()
                                .withReason(reason)
                                .withMessage(message)
                                .endWaiting()
                                .build())
                        .build())
                .build());
  }

  /** The Job controller's verdict: a condition on the Job's status. */
  void jobCondition(String type, String reason, String message) {
    Job job = job();
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withName(job.getMetadata().getName())
        .editStatus(
            edited -> {
              edited.setStatus(
                  new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder(edited.getStatus())
                      .addToConditions(
                          new JobConditionBuilder()
                              .withType(type)
                              .withStatus("True")
                              .withReason(reason)
                              .withMessage(message)
                              .build())
                      .build());
              return edited;
            });
  }

  Job job() {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              List<Job> jobs = client.batch().v1().jobs().inNamespace(NS).list().getItems();
              return jobs.isEmpty() ? null : jobs.get(jobs.size() - 1);
            },
            job -> job != null);
  }

  /** Queue admission: Kueue un-suspends the Job. */
  void admit() {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withName(job().getMetadata().getName())
        .edit(
            job -> {
              job.getSpec().setSuspend(false);
              return job;
            });
  }

  // ---- logs

  private final Map<String, List<String>> logs = new ConcurrentHashMap<>();

  /** Appends lines to a pod's log, each with its own timestamp. */
  void log(int index, String... lines) {
    String pod = pod(index).getMetadata().getName();
    List<String> log = logs.computeIfAbsent(pod, name -> new CopyOnWriteArrayList<>());
    for (String line : lines) {
      Instant time = Instant.now().truncatedTo(ChronoUnit.MICROS);
      if (!log.isEmpty()) {
        Instant previous =
            Instant.parse(
                log.get(log.size() - 1).substring(0, log.get(log.size() - 1).indexOf(' ')));
        if (!time.isAfter(previous)) {
          time = previous.plus(1, ChronoUnit.MICROS);
        }
      }
      log.add(time + " " + line);
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
    // never call the API from here: the mock server answers on one thread
    Instant since =
        parameters.containsKey("sinceTime") ? Instant.parse(parameters.get("sinceTime")) : null;
    boolean timestamps = "true".equals(parameters.get("timestamps"));
    StringBuilder body = new StringBuilder();
    for (String entry : logs.getOrDefault(pod, List.of())) {
      int space = entry.indexOf(' ');
      Instant time = Instant.parse(entry.substring(0, space));
      if (since != null && time.isBefore(since)) {
        continue;
      }
      body.append(timestamps ? entry : entry.substring(space + 1)).append('\n');
    }
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "text/plain")
        .setBody(body.toString());
  }

  // ---- faults

  private record Fault(String method, Pattern path, int code, AtomicInteger left) {}

  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Set<Capturing> openWatches = ConcurrentHashMap.newKeySet();
  private volatile boolean watchesGone;

  /** The next {@code times} requests matching method and path regex get {@code code}. */
  void fail(String method, String pathRegex, int code, int times) {
    faults.add(new Fault(method, Pattern.compile(pathRegex), code, new AtomicInteger(times)));
  }

  /** How many requests matched method and path regex. */
  long count(String method, String pathRegex) {
    Pattern pattern = Pattern.compile(pathRegex);
    return requests.stream()
        .filter(request -> request.startsWith(method + " "))
        .filter(request -> pattern.matcher(request.substring(method.length() + 1)).find())
        .count();
  }

  /**
   * Ends every open watch with {@code ERROR 410 Gone} and answers new watches the same way until
   * {@link #healWatches}: informers must list again to see anything.
   */
  void breakWatches() {
    watchesGone = true;
    for (Capturing watch : openWatches) {
      watch.gone();
    }
  }

  void healWatches() {
    watchesGone = false;
  }

  private static String status(int code, String message) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\""
        + message
        + "\",\"code\":"
        + code
        + "}";
  }

  private final class FaultDispatcher extends KubernetesMixedDispatcher {
    FaultDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
      super(responses);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String method = request.getMethod();
      String path = request.getPath();
      requests.add(method + " " + path);
      for (Fault fault : faults) {
        if (fault.method.equals(method)
            && fault.path.matcher(path).find()
            && fault.left.getAndDecrement() > 0) {
          return new MockResponse()
              .setResponseCode(fault.code)
              .setBody(status(fault.code, "injected by the test"));
        }
      }
      Matcher log = LOG_PATH.matcher(path);
      if (method.equals("GET") && log.matches()) {
        return serveLog(log.group(2), log.group(3));
      }
      boolean watch = method.equals("GET") && path.contains("watch=true");
      if (watch && watchesGone) {
        return new MockResponse()
            .withWebSocketUpgrade(
                new WebSocketListener() {
                  @Override
                  public void onOpen(WebSocket webSocket, Response response) {
                    webSocket.send(GONE);
                  }
                });
      }
      MockResponse response = super.dispatch(request);
      if (watch && response.getWebSocketListener() != null) {
        response.withWebSocketUpgrade(new Capturing(response.getWebSocketListener()));
      }
      return response;
    }
  }

  /** Wraps the CRUD mock's watch so that the test can end it like an expired watch. */
  private final class Capturing extends WebSocketListener {
    private final WebSocketListener delegate;
    private volatile WebSocket socket;

    Capturing(WebSocketListener delegate) {
      this.delegate = delegate;
    }

    void gone() {
      WebSocket current = socket;
      if (current != null) {
        current.send(GONE);
      }
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      socket = webSocket;
      openWatches.add(this);
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      openWatches.remove(this);
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      openWatches.remove(this);
      delegate.onClosed(webSocket, code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
      openWatches.remove(this);
      delegate.onFailure(webSocket, error, response);
    }
  }

  // ---- what is left

  /** Names of what the run left in the namespace: Jobs, Services, ConfigMaps and pods. */
  List<String> leftovers(String runId) {
    Map<String, String> selector = TrainingLabels.selector(runId);
    List<String> left = new ArrayList<>();
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .list()
        .getItems()
        .forEach(job -> left.add("Job " + job.getMetadata().getName()));
    client
        .services()
        .inNamespace(NS)
        .withLabels(selector)
        .list()
        .getItems()
        .forEach(service -> left.add("Service " + service.getMetadata().getName()));
    client
        .configMaps()
        .inNamespace(NS)
        .withLabels(selector)
        .list()
        .getItems()
        .forEach(map -> left.add("ConfigMap " + map.getMetadata().getName()));
    client
        .pods()
        .inNamespace(NS)
        .list()
        .getItems()
        .forEach(pod -> left.add("Pod " + pod.getMetadata().getName()));
    return left;
  }

  @Override
  public void close() {
    if (jobWatch != null) {
      jobWatch.close();
    }
    controller.shutdownNow();
    clients.forEach(KubernetesClient::close);
    server.destroy();
  }

  // ---- plans and specs

  /** A plan as the planner makes it: ConfigMap, headless Service, Indexed Job. */
  static TrainingPlan plan(String runId, int nodes) {
    return plan(runId, nodes, false, null);
  }

  static TrainingPlan plan(String runId, int nodes, boolean suspended, String queue) {
    Map<String, String> labels = TrainingLabels.of(PROJECT, runId);
    ConfigMap configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(runId + "-config")
            .withLabels(labels)
            .endMetadata()
            .addToData("train.yaml", "lr: 0.001\n")
            .build();
    Service service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(runId)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withClusterIP("None")
            .withSelector(Collections.singletonMap(TrainingLabels.RUN, runId))
            .addNewPort()
            .withName("master")
            .withPort(TrainingSpec.DEFAULT_MASTER_PORT)
            .endPort()
            .endSpec()
            .build();
    Map<String, String> jobLabels = new LinkedHashMap<>(labels);
    if (queue != null) {
      jobLabels.put("kueue.x-k8s.io/queue-name", queue);
    }
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName(runId)
            .withLabels(jobLabels)
            .endMetadata()
            .withNewSpec()
            .withCompletionMode("Indexed")
            .withCompletions(nodes)
            .withParallelism(nodes)
            .withBackoffLimit(0)
            .withSuspend(suspended)
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withSubdomain(runId)
            .addNewContainer()
            .withName(CONTAINER)
            .withImage("ghcr.io/example/train:1")
            .withCommand("python", "train.py")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    return new TrainingPlan(runId, NS, configMap, service, job);
  }

  static TrainingSpec spec(int nodes) {
    return spec(nodes, 0, false, null);
  }

  static TrainingSpec spec(
      int nodes, int maxRestarts, boolean keepOnFailure, TrainingSpec.Queue queue) {
    return new TrainingSpec(
        PROJECT,
        "ghcr.io/example/train:1",
        List.of("python", "train.py"),
        null,
        Map.of(),
        nodes,
        8,
        8,
        TrainingSpec.DEFAULT_GPU_RESOURCE,
        null,
        null,
        TrainingSpec.DEFAULT_SHM_SIZE,
        Map.of(),
        List.of(),
        null,
        List.of(),
        List.of(),
        queue,
        Duration.ofMinutes(10),
        maxRestarts,
        keepOnFailure,
        TrainingSpec.DEFAULT_MASTER_PORT);
  }

  /** Events and log lines the launcher reported, for assertions. */
  static final class Recorder implements org.openautoglm.training.TrainingListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<org.openautoglm.training.Metric> metrics = new CopyOnWriteArrayList<>();

    @Override
    public void log(int rank, String line) {
      lines.add("[rank " + rank + "] " + line);
    }

    @Override
    public void event(String message) {
      events.add(message);
    }

    @Override
    public void metric(org.openautoglm.training.Metric metric) {
      metrics.add(metric);
    }

    List<String> linesOf(int rank) {
      String prefix = "[rank " + rank + "] ";
      return lines.stream()
          .filter(line -> line.startsWith(prefix))
          .map(line -> line.substring(prefix.length()))
          .collect(Collectors.toList());
    }

    boolean saw(String fragment) {
      return events.stream().anyMatch(event -> event.contains(fragment));
    }
  }
}
