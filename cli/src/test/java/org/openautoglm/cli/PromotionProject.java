package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small project with three environments for the promotion commands: dev, staging and production
 * each deploy with a python3 script that writes the model version to {@code
 * deployed/<env>.version}, and each is health-checked against a loopback HTTP server that the test
 * controls. The operator's policy makes alice and dave admins and bob a researcher; production
 * needs staging first and one admin's approval, staging needs dev first.
 *
 * <p>While {@code deployed/hold} exists, the deploy script writes {@code deployed/started-v<N>} and
 * then waits for {@code deployed/release} or {@code deployed/release-v<N>}, so a test can keep
 * promotions in flight and let them go in the order it chooses.
 */
final class PromotionProject implements AutoCloseable {
  static final String ADMIN = "alice";
  static final String OTHER_ADMIN = "dave";
  static final String RESEARCHER = "bob";
  static final List<String> ENVIRONMENTS = List.of("dev", "staging", "production");

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String DEPLOY_SCRIPT =
      """
      import os, sys, time
      state = os.environ["AUTOGLM_PARAM_STATE_DIR"]
      env = os.environ["AUTOGLM_ENVIRONMENT"]
      version = os.environ["AUTOGLM_MODEL_VERSION"]
      if os.path.exists(os.path.join(state, "hold")):
          open(os.path.join(state, "started-v" + version), "w").close()
          deadline = time.time() + 150
          while not (os.path.exists(os.path.join(state, "release"))
                     or os.path.exists(os.path.join(state, "release-v" + version))):
              if time.time() > deadline:
                  print("never released", file=sys.stderr)
                  sys.exit(9)
              time.sleep(0.02)
      target = os.path.join(state, env + ".version")
      temporary = target + "." + str(os.getpid())
      with open(temporary, "w") as f:
          f.write(version)
      os.replace(temporary, target)
      print("deployed v" + version + " to " + env)
      """;

  private final Path root;
  private final Path registry;
  private final Path policy;
  private final Path deployed;
  private final HttpServer health;
  private final Set<String> unhealthy = ConcurrentHashMap.newKeySet();

  private PromotionProject(Path root, HttpServer health) {
    this.root = root;
    this.registry = root.resolve("registry.git");
    this.policy = root.resolve("operator-policy.yaml");
    this.deployed = root.resolve("deployed");
    this.health = health;
  }

