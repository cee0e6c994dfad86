package org.openautoglm.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.SourcePosition;

/** The notifier against a real webhook receiver on 127.0.0.1. */
class NotifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant AT = Instant.parse("2025-01-31T12:00:00Z");

  private HttpServer receiver;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Deque<Integer> statuses = new ArrayDeque<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile int standing = 200;
  private volatile String answerBody = "ok";
  private volatile boolean hang;

  private record Received(String path, String contentType, JsonNode body) {}

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.setExecutor(Executors.newCachedThreadPool());
    receiver.createContext("/", this::receive);
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    release.countDown();
    receiver.stop(0);
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(
          new Received(
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders().getFirst("Content-Type"),
              JSON.readTree(body)));
      if (hang) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      int status;
      synchronized (statuses) {
        status = statuses.isEmpty() ? standing : statuses.poll();
      }
      byte[] answer = answerBody.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    }
  }

  private URI webhook(String path) {
    return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + path);
  }

  private Notifier notifier(URI... webhooks) {
    return new Notifier(List.of(webhooks), 3, Duration.ofSeconds(5))
        .withFirstPause(Duration.ofMillis(20));
  }

  private static Notification promoted() {
    return new Notification(
        NotificationEvent.PROMOTED,
        "sentiment",
        "production",
        7,
        "sha256:1a2b3c4d5e6f7a8b9c0d",
        "alice",
        "weekly release",
        AT);
  }

  @Test
  void shouldPostTheJsonPayloadWithASlackText() {
    NotificationReport report =
        notifier(webhook("/services/T000/B000/secret")).sendAndWait(promoted());

    assertThat(report.allDelivered()).as(report.summary()).isTrue();
    assertThat(received).hasSize(1);
    Received got = received.get(0);
    JsonNode body = got.body();
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(got.path()).isEqualTo("/services/T000/B000/secret");
    soft.assertThat(got.contentType()).startsWith("application/json");
    soft.assertThat(body.path("event").asText()).isEqualTo("promoted");
    soft.assertThat(body.path("text").asText())
        .isEqualTo(
            "Promoted sentiment version 7 to production (snapshot 1a2b3c4d5e6f) by alice: weekly"
                + " release");
    soft.assertThat(body.path("project").asText()).isEqualTo("sentiment");
    soft.assertThat(body.path("environment").asText()).isEqualTo("production");
    soft.assertThat(body.path("version").isInt()).isTrue();
    soft.assertThat(body.path("version").asInt()).isEqualTo(7);
    soft.assertThat(body.path("snapshot").asText()).isEqualTo("sha256:1a2b3c4d5e6f7a8b9c0d");
    soft.assertThat(body.path("actor").asText()).isEqualTo("alice");
    soft.assertThat(body.path("reason").asText()).isEqualTo("weekly release");
    soft.assertThat(body.path("at").asText()).isEqualTo("2025-01-31T12:00:00Z");
    DeliveryResult result = report.deliveries().get(0);
    soft.assertThat(result.delivered()).isTrue();
    soft.assertThat(result.attempts()).isEqualTo(1);
    soft.assertThat(result.status()).isEqualTo(200);
    soft.assertThat(result.webhook())
        .as("the secret path is not shown")
        .isEqualTo("http://127.0.0.1:" + receiver.getAddress().getPort() + "/…");
    soft.assertThat(result.message()).isEqualTo("delivered to " + result.webhook());
    soft.assertAll();
  }

  @Test
  void shouldDeliverAfterARetryWhenTheReceiverFailsOnce() {
    statuses.add(500);

    NotificationReport report = notifier(webhook("/hook")).sendAndWait(promoted());

    DeliveryResult result = report.deliveries().get(0);
    assertThat(result.delivered()).as(result.message()).isTrue();
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(received).hasSize(2);
    assertThat(result.message()).endsWith(" after 2 attempts");
  }

  @Test
  void shouldRetryATooManyRequestsAnswer() {
    statuses.add(429);

    DeliveryResult result = notifier(webhook("/hook")).sendAndWait(promoted()).deliveries().get(0);

    assertThat(result.delivered()).isTrue();
    assertThat(result.attempts()).isEqualTo(2);
  }

  @Test
  void shouldGiveUpAfterTheLastAttempt() {
    standing = 503;
    answerBody = "maintenance";

    DeliveryResult result = notifier(webhook("/hook")).sendAndWait(promoted()).deliveries().get(0);

    assertThat(result.delivered()).isFalse();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(received).hasSize(3);
    assertThat(result.status()).isEqualTo(503);
    assertThat(result.message())
        .isEqualTo(
            "not delivered to http://127.0.0.1:"
                + receiver.getAddress().getPort()
                + "/… after 3 attempts: answered 503: maintenance");
  }

  @Test
  void shouldNotRetryAClientError() {
    standing = 400;
    answerBody = "invalid_payload";

    DeliveryResult result = notifier(webhook("/hook")).sendAndWait(promoted()).deliveries().get(0);

    assertThat(result.delivered()).isFalse();
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(received).hasSize(1);
    assertThat(result.message()).endsWith(": answered 400 (not retried): invalid_payload");
  }

  @Test
  void shouldReturnWithinTheTimeoutWhenTheReceiverNeverAnswers() {
    hang = true;
    Notifier notifier =
        new Notifier(List.of(webhook("/hook")), 3, Duration.ofSeconds(1))
            .withFirstPause(Duration.ofMillis(20));

    long start = System.nanoTime();
    NotificationReport report = notifier.sendAndWait(promoted());
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofMillis(1_500));
    DeliveryResult result = report.deliveries().get(0);
    assertThat(result.delivered()).isFalse();
    assertThat(result.status()).isZero();
    assertThat(result.message()).startsWith("not delivered to http://127.0.0.1:");
    assertThat(result.message()).contains("within 1 s");
  }

  @Test
  void shouldCompleteTheAsynchronousSendWithinTheTimeoutToo() throws Exception {
    hang = true;
    Notifier notifier = new Notifier(List.of(webhook("/hook")), 3, Duration.ofMillis(800));

    long start = System.nanoTime();
    CompletableFuture<NotificationReport> sent = notifier.send(promoted());
    Duration returned = Duration.ofNanos(System.nanoTime() - start);
    NotificationReport report = sent.get(5, TimeUnit.SECONDS);
    Duration completed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(returned).as("send() does not block").isLessThan(Duration.ofMillis(500));
    assertThat(completed).isLessThan(Duration.ofMillis(1_500));
    assertThat(report.allDelivered()).isFalse();
  }

  @Test
  void shouldRetryARefusedConnectionAndReportIt() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }

    DeliveryResult result =
        notifier(URI.create("http://127.0.0.1:" + closed + "/hook"))
            .sendAndWait(promoted())
            .deliveries()
            .get(0);

    assertThat(result.delivered()).isFalse();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(result.message())
        .isEqualTo(
            "not delivered to http://127.0.0.1:"
                + closed
                + "/… after 3 attempts: connection refused");
  }

  @Test
  void shouldSendToEveryWebhookAndReportEach() {
    standing = 200;
    Notifier notifier = notifier(webhook("/good"), webhook("/gone"));
    receiver.removeContext("/");
    receiver.createContext("/good", this::receive);

    NotificationReport report = notifier.sendAndWait(promoted());

    assertThat(report.deliveries())
        .extracting(DeliveryResult::delivered)
        .containsExactly(true, false);
    assertThat(report.summary())
        .startsWith("promoted: delivered to 1 of 2 webhooks; not delivered to http://127.0.0.1:")
        .contains("answered 404 (not retried)");
  }

  @Test
  void shouldSendOnlyTheChosenEvents() {
    Notifier notifier = notifier(webhook("/hook")).onlyFor(EnumSet.of(NotificationEvent.FAILED));

    NotificationReport report = notifier.sendAndWait(promoted());

    assertThat(report.deliveries()).isEmpty();
    assertThat(report.allDelivered()).isTrue();
    assertThat(received).isEmpty();
    assertThat(Notifier.none().sendAndWait(promoted()).deliveries()).isEmpty();
  }

  @Test
  void shouldRefuseWebhooksThatAreNotHttp() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Notifier(List.of(URI.create("file:///etc/passwd"))))
        .withMessageContaining("is not an http or https URL");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Notifier(List.of(webhook("/x")), 0, Duration.ofSeconds(1)));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Notifier(List.of(webhook("/x")), 3, Duration.ofMinutes(5)));
  }

  @Test
  void shouldReadTheSection() {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put(
        "webhooks", List.of("https://hooks.slack.com/services/T/B/X", "http://10.0.0.9/hook"));
    section.put("events", List.of("promoted", "rolled-back", "FAILED"));
    section.put("attempts", 5);
    section.put("timeout", "2s");

    Notifier notifier = Notifier.read(section, "/notifications", NotifierTest::at);

    assertThat(notifier.webhooks())
        .containsExactly(
            URI.create("https://hooks.slack.com/services/T/B/X"),
            URI.create("http://10.0.0.9/hook"));
    assertThat(notifier.events())
        .containsExactlyInAnyOrder(
            NotificationEvent.PROMOTED, NotificationEvent.ROLLED_BACK, NotificationEvent.FAILED);
    assertThat(notifier.attempts()).isEqualTo(5);
    assertThat(notifier.timeout()).isEqualTo(Duration.ofSeconds(2));
    Notifier defaults =
        Notifier.read(Map.of("webhooks", List.of("https://x/hook")), "/n", NotifierTest::at);
    assertThat(defaults.attempts()).isEqualTo(3);
    assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.events()).containsExactlyInAnyOrder(NotificationEvent.values());
    assertThat(Notifier.read(null, "/n", NotifierTest::at).webhooks()).isEmpty();
  }

  @Test
  void shouldReportMistakesInTheSectionAtTheirPosition() {
    assertThatThrownBy(
            () ->
                Notifier.read(
                    Map.of("webhooks", List.of("https://ok/hook", "slack please")),
                    "/notifications",
                    NotifierTest::at))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "autoglm.yaml:4:3: /notifications/webhooks/1: webhook 2 is not an http or https URL");
    assertThatThrownBy(
            () ->
                Notifier.read(
                    Map.of("webhooks", List.of("https://ok/hook"), "events", List.of("deployed")),
                    "/n",
                    NotifierTest::at))
        .hasMessageContaining(
            "/n/events/0: unknown event 'deployed'; expected approval_requested, promoted,"
                + " rolled_back or failed");
    assertThatThrownBy(() -> Notifier.read(Map.of("webhook", "https://x/"), "/n", NotifierTest::at))
        .hasMessageContaining("/n/webhook: unknown key 'webhook' for notifications");
    assertThatThrownBy(
            () ->
                Notifier.read(
                    Map.of("webhooks", List.of("https://x/"), "timeout", "10m"),
                    "/n",
                    NotifierTest::at))
        .hasMessageContaining("/n/timeout: '10m' is not a duration up to 60s");
    assertThatThrownBy(
            () ->
                Notifier.read(
                    Map.of("webhooks", List.of("https://x/"), "attempts", 0),
                    "/n",
                    NotifierTest::at))
        .hasMessageContaining("/n/attempts: 'attempts' must be a whole number from 1 to 10");
    assertThatThrownBy(() -> Notifier.read(Map.of("attempts", 2), "/n", NotifierTest::at))
        .hasMessageContaining("/n: notifications need 'webhooks'");
  }

  static SourcePosition at(String pointer) {
    return new SourcePosition("autoglm.yaml", 4, 3);
  }
}
