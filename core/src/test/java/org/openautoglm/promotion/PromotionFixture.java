package org.openautoglm.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.deploy.CommandDeployer;
import org.openautoglm.deploy.Deployer;
import org.openautoglm.deploy.HealthCheck;
import org.openautoglm.notify.Notifier;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Policy;
import org.openautoglm.policy.PolicyLoader;
import org.openautoglm.registry.HistoryEntry;
import org.openautoglm.registry.ModelVersion;
import org.openautoglm.registry.Registry;
import org.openautoglm.registry.Snapshot;

/**
 * A small but real world for promotions: a Git registry, the operator's policy read from YAML, a
 * deploy command (python3) that writes what it deployed to a file, a model server on 127.0.0.1
 * whose health the test decides per version, and a webhook receiver that keeps what it is sent.
 */
final class PromotionFixture implements AutoCloseable {
  static final String PROJECT = "sentiment";

  /** The default roles; alice and dave are admins, bob a researcher, gus a guest. */
  static final String POLICY =
      """
      apiVersion: autoglm/v1
      members:
        admin: {users: [alice, dave]}
        researcher: {users: [bob]}
        guest: {users: [gus]}
      environments:
        dev: {}
        staging: {requires: [dev]}
        production: {requires: [staging], approvals: 1, approvers: [admin]}
      """;

  static final Actor ALICE = Actor.of("alice");
  static final Actor DAVE = Actor.of("dave");
  static final Actor BOB = Actor.of("bob");
  static final Actor GUS = Actor.of("gus");
  static final Actor MALLORY = Actor.of("mallory");

  /**
   * The deploy command: writes {@code v<N>} to {@code deployed-<env>} (atomically, so the health
   * endpoint never reads half a file), after sleeping when {@code slow-v<N>} says so, or exits 7
   * when {@code fail-v<N>} exists.
   */
  private static final String DEPLOY_SCRIPT =
      """
      import os, pathlib, sys, time
      state = pathlib.Path(sys.argv[1])
      env = os.environ["AUTOGLM_ENVIRONMENT"]
      version = os.environ["AUTOGLM_MODEL_VERSION"]
      print(f"deploying v{version} to {env} with {os.environ.get('AUTOGLM_PARAM_REPLICAS')} replicas", flush=True)
      slow = state / f"slow-v{version}"
      if slow.exists():
          time.sleep(float(slow.read_text()))
      if (state / f"fail-v{version}").exists():
          print(f"v{version} was told to fail", flush=True)
          sys.exit(7)
      tmp = state / f"deployed-{env}.tmp"
      tmp.write_text(f"v{version}")
      os.replace(tmp, state / f"deployed-{env}")
      """;

  /** Deploy parameters differ per environment, as real ones do (replicas, endpoint). */
  private static final Map<String, Map<String, String>> PARAMETERS =
      Map.of(
          "dev", Map.of("replicas", "1", "endpoint", "sentiment-dev"),
          "staging", Map.of("replicas", "2", "endpoint", "sentiment-staging"),
          "production", Map.of("replicas", "4", "endpoint", "sentiment"));

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Path script;
  private final Registry registry;
  private final Policy policy;
  private final HttpServer servers;
  private final ExecutorService serverThreads = Executors.newCachedThreadPool();
  private final Set<Integer> unhealthy = ConcurrentHashMap.newKeySet();
  private final Set<String> manualOnly = ConcurrentHashMap.newKeySet();
  private final List<JsonNode> webhooks = new CopyOnWriteArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();

  PromotionFixture(Path dir) throws IOException {
    this.dir = dir;
    this.script = Files.writeString(dir.resolve("deploy.py"), DEPLOY_SCRIPT);
    this.registry = Registry.open(registryDirectory());
    this.policy =
        new PolicyLoader(LoadLimits.DEFAULT).load(new SourceFile("autoglm-policy.yaml", POLICY));
    // one server, two roles: /<env>/healthz is the model server, /hook the webhook receiver
    this.servers = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    servers.setExecutor(serverThreads);
    servers.createContext("/hook", this::receiveWebhook);
    servers.createContext("/", this::answerHealth);
    servers.start();
  }

  Path registryDirectory() {
    return dir.resolve("registry.git");
  }

  Registry registry() {
    return registry;
  }

  Policy policy() {
    return policy;
  }

  /** Promotions over the fixture's registry, with the real clock and plain deployers. */
  Promotions promotions() {
    return promotions(registry, Clock.systemUTC(), UnaryOperator.identity());
  }

  /**
   * Promotions over {@code over} (a second registry opened on the same directory plays a second
   * process), with {@code deployers} wrapping each environment's command deployer.
   */
  Promotions promotions(Registry over, Clock clock, UnaryOperator<Deployer> deployers) {
    return new Promotions(
        PROJECT,
        over,
        policy,
        environment -> target(environment, deployers),
        new Notifier(List.of(url("/hook")), 3, Duration.ofSeconds(10)),
        log::add,
        clock);
  }

