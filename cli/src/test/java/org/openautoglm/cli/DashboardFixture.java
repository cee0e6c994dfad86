package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Policy;
import org.openautoglm.policy.PolicyLoader;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.project.ProjectLoader;
import org.openautoglm.promotion.ProjectRules;
import org.openautoglm.registry.Registry;
import org.openautoglm.status.RunStore;

/**
 * A {@link PromotionProject} served by a real {@code ui} server on loopback, the way {@code autoglm
 * ui} wires it: the project's registry and run records, the operator's policy, API tokens. The
 * policy is the promotion project's with carol as a second researcher; guest holds a token but no
 * role. Tests change the project through the CLI ({@link #project()}) and look at it through HTTP.
 */
final class DashboardFixture implements AutoCloseable {
  static final String ALICE = "alice-token-0123456789abcdef";
  static final String DAVE = "dave-token-0123456789abcdef";
  static final String BOB = "bob-token-0123456789abcdef";
  static final String CAROL = "carol-token-0123456789abcdef";
  static final String GUEST = "guest-token-0123456789abcdef";

  static final ApiTokens TOKENS =
      ApiTokens.of(
          Map.of(
              ALICE, Actor.of("alice"),
              DAVE, Actor.of("dave"),
              BOB, Actor.of("bob"),
              CAROL, Actor.of("carol"),
              GUEST, Actor.of("guest")));

  static final String POLICY =
      """
      apiVersion: autoglm/v1
      members:
        admin: {users: [alice, dave]}
        researcher: {users: [bob, carol]}
      environments:
        dev: {}
        staging: {requires: [dev]}
        production: {requires: [staging], approvals: 1, approvers: [admin]}
      """;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final PromotionProject project;
  private final Path policyFile;
  private final Path registryDirectory;
  private final StringWriter log = new StringWriter();
  private final List<DashboardServer> servers = new ArrayList<>();
  private ProjectDescriptor descriptor;
  private Registry registry;
  private RunStore runs;
  private DashboardBackend backend;
  private DashboardServer server;

  private DashboardFixture(PromotionProject project) {
    this.project = project;
    List<String> arguments = project.arguments(null);
    this.policyFile = Path.of(arguments.get(arguments.indexOf("--policy") + 1));
    this.registryDirectory = Path.of(arguments.get(arguments.indexOf("--registry") + 1));
  }

