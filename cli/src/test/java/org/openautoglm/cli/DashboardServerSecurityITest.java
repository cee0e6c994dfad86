package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.DashboardFixture.error;
import static org.openautoglm.cli.DashboardFixture.json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.status.RunIds;
import org.openautoglm.status.RunKind;
import org.openautoglm.status.RunRecord;

/**
 * What keeps other web sites away from the {@code ui} server and its answers inert in a browser:
 * the Host check against DNS rebinding, CORS, the security headers, the fixed set of files, and
 * user text served only as JSON data.
 */
@Timeout(120)
class DashboardServerSecurityITest {
  private static final String SCRIPT = "<script>alert(document.cookie)</script>";
  private static final String ALLOWED_ORIGIN = "https://ops.example.com";

  @TempDir static Path temp;

  private static DashboardFixture fixture;
  private static DashboardServer configured;
  private static String scriptRun;

  @BeforeAll
  static void start() {
    fixture = DashboardFixture.create(temp);
    Instant now = Instant.now();
    scriptRun = RunIds.next(now);
    fixture
        .runs()
        .create(
            RunRecord.pending(
                scriptRun, "sentiment-serving", RunKind.TRAINING, SCRIPT, "bob", now));
    fixture.start();
    configured =
        fixture.startAnother(
            new DashboardServer.Options(
                InetAddress.getLoopbackAddress(),
                0,
                DashboardServer.DEFAULT_MAX_BODY,
                Set.of("dashboard.internal"),
                ALLOWED_ORIGIN));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  // ---- Host ----

  @Test
  void shouldRefuseAHostThatIsNotThisServersForTheApiAndThePage() {
    int port = fixture.server().port();
    SoftAssertions softly = new SoftAssertions();
    for (String host :
        List.of(
            "evil.example",
            "evil.example:" + port,
            "127.0.0.1.evil.example",
            "localhost.evil.example:" + port,
            "dashboard.internal")) {
      for (String path : List.of("/api/health", "/api/project", "/", "/assets/app.js")) {
        DashboardFixture.RawResponse response = get(fixture.server(), path, host);
        softly.assertThat(response.status()).as(host + " " + path).isEqualTo(403);
        softly
            .assertThat(response.body())
            .as(host + " " + path)
            .startsWith("{\"error\":\"host '" + host + "' is not this server's; start autoglm ui")
            .doesNotContain("<html");
        softly
            .assertThat(response.header("Content-Type"))
            .isEqualTo("application/json; charset=utf-8");
      }
    }
    softly.assertAll();
  }

  @Test
  void shouldRefuseARequestThatReachedItThroughAnotherNameOverHttpClient() throws Exception {
    // what a rebound DNS name looks like to the server: the browser's Host is the attacker's name
    HttpClient viaOtherName =
        HttpClient.newBuilder()
            .proxy(
                ProxySelector.of(
                    new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), fixture.server().port())))
            .build();