  private EnvironmentTarget target(String environment, UnaryOperator<Deployer> deployers) {
    Map<String, String> parameters = PARAMETERS.get(environment);
    if (parameters == null) {
      throw new IllegalArgumentException("the project has no environment '" + environment + "'");
    }
    return new EnvironmentTarget(
        environment,
        deployers.apply(
            new CommandDeployer(List.of("python3", script.toString(), dir.toString()), dir)),
        HealthCheck.of(healthUrl(environment))
            .withRetries(0)
            .withAttemptTimeout(Duration.ofSeconds(3))
            .withTimeout(Duration.ofSeconds(5)),
        Duration.ofSeconds(20),
        EnvironmentTarget.DEFAULT_ROLLBACK_TIMEOUT,
        null,
        parameters,
        !manualOnly.contains(environment));
  }

  /** Registers model versions 1 to {@code count}, as bob would after training them. */
  void register(int count) {
    for (int n = registry.versions().size() + 1; n <= count; n++) {
      ModelVersion version =
          registry.register(
              ModelVersion.draft(
                  "s3://models/sentiment/run-" + n + "/model.pt",
                  sha256("weights of run " + n),
                  "ghcr.io/acme/sentiment-serve:1." + n,
                  "sha256:" + sha256("train config " + n),
                  "run-" + n,
                  Map.of("accuracy", 0.9),
                  "c0ffee" + n,
                  "bob"));
      assertThat(version.number()).isEqualTo(n);
    }
  }

  /** The digest of version {@code number}'s snapshot for {@code environment}. */
  String digest(String environment, int number) {
    ModelVersion version = registry.version(number).orElseThrow();
    return Snapshot.digestOf(
        number,
        version.artifactUri(),
        version.sha256(),
        version.image(),
        version.configDigest(),
        PARAMETERS.get(environment));
  }

  /** Makes the model server answer 503 while it runs this version. */
  void unhealthy(int version) {
    unhealthy.add(version);
  }

  /** Makes the deploy command fail for this version. */
  void failDeploy(int version) throws IOException {
    Files.writeString(dir.resolve("fail-v" + version), "");
  }

  /** Makes the deploy command take this long for this version. */
  void slowDeploy(int version, Duration duration) throws IOException {
    Files.writeString(dir.resolve("slow-v" + version), Double.toString(duration.toMillis() / 1e3));
  }

  /** Turns automatic rollback off for an environment. */
  void automaticRollbackOff(String environment) {
    manualOnly.add(environment);
  }

  /** What the deploy command last put into the environment: {@code v3}, or empty. */
  Optional<String> deployed(String environment) {
    Path file = dir.resolve("deployed-" + environment);
    try {
      return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The environment's history, oldest first. */
  List<HistoryEntry> history(String environment) {
    List<HistoryEntry> newestFirst = new ArrayList<>(registry.history(environment, 1000, 0));
    Collections.reverse(newestFirst);
    return newestFirst;
  }

  /** The payloads received so far. */
  List<JsonNode> webhooks() {
    return List.copyOf(webhooks);
  }

  /** Waits for the webhook of {@code event} about {@code version} in {@code environment}. */
  JsonNode awaitWebhook(String event, String environment, int version) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                webhooks.stream()
                    .filter(p -> p.path("event").asText().equals(event))
                    .filter(p -> p.path("environment").asText().equals(environment))
                    .filter(p -> p.path("version").asInt() == version)
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  /** What the promotions told their listener. */
  List<String> log() {
    return List.copyOf(log);
  }

  private void answerHealth(HttpExchange exchange) throws IOException {
    try (exchange) {
      String[] path = exchange.getRequestURI().getPath().split("/");
      Optional<String> running = path.length == 3 ? deployed(path[1]) : Optional.empty();
      boolean healthy =
          running.isPresent() && !unhealthy.contains(Integer.parseInt(running.get().substring(1)));
      byte[] body =
          (healthy
                  ? "{\"status\":\"ok\",\"model\":\"" + running.get() + "\"}"
                  : "{\"status\":\"failing\",\"model\":\"" + running.orElse("none") + "\"}")
              .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(healthy ? 200 : 503, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private void receiveWebhook(HttpExchange exchange) throws IOException {
    try (exchange) {
      webhooks.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(204, -1);
    }
  }

  /** The model server's health endpoint for an environment. */
  URI healthUrl(String environment) {
    return url("/" + environment + "/healthz");
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + servers.getAddress().getPort() + path);
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

  @Override
  public void close() {
    servers.stop(0);
    serverThreads.shutdownNow();
    registry.close();
  }
}