  /** Writes the project into {@code directory} and starts its health server. */
  static PromotionProject create(Path directory) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PromotionProject project = new PromotionProject(directory.resolve("project"), server);
    server.createContext("/", project::answerHealthCheck);
    server.start();
    project.writeFiles();
    return project;
  }

  private void writeFiles() {
    int port = health.getAddress().getPort();
    StringBuilder descriptor =
        new StringBuilder(
            """
            apiVersion: autoglm/v1
            name: sentiment-serving
            configs:
              - file: configs/serving.yaml
                schema: schemas/serving.schema.yaml
            values: values/common.yaml
            environments:
            """);
    for (String environment : ENVIRONMENTS) {
      descriptor.append(
          """
            - name: %1$s
              values: values/%1$s.yaml
              image: ghcr.io/acme/sentiment-serve:2.1
              parameters:
                state_dir: '%2$s'
              deploy:
                type: command
                command: [python3, deploy.py]
                timeout: 90s
              healthCheck:
                url: http://127.0.0.1:%3$d/%1$s/healthz
                retries: 1
                interval: 100ms
                attemptTimeout: 2s
                timeout: 5s
              rollback:
                timeout: 60s
          """
              .formatted(environment, deployed, port));
    }
    write("autoglm.yaml", descriptor.toString());
    write("configs/serving.yaml", "replicas: {{ .replicas }}\nendpoint: {{ .endpoint }}\n");
    write(
        "schemas/serving.schema.yaml",
        "replicas: {type: integer, required: true}\nendpoint: {type: string, required: true}\n");
    write("values/common.yaml", "replicas: 1\nendpoint: http://localhost:8080\n");
    write("values/dev.yaml", "replicas: 1\n");
    write("values/staging.yaml", "replicas: 2\n");
    write("values/production.yaml", "replicas: 4\n");
    write("deploy.py", DEPLOY_SCRIPT);
    write(
        policy,
        """
        apiVersion: autoglm/v1
        members:
          admin: {users: [alice, dave]}
          researcher: {users: [bob]}
        environments:
          dev: {}
          staging: {requires: [dev]}
          production: {requires: [staging], approvals: 1, approvers: [admin]}
        """);
    try {
      Files.createDirectories(deployed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** 200 for the version deployed in the environment, 503 when none is or it was made unhealthy. */
  private void answerHealthCheck(HttpExchange exchange) throws IOException {
    String environment = exchange.getRequestURI().getPath().split("/")[1];
    Integer version = deployedVersion(environment);
    int status;
    String body;
    if (version == null) {
      status = 503;
      body = "nothing deployed";
    } else if (unhealthy.contains(environment + "/" + version)) {
      status = 503;
      body = "model v" + version + " failed to load";
    } else {
      status = 200;
      body = "ok v" + version;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** From now on, the health check of {@code version} in {@code environment} answers 503. */
  void makeUnhealthy(String environment, int version) {
    unhealthy.add(environment + "/" + version);
  }

  /** The version the deploy script last wrote for the environment, or {@code null}. */
  Integer deployedVersion(String environment) {
    Path file = deployed.resolve(environment + ".version");
    try {
      return Files.exists(file) ? Integer.valueOf(Files.readString(file).trim()) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL the environment's health check asks. */
  String healthUrl(String environment) {
    return "http://127.0.0.1:" + health.getAddress().getPort() + "/" + environment + "/healthz";
  }

  Path deployDirectory() {
    return deployed;
  }

  String descriptor() {
    return root.resolve("autoglm.yaml").toString();
  }

  /** Writes a model artifact into the project and returns its path. */
  Path artifact(String name, String content) {
    Path file = root.resolve("models").resolve(name);
    write(file, content);
    return file;
  }

  /**
   * Runs {@code autoglm} as {@code user} ({@code null}: no {@code --user}) against this project,
   * its registry and the operator's policy, with no environment variables.
   */
  CliRun as(String user, String... command) {
    return autoglmWith(Map.of(), user, command);
  }

  /** Like {@link #as} with the given environment variables. */
  CliRun autoglmWith(Map<String, String> environment, String user, String... command) {
    return CliRun.autoglm(environment, arguments(user, command).toArray(String[]::new));
  }

  /** The command line arguments of {@link #as}, for running the CLI in another process. */
  List<String> arguments(String user, String... command) {
    List<String> arguments = new ArrayList<>(Arrays.asList(command));
    arguments.addAll(
        List.of(
            "--project",
            descriptor(),
            "--registry",
            registry.toString(),
            "--policy",
            policy.toString()));
    if (user != null) {
      arguments.addAll(List.of("--user", user));
    }
    return arguments;
  }

  /** Registers an artifact with the given content and returns its version number. */
  int register(String name, String content) {
    CliRun run = as(RESEARCHER, "register", "--artifact", artifact(name, content).toString());
    assertThat(run.exitCode()).as(run.transcript()).isZero();
    return Integer.parseInt(run.out().replaceAll("(?s)^registered v(\\d+) .*", "$1"));
  }

  /** Runs a promotion that must succeed. */
  CliRun promoted(String user, String environment, int version) {
    CliRun run = as(user, "promote", "--env", environment, "--version", Integer.toString(version));
    assertThat(run.exitCode()).as(run.transcript()).isZero();
    return run;
  }

  /**
   * Takes a version through dev and staging to production with dave's approval of alice's request.
   */
  void promoteToProduction(int version) {
    promoted(RESEARCHER, "dev", version);
    promoted(ADMIN, "staging", version);
    CliRun request =
        as(ADMIN, "promote", "--env", "production", "--version", Integer.toString(version));
    assertThat(request.exitCode()).as(request.transcript()).isEqualTo(5);
    approve(OTHER_ADMIN, requestId(request));
    promoted(ADMIN, "production", version);
  }

  void approve(String approver, String request) {
    CliRun run = as(approver, "approve", "--env", "production", "--request", request);
    assertThat(run.exitCode()).as(run.transcript()).isZero();
  }

  /** {@code autoglm history --format json} of one page, parsed. */
  JsonNode history(String environment, int limit, int offset) {
    CliRun run =
        as(
            RESEARCHER,
            "history",
            "--env",
            environment,
            "--format",
            "json",
            "--limit",
            Integer.toString(limit),
            "--offset",
            Integer.toString(offset));
    assertThat(run.exitCode()).as(run.transcript()).isZero();
    try {
      return JSON.readTree(run.out());
    } catch (JsonProcessingException e) {
      throw new AssertionError("history --format json printed no JSON: " + run.transcript(), e);
    }
  }

  /** The field names of a JSON object, in order. */
  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The request id a waiting promotion printed. */
  static String requestId(CliRun waiting) {
    return waiting
        .outLines()
        .get(waiting.outLines().size() - 1)
        .replaceAll("^request (\\S+): .*", "$1");
  }

  private void write(String relative, String text) {
    write(root.resolve(relative), text);
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    health.stop(0);
  }
}
