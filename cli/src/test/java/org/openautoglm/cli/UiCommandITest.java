package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openautoglm.cli.DashboardFixture.error;
import static org.openautoglm.cli.DashboardFixture.json;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autoglm ui} as a person starts it: it prints where it serves, serves until its thread is
 * interrupted (what Ctrl-C does to the command), and refuses a bad tokens file before serving.
 */
@Timeout(120)
class UiCommandITest {
  private static final Pattern URL =
      Pattern.compile("autoglm: dashboard on (http://127\\.0\\.0\\.1:\\d+/) \\(Ctrl-C stops it\\)");
  private static final String ALICE = "alice-token-0123456789";
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir Path temp;

  private PromotionProject project;
  private Path tokens;
  private final List<Thread> started = new ArrayList<>();

  @BeforeEach
  void createProject() throws IOException {
    project = PromotionProject.create(temp);
    tokens = temp.resolve("tokens.yaml");
    Files.writeString(
        tokens, "tokens:\n  - user: alice\n    sha256: " + ApiTokens.digest(ALICE) + "\n");
  }

  @AfterEach
  void stopEverything() throws InterruptedException {
    for (Thread thread : started) {
      thread.interrupt();
      thread.join(10_000);
    }
    project.close();
  }

  @Test
  void shouldPrintTheUrlServeAndStopCleanlyWhenInterrupted() throws Exception {
    Ui ui = start(Map.of(), "--tokens", tokens.toString());
    URI url = ui.awaitUrl();

    HttpResponse<String> health = get(url.resolve("api/health"), null);
    HttpResponse<String> session = get(url.resolve("api/session"), ALICE);
    HttpResponse<String> page = get(url, null);
    ui.thread.interrupt();
    ui.thread.join(10_000);

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(session).get("user").asText()).isEqualTo("alice");
    assertThat(json(session).get("roles")).extracting(n -> n.asText()).containsExactly("admin");
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(ui.thread.isAlive()).isFalse();
    assertThat(ui.exitCode.get()).as(ui.transcript()).isZero();
    assertThat(ui.out.toString().lines())
        .as(ui.transcript())
        .containsExactly(
            "autoglm: dashboard on " + url + " (Ctrl-C stops it)", "autoglm: dashboard stopped");
    assertThat(ui.err.toString()).isEmpty();
    assertThatThrownBy(
            () ->
                CLIENT.send(
                    HttpRequest.newBuilder(url.resolve("api/health")).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .as("the port is closed once it stopped")
        .isInstanceOf(IOException.class);
  }

  @Test
  void shouldServeReadOnlyWithoutATokensFile() throws Exception {
    Ui ui = start(Map.of());
    URI url = ui.awaitUrl();

    HttpResponse<String> rollback =
        post(url.resolve("api/environments/dev/rollback"), ALICE, "{\"reason\": \"x\"}");

    assertThat(ui.out.toString()).contains("autoglm: no tokens file: read-only (see --tokens)");
    assertThat(error(rollback, 401)).isEqualTo("the token is not valid; ask the operator for one");
  }

  @Test
  void shouldReadTheTokensFileFromAutoglmTokensUnlessTokensIsGiven() throws Exception {
    Path malformed = temp.resolve("malformed.yaml");
    Files.writeString(malformed, "tokens:\n  - token: " + ALICE + "\n");
    Ui fromEnvironment = start(Map.of("AUTOGLM_TOKENS", tokens.toString()));
    Ui overridden =
        start(Map.of("AUTOGLM_TOKENS", malformed.toString()), "--tokens", tokens.toString());

    URI first = fromEnvironment.awaitUrl();
    URI second = overridden.awaitUrl();

    assertThat(json(get(first.resolve("api/session"), ALICE)).get("user").asText())
        .isEqualTo("alice");
    assertThat(json(get(second.resolve("api/session"), ALICE)).get("user").asText())
        .isEqualTo("alice");
    assertThat(fromEnvironment.out.toString()).doesNotContain("read-only");
  }

  @Test
  void shouldRefuseAMalformedTokensFileWithExit2BeforeServing() throws Exception {
    Path noUser = temp.resolve("no-user.yaml");
    Files.writeString(noUser, "tokens:\n  - token: " + ALICE + "\n");
    Path broken = temp.resolve("broken.yaml");
    Files.writeString(broken, "tokens: [\n");

    CliRun fromOption = ui(Map.of(), "--tokens", noUser.toString());
    CliRun fromEnvironment = ui(Map.of("AUTOGLM_TOKENS", noUser.toString()));
    CliRun unparsable = ui(Map.of(), "--tokens", broken.toString());
    CliRun missing = ui(Map.of(), "--tokens", temp.resolve("absent.yaml").toString());

    for (CliRun run : List.of(fromOption, fromEnvironment, unparsable, missing)) {
      assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
      assertThat(run.out()).as(run.transcript()).isEmpty();
    }
    assertThat(fromOption.err()).isEqualTo("autoglm: " + noUser + ": tokens[0] has no user\n");
    assertThat(fromEnvironment.err()).isEqualTo(fromOption.err());
    assertThat(unparsable.err()).contains(broken.toString());
    assertThat(missing.err()).contains("absent.yaml");
  }

  @Test
  void shouldRefuseAPortInUseWithExit2() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CliRun run = ui(Map.of(), "--port", Integer.toString(taken.getLocalPort()));

      assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
      // the JDK words the reason ("Address already in use" on Linux)
      assertThat(run.err())
          .startsWith("autoglm: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
          .endsWith("; choose another --port (0 picks a free one) or --bind\n");
    }
  }

