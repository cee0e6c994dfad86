package org.openautoglm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.SourcePosition;

/** The health check against a real HTTP server on 127.0.0.1. */
class HealthCheckTest {
  private HttpServer server;
  private final Deque<Answer> answers = new ArrayDeque<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private volatile Answer standing = new Answer(200, "ok", 0, null);

  /** What the server answers: a status, a body, a delay and an optional Location. */
  private record Answer(int status, String body, long delayMillis, String location) {}

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::answer);
    server.start();
  }

  @AfterEach
  void stopServer() {
    release.countDown();
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    Answer answer;
    synchronized (answers) {
      answer = answers.isEmpty() ? standing : answers.poll();
    }
    try (exchange) {
      if (answer.delayMillis() > 0) {
        try {
          release.await(answer.delayMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (answer.location() != null) {
        exchange.getResponseHeaders().add("Location", answer.location());
      }
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private HealthCheck check(String path) {
    return HealthCheck.of(url(path))
        .withRetries(2)
        .withInterval(Duration.ofMillis(50))
        .withAttemptTimeout(Duration.ofSeconds(2))
        .withTimeout(Duration.ofSeconds(10));
  }

  @Test
  void shouldBeHealthyOn200() {
    HealthResult result = check("/healthz").check(lines::add);

    assertThat(result.healthy()).isTrue();
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.message())
        .startsWith("GET " + url("/healthz") + " returned 200 after 1 attempt in ");
    assertThat(lines).isEmpty();
  }

  @Test
  void shouldBeHealthyAfterRetriesWhenTheServerRecovers() {
    answers.add(new Answer(503, "starting", 0, null));
    answers.add(new Answer(503, "starting", 0, null));

    HealthResult result = check("/healthz").check(lines::add);

    assertThat(result.healthy()).as(result.message()).isTrue();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(result.message()).contains("returned 200 after 3 attempts");
    assertThat(lines)
        .containsExactly(
            "health check attempt 1: GET " + url("/healthz") + " returned 503",
            "health check attempt 2: GET " + url("/healthz") + " returned 503");
  }

  @Test
  void shouldBeUnhealthyWhenTheServerKeepsFailing() {
    standing = new Answer(503, "", 0, null);

    HealthResult result = check("/healthz").withRetries(4).check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.attempts()).isEqualTo(5);
    assertThat(requests).hasValue(5);
    assertThat(result.message())
        .matches(
            "GET http://127\\.0\\.0\\.1:\\d+/healthz returned 503 after 5 attempts in \\d+\\.\\d s");
  }

  @Test
  void shouldBeUnhealthyWhenTheBodyDoesNotMatch() {
    standing = new Answer(200, "{\"status\": \"degraded\"}", 0, null);

    HealthResult result = check("/healthz").withBodyMatches("\"status\":\\s*\"ok\"").check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(result.message())
        .contains(
            "returned 200 but the body did not match /\"status\":\\s*\"ok\"/ (body: {\"status\":"
                + " \"degraded\"}) after 3 attempts");
  }

  @Test
  void shouldAcceptABodyThatContainsTheExpectedText() {
    standing = new Answer(200, "{\"status\": \"ok\", \"model\": 7}", 0, null);

    assertThat(check("/healthz").withBodyContains("\"model\": 7").check().healthy()).isTrue();
    assertThat(check("/healthz").withBodyMatches("\"model\":\\s*7\\b").check().healthy()).isTrue();
    HealthResult wrong = check("/healthz").withRetries(0).withBodyContains("\"model\": 8").check();
    assertThat(wrong.healthy()).isFalse();
    assertThat(wrong.message()).contains("but the body did not contain \"\"model\": 8\"");
  }

  @Test
  void shouldBeUnhealthyWhenTheConnectionIsRefused() {
    String closed = "http://127.0.0.1:" + ClosedPort.find() + "/healthz";

    HealthResult result =
        HealthCheck.of(closed)
            .withRetries(1)
            .withInterval(Duration.ofMillis(10))
            .withAttemptTimeout(Duration.ofSeconds(2))
            .check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(result.message())
        .startsWith("GET " + closed + ": connection refused after 2 attempts in ");
  }

  @Test
  void shouldRespectThePerAttemptTimeoutOfASlowServer() {
    standing = new Answer(200, "ok", 10_000, null);

    long start = System.nanoTime();
    HealthResult result =
        check("/healthz").withRetries(1).withAttemptTimeout(Duration.ofMillis(300)).check();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(result.healthy()).isFalse();
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(result.message()).contains(": got no answer within 0.3 s after 2 attempts");
    assertThat(took).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void shouldStopRetryingAtTheOverallTimeout() {
    standing = new Answer(500, "", 0, null);

    HealthResult result =
        check("/healthz")
            .withRetries(100)
            .withInterval(Duration.ofMillis(200))
            .withTimeout(Duration.ofSeconds(1))
            .check();

    assertThat(result.healthy()).isFalse();
    assertThat(result.attempts()).isBetween(2, 6);
    assertThat(result.elapsed()).isLessThan(Duration.ofMillis(1_500));
    assertThat(result.message()).endsWith("(stopped at the 1 s limit)");
  }

  @Test
  void shouldFollowRedirectsOnlyWithinTheSameScheme() {
    answers.add(new Answer(302, "", 0, "/ready"));
    assertThat(check("/healthz").check().healthy()).isTrue();
    assertThat(requests).hasValue(2);

    standing = new Answer(301, "", 0, "ftp://127.0.0.1/healthz");
    HealthResult result = check("/healthz").withRetries(0).check();
    assertThat(result.healthy()).isFalse();
    assertThat(result.message())
        .contains(
            "returned 301 to ftp://127.0.0.1/healthz; redirects to another scheme are not followed");
  }

  @Test
  void shouldReadOnlyTheStartOfAHugeBody() {
    standing = new Answer(200, "ok " + "x".repeat(1_000_000), 0, null);

    HealthResult result = check("/healthz").withBodyMatches("^ok ").check();

    assertThat(result.healthy()).isTrue();
  }

  @Test
  void shouldRefuseUrlsThatAreNotHttp() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HealthCheck.of("file:///etc/passwd"))
        .withMessage("health check URL 'file:///etc/passwd' must start with http:// or https://");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HealthCheck.of("http:///healthz"))
        .withMessageContaining("has no host");
  }

  @Test
  void shouldReadTheSectionWithDefaults() {
    HealthCheck check =
        HealthCheck.read(Map.of("url", "http://10.0.0.5:8080/healthz"), "/h", HealthCheckTest::at);

    assertThat(check.url()).hasToString("http://10.0.0.5:8080/healthz");
    assertThat(check.retries()).isEqualTo(HealthCheck.DEFAULT_RETRIES);
    assertThat(check.interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(check.attemptTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(check.bodyContains()).isNull();
    assertThat(HealthCheck.read(null, "/h", HealthCheckTest::at)).isNull();
  }

  @Test
  void shouldReadEveryKey() {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("url", "https://sentiment.example.com/healthz");
    section.put("bodyContains", "ok");
    section.put("bodyMatches", "ready.*true");
    section.put("retries", 9);
    section.put("interval", "500ms");
    section.put("attemptTimeout", 3);
    section.put("timeout", "2m");

    HealthCheck check = HealthCheck.read(section, "/h", HealthCheckTest::at);

    assertThat(check.bodyContains()).isEqualTo("ok");
    assertThat(check.bodyMatches()).isEqualTo("ready.*true");
    assertThat(check.retries()).isEqualTo(9);
    assertThat(check.interval()).isEqualTo(Duration.ofMillis(500));
    assertThat(check.attemptTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(check.timeout()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void shouldReportMistakesAtTheirPosition() {
    assertThatThrownBy(
            () ->
                HealthCheck.read(
                    Map.of("url", "http://x/healthz", "bodyMatches", "(unclosed"),
                    "/environments/1/healthCheck",
                    HealthCheckTest::at))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "autoglm.yaml:3:7: /environments/1/healthCheck/bodyMatches: 'bodyMatches' is not a"
                + " regular expression");
    assertThatThrownBy(
            () ->
                HealthCheck.read(Map.of("url", "http://x/", "retry", 3), "/h", HealthCheckTest::at))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "/h/retry: unknown key 'retry' for a health check; expected one of: url,");
    assertThatThrownBy(() -> HealthCheck.read(Map.of("retries", 3), "/h", HealthCheckTest::at))
        .hasMessageContaining("/h/url: a health check needs 'url'");
    assertThatThrownBy(() -> HealthCheck.read(Map.of("url", "ftp://x/"), "/h", HealthCheckTest::at))
        .hasMessageContaining("/h/url: health check URL 'ftp://x/' must start with http://");
    assertThatThrownBy(
            () ->
                HealthCheck.read(
                    Map.of("url", "http://x/", "interval", "soon"), "/h", HealthCheckTest::at))
        .hasMessageContaining("'soon' is not a duration");
  }

  static SourcePosition at(String pointer) {
    return new SourcePosition("autoglm.yaml", 3, 7);
  }
}