    HttpResponse<String> response =
        viaOtherName.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://rebound.attacker.example:"
                            + fixture.server().port()
                            + "/api/project"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(error(response, 403))
        .startsWith("host 'rebound.attacker.example:" + fixture.server().port() + "' is not");
  }

  @Test
  void shouldAnswerLoopbackNamesAndAnAllowedHost() throws IOException {
    int port = fixture.server().port();
    SoftAssertions softly = new SoftAssertions();
    for (String host :
        List.of(
            "127.0.0.1:" + port, "127.0.0.1", "localhost:" + port, "LocalHost", "[::1]:" + port)) {
      softly
          .assertThat(get(fixture.server(), "/api/health", host).status())
          .as(host)
          .isEqualTo(200);
      softly.assertThat(get(fixture.server(), "/", host).status()).as(host).isEqualTo(200);
    }
    softly
        .assertThat(get(configured, "/api/health", "dashboard.internal:8080").status())
        .isEqualTo(200);
    softly.assertThat(get(configured, "/api/health", "Dashboard.Internal").status()).isEqualTo(200);
    softly.assertThat(get(configured, "/api/health", "evil.example").status()).isEqualTo(403);
    softly.assertAll();
    HttpResponse<String> byName =
        DashboardFixture.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/health")));
    assertThat(byName.statusCode()).isEqualTo(200);
  }

  @Test
  void shouldRefuseARequestWithoutHost() {
    DashboardFixture.RawResponse response =
        DashboardFixture.raw(fixture.server(), "GET /api/health HTTP/1.0", new byte[0]);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"the request has no Host header\"}");
  }

  // ---- CORS ----

  @Test
  void shouldAllowNoOriginByDefault() {
    HttpResponse<String> read = fixture.get("/api/project", "Origin", "https://evil.example");
    HttpResponse<String> preflight =
        DashboardFixture.send(
            HttpRequest.newBuilder(fixture.uri("/api/environments/production/rollback"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type"));
    HttpResponse<String> sameAsConfigured = fixture.get("/api/project", "Origin", ALLOWED_ORIGIN);

    assertThat(read.statusCode()).isEqualTo(200);
    for (HttpResponse<String> response : List.of(read, preflight, sameAsConfigured)) {
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
      assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).isEmpty();
    }
  }

  @Test
  void shouldEchoExactlyTheConfiguredOrigin() {
    HttpResponse<String> allowed = onConfigured("GET", "/api/project", ALLOWED_ORIGIN);
    HttpResponse<String> preflight =
        onConfigured("OPTIONS", "/api/environments/production/rollback", ALLOWED_ORIGIN);
    HttpResponse<String> other = onConfigured("GET", "/api/project", "https://evil.example");
    HttpResponse<String> suffix =
        onConfigured("GET", "/api/project", ALLOWED_ORIGIN + ".evil.example");
    HttpResponse<String> otherScheme =
        onConfigured("GET", "/api/project", "http://ops.example.com");
    HttpResponse<String> otherPreflight =
        onConfigured("OPTIONS", "/api/environments/production/rollback", "https://evil.example");

    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().allValues("Access-Control-Allow-Origin"))
        .containsExactly(ALLOWED_ORIGIN);
    assertThat(allowed.headers().firstValue("Vary")).hasValue("Origin");
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.body()).isEmpty();
    assertThat(preflight.headers().allValues("Access-Control-Allow-Origin"))
        .containsExactly(ALLOWED_ORIGIN);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValue("GET, POST");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValue("Authorization, Content-Type");
    for (HttpResponse<String> refused : List.of(other, suffix, otherScheme, otherPreflight)) {
      assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
    assertThat(otherPreflight.statusCode()).isEqualTo(204);
  }

  // ---- headers and files ----

  @Test
  void shouldMarkApiAnswersUncachableAndUnsniffable() {
    SoftAssertions softly = new SoftAssertions();
    for (HttpResponse<String> response :
        List.of(
            fixture.get("/api/health"),
            fixture.get("/api/project"),
            fixture.get("/api/runs/20000101-000000-000000"),
            fixture.get("/api/session", "Authorization", "Bearer nobody-has-this-token-here"),
            fixture.post("/api/validate", null, "{}"))) {
      String what = response.request().uri() + " " + response.statusCode();
      softly
          .assertThat(response.headers().firstValue("Cache-Control"))
          .as(what)
          .hasValue("no-store");
      softly
          .assertThat(response.headers().firstValue("X-Content-Type-Options"))
          .as(what)
          .hasValue("nosniff");
      softly.assertThat(response.headers().firstValue("X-Frame-Options")).as(what).hasValue("DENY");
      softly
          .assertThat(response.headers().firstValue("Referrer-Policy"))
          .as(what)
          .hasValue("no-referrer");
      softly
          .assertThat(response.headers().firstValue("Content-Type"))
          .as(what)
          .hasValue("application/json; charset=utf-8");
    }
    softly.assertAll();
  }

  @Test
  void shouldServeThePageWithAPolicyThatAllowsOnlyItsOwnScripts() {
    HttpResponse<String> page = fixture.get("/");
    HttpResponse<String> index = fixture.get("/index.html");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(policy)
        .contains("default-src 'self'", "script-src 'self';", "frame-ancestors 'none'")
        .contains("object-src 'none'", "base-uri 'none'", "form-action 'none'");
    assertThat(policy.replaceAll(".*script-src ([^;]*);.*", "$1")).isEqualTo("'self'");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(page.body())
        .contains("<meta name=\"autoglm-api\" content=\"api\">")
        .contains("<meta name=\"autoglm-auth\" content=\"bearer\">")
        .doesNotContain("<!--autoglm-settings-->");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).isEqualTo(page.body());
  }

  @Test
  void shouldServeTheAppsFilesWithTheirTypes() {
    HttpResponse<String> app = fixture.get("/assets/app.js");
    HttpResponse<String> css = fixture.get("/assets/app.css");
    HttpResponse<String> echarts = fixture.get("/assets/echarts.min.js");
    HttpResponse<Void> head =
        sendDiscarding(
            HttpRequest.newBuilder(fixture.uri("/assets/app.js"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

    assertThat(app.statusCode()).isEqualTo(200);
    assertThat(app.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(app.body()).isNotBlank().doesNotStartWith("<");
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
    assertThat(echarts.statusCode()).isEqualTo(200);
    assertThat(echarts.headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(echarts.body()).hasSizeGreaterThan(100_000).contains("echarts");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
  }

  @Test
  void shouldServeNoOtherFile() {
    SoftAssertions softly = new SoftAssertions();
    for (String path :
        List.of(
            "/assets/../pom.xml",
            "/assets/%2e%2e/pom.xml",
            "/assets/..%2fpom.xml",
            "/assets/nope.js",
            "/pom.xml",
            "/app.js",
            "/org/openautoglm/dashboard/app.js",
            "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js",
            "/META-INF/MANIFEST.MF",
            "/assets/",
            "//assets/app.js",
            "/assets/app.js/")) {
      DashboardFixture.RawResponse response = get(fixture.server(), path, "127.0.0.1");
      softly.assertThat(response.status()).as(path).isEqualTo(404);
      softly.assertThat(response.body()).as(path).startsWith("{\"error\":\"no such page: ");
    }
    softly.assertAll();
  }

  @Test
  void shouldRefuseAWriteToThePage() {
    HttpResponse<String> post =
        DashboardFixture.send(
            HttpRequest.newBuilder(fixture.uri("/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=b")));
    HttpResponse<String> put =
        DashboardFixture.send(
            HttpRequest.newBuilder(fixture.uri("/assets/app.js"))
                .PUT(HttpRequest.BodyPublishers.ofString("alert(1)")));

    assertThat(error(post, 405))
        .isEqualTo("POST is not allowed here; the dashboard's files are read-only");
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(error(put, 405)).startsWith("PUT is not allowed here");
    assertThat(fixture.get("/assets/app.js").body()).doesNotContain("alert(1)");
  }

  @Test
  void shouldServeAScriptInARunTitleAsJsonDataOnly() {
    HttpResponse<String> list = fixture.get("/api/runs");
    HttpResponse<String> run = fixture.get("/api/runs/" + scriptRun);
    DashboardFixture.RawResponse echoed =
        get(fixture.server(), "/api/runs/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "127.0.0.1");

    assertThat(json(list).get("items").get(0).get("title").asText()).isEqualTo(SCRIPT);
    assertThat(json(run).get("title").asText()).isEqualTo(SCRIPT);
    for (HttpResponse<String> response : List.of(list, run)) {
      assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(response.headers().firstValue("Content-Security-Policy")).isEmpty();
      assertThat(response.body()).startsWith("{");
    }
    assertThat(echoed.status()).isEqualTo(404);
    assertThat(echoed.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    assertThat(echoed.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(echoed.body()).isEqualTo("{\"error\":\"no run <script>alert(1)</script>\"}");
    assertThat(fixture.get("/").body()).doesNotContain(SCRIPT);
  }

  private static DashboardFixture.RawResponse get(DashboardServer on, String path, String host) {
    return DashboardFixture.raw(on, "GET " + path + " HTTP/1.1\r\nHost: " + host, new byte[0]);
  }

  private static HttpResponse<String> onConfigured(String method, String path, String origin) {
    return DashboardFixture.send(
        HttpRequest.newBuilder(DashboardFixture.uri(configured, path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin));
  }

  private static HttpResponse<Void> sendDiscarding(HttpRequest.Builder request) {
    try {
      return HttpClient.newHttpClient()
          .send(request.build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