  @Test
  void shouldApplyMaxBodyAllowedHostAndCorsOrigin() throws Exception {
    Ui ui =
        start(
            Map.of(),
            "--tokens",
            tokens.toString(),
            "--max-body",
            "64",
            "--allowed-host",
            "Dashboard.Internal",
            "--cors-origin",
            "https://ops.example.com");
    URI url = ui.awaitUrl();

    HttpResponse<String> large =
        post(
            url.resolve("api/environments/dev/rollback"),
            ALICE,
            "{\"reason\": \"" + "x".repeat(80) + "\"}");
    HttpResponse<String> cors =
        send(
            HttpRequest.newBuilder(url.resolve("api/health"))
                .header("Origin", "https://ops.example.com"));
    DashboardFixture.RawResponse allowed =
        DashboardFixture.raw(
            url.getPort(), "GET /api/health HTTP/1.1\r\nHost: dashboard.internal", new byte[0]);

    assertThat(error(large, 413)).isEqualTo("the body is larger than 64 bytes (--max-body)");
    assertThat(cors.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://ops.example.com");
    assertThat(allowed.status()).isEqualTo(200);
  }

  // ---- helpers ----

  /** A running {@code autoglm ui} on a free port. */
  private record Ui(Thread thread, StringWriter out, StringWriter err, AtomicInteger exitCode) {
    URI awaitUrl() {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> URL.matcher(out.toString()).find() || !thread.isAlive());
      Matcher matcher = URL.matcher(out.toString());
      assertThat(matcher.find()).as(transcript()).isTrue();
      return URI.create(matcher.group(1));
    }

    String transcript() {
      return "exit " + exitCode.get() + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Ui start(Map<String, String> environment, String... options) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AtomicInteger exitCode = new AtomicInteger(-1);
    String[] arguments = arguments(options);
    Thread thread =
        new Thread(
            () ->
                exitCode.set(
                    AutoglmCommand.run(
                        arguments, new PrintWriter(out), new PrintWriter(err), environment)),
            "autoglm-ui-test");
    thread.setDaemon(true);
    thread.start();
    started.add(thread);
    return new Ui(thread, out, err, exitCode);
  }

  /** Runs {@code autoglm ui} that must end by itself (it refused to start). */
  private CliRun ui(Map<String, String> environment, String... options) throws Exception {
    Ui ui = start(environment, options);
    ui.thread.join(30_000);
    assertThat(ui.thread.isAlive())
        .as("ui should have refused to start: " + ui.transcript())
        .isFalse();
    return new CliRun(ui.exitCode.get(), ui.out.toString(), ui.err.toString());
  }

  private String[] arguments(String... options) {
    List<String> arguments = project.arguments(null, "ui");
    arguments.addAll(List.of(options));
    if (!arguments.contains("--port")) {
      arguments.addAll(List.of("--port", "0"));
    }
    return arguments.toArray(String[]::new);
  }

  private static HttpResponse<String> get(URI uri, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  private static HttpResponse<String> post(URI uri, String token, String body) {
    return send(
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return CLIENT.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