  /** The promotion project with the dashboard's policy; no server yet (see {@link #start}). */
  static DashboardFixture create(Path directory) {
    DashboardFixture fixture = new DashboardFixture(PromotionProject.create(directory));
    try {
      Files.writeString(fixture.policyFile, POLICY);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return fixture;
  }

  /** Starts the server on a free loopback port with the default limits. */
  DashboardFixture start() {
    server = startAnother(DashboardServer.Options.loopback(0));
    return this;
  }

  /** Starts one more server over the same project, with other options; closed with the fixture. */
  DashboardServer startAnother(DashboardServer.Options options) {
    try {
      DashboardServer started = DashboardServer.start(backend(), TOKENS, options);
      servers.add(started);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized DashboardBackend backend() {
    if (backend == null) {
      descriptor = new ProjectLoader(LoadLimits.DEFAULT).load(Path.of(project.descriptor()));
      Policy policy = new PolicyLoader(LoadLimits.DEFAULT).loadOrDefaults(policyFile);
      registry = Registry.open(registryDirectory);
      runs = RunStores.open(descriptor, null);
      ProjectDescriptor loaded = descriptor;
      Registry opened = registry;
      backend =
          new DashboardBackend(
              loaded,
              opened,
              runs,
              policy.withProjectRules(ProjectRules.of(loaded)),
              listener -> PromotionOptions.promotions(loaded, opened, policy, listener),
              PromotionOptions.console(new PrintWriter(log, true)),
              Clock.systemUTC());
    }
    return backend;
  }

  PromotionProject project() {
    return project;
  }

  DashboardServer server() {
    return server;
  }

  RunStore runs() {
    backend();
    return runs;
  }

  /** Registers an artifact with a loss metric, as a researcher, and returns its version. */
  int registerWithLoss(String name, double loss) {
    CliRun run =
        project.as(
            PromotionProject.RESEARCHER,
            "register",
            "--artifact",
            project.artifact(name, "weights of " + name).toString(),
            "--metric",
            "loss=" + loss);
    assertThat(run.exitCode()).as(run.transcript()).isZero();
    return Integer.parseInt(run.out().replaceAll("(?s)^registered v(\\d+) .*", "$1"));
  }

  /** Alice asks for {@code version} in production; returns the API's id of the open request. */
  String requestProduction(int version) {
    CliRun request =
        project.as(
            PromotionProject.ADMIN,
            "promote",
            "--env",
            "production",
            "--version",
            Integer.toString(version));
    assertThat(request.exitCode()).as(request.transcript()).isEqualTo(5);
    return "production:" + PromotionProject.requestId(request);
  }

  // ---- HTTP ----

  URI uri(String pathAndQuery) {
    return uri(server, pathAndQuery);
  }

  static URI uri(DashboardServer on, String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + on.port() + pathAndQuery);
  }

  /** A GET with the given header names and values. */
  HttpResponse<String> get(String pathAndQuery, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request);
  }

  /** A POST of a JSON body, with a bearer token unless {@code token} is {@code null}. */
  HttpResponse<String> post(String pathAndQuery, String token, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(pathAndQuery))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return CLIENT.send(
          request.timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The body of a response, parsed, after checking it is JSON. */
  static JsonNode json(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type"))
        .as("Content-Type of %s", response.body())
        .hasValue("application/json; charset=utf-8");
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  /** The {@code error} sentence of a refusal with the given status. */
  static String error(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = json(response);
    assertThat(PromotionProject.fieldNames(body)).containsExactly("error");
    return body.get("error").asText();
  }

  /** The total of the run list, as the API reports it. */
  int runTotal() {
    HttpResponse<String> runsPage = get("/api/runs?limit=1");
    assertThat(runsPage.statusCode()).as(runsPage.body()).isEqualTo(200);
    return json(runsPage).get("total").asInt();
  }

  /** The project model's environments and the run list: everything an action could change. */
  JsonNode observable() {
    HttpResponse<String> projectPage = get("/api/project");
    HttpResponse<String> runsPage = get("/api/runs?limit=200");
    assertThat(projectPage.statusCode()).as(projectPage.body()).isEqualTo(200);
    assertThat(runsPage.statusCode()).as(runsPage.body()).isEqualTo(200);
    ObjectNode node = JSON.createObjectNode();
    node.set("environments", json(projectPage).get("environments"));
    ArrayNode items = node.putArray("runs");
    // the duration of an unfinished run grows while the test runs; nothing else may move
    json(runsPage)
        .get("items")
        .forEach(item -> items.add(((ObjectNode) item).without("durationMs")));
    node.put("total", json(runsPage).get("total").asInt());
    for (String environment : PromotionProject.ENVIRONMENTS) {
      node.set(environment, json(get("/api/environments/" + environment + "/history?limit=200")));
    }
    return node;
  }

  /** A response read from a plain socket, for requests HttpClient will not send. */
  record RawResponse(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Sends {@code head} (request line and headers, without the blank line) and {@code body} over a
   * fresh connection and reads one response: its head, then as many bytes as its Content-Length.
   */
  RawResponse raw(String head, byte[] body) {
    return raw(server, head, body);
  }

  static RawResponse raw(DashboardServer on, String head, byte[] body) {
    return raw(on.port(), head, body);
  }

  static RawResponse raw(int port, String head, byte[] body) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      while (!received.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
        int next = in.read();
        assertThat(next).as("a response head in: %s", received).isNotNegative();
        received.write(next);
      }
      String[] lines = received.toString(StandardCharsets.ISO_8859_1).trim().split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      // the server sends every body with a Content-Length, never chunked
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] content = head.startsWith("HEAD ") ? new byte[0] : in.readNBytes(length);
      return new RawResponse(status, headers, new String(content, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the backend's promotions logged, for assertion messages. */
  String log() {
    return log.toString();
  }

  @Override
  public void close() {
    servers.forEach(DashboardServer::close);
    if (registry != null) {
      registry.close();
    }
    project.close();
  }
}
