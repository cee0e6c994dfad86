package org.openautoglm.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.Durations;
import org.openautoglm.config.source.SourcePosition;
import org.openautoglm.http.BoundedBody;

/**
 * Tells people what happened by POSTing a JSON payload to webhooks (Slack incoming webhooks and
 * anything that accepts JSON):
 *
 * <pre>{@code
 * {"event": "promoted", "text": "Promoted sentiment version 7 to production (snapshot 1a2b3c4d5e6f) by alice",
 *  "project": "sentiment", "environment": "production", "version": 7, "snapshot": "sha256:1a2b…",
 *  "actor": "alice", "reason": null, "at": "2025-01-31T12:00:00Z"}
 * }</pre>
 *
 * <p>A notification must never hold up a promotion or a rollback: every webhook is sent to at once,
 * asynchronously; an attempt that fails with a 5xx, a 429 or a network error is repeated after an
 * exponentially growing pause (honouring a short {@code Retry-After}), bounded both by a number of
 * attempts and by one overall timeout, after which whatever is still in flight is cancelled. Any
 * other 4xx (a bad URL, a revoked token) is final, as is a redirect. Nothing is thrown to the
 * caller: each webhook's outcome comes back as a {@link DeliveryResult}.
 *
 * <p>The {@code notifications} section of {@code autoglm.yaml} ({@link #read}):
 *
 * <pre>{@code
 * notifications:
 *   webhooks:                      # http or https URLs
 *     - https://hooks.slack.com/services/T000/B000/XXXX
 *   events: [approval_requested, promoted, rolled_back, failed]   # default: all
 *   attempts: 3                    # per webhook, 1 to 10 (default 3)
 *   timeout: 5s                    # all attempts to all webhooks together, at most 60s (default 5s)
 * }</pre>
 */
public final class Notifier {
  public static final int DEFAULT_ATTEMPTS = 3;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration DEFAULT_FIRST_PAUSE = Duration.ofMillis(250);
  static final int MAX_ATTEMPTS = 10;
  static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

  private static final int MAX_ANSWER_BYTES = 4 * 1024;
  private static final int MAX_SHOWN_ANSWER_CHARS = 200;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> KEYS = List.of("webhooks", "events", "attempts", "timeout");

  private final List<URI> webhooks;
  private final int attempts;
  private final Duration timeout;
  private final Duration firstPause;
  private final EnumSet<NotificationEvent> events;
  private final AtomicReference<HttpClient> client = new AtomicReference<>();

  /** Sends every event to these webhooks with the default attempts and timeout. */
  public Notifier(List<URI> webhooks) {
    this(webhooks, DEFAULT_ATTEMPTS, DEFAULT_TIMEOUT);
  }

  /**
   * @param attempts requests per webhook at most, 1 to {@value #MAX_ATTEMPTS}
   * @param timeout the longest a notification may take, all webhooks and attempts together
   * @throws IllegalArgumentException when a webhook is not an http or https URL, or a limit is out
   *     of range
   */
  public Notifier(List<URI> webhooks, int attempts, Duration timeout) {
    this(webhooks, attempts, timeout, DEFAULT_FIRST_PAUSE, EnumSet.allOf(NotificationEvent.class));
  }

  Notifier(
      List<URI> webhooks,
      int attempts,
      Duration timeout,
      Duration firstPause,
      Collection<NotificationEvent> events) {
    this.webhooks = List.copyOf(webhooks);
    this.webhooks.forEach(Notifier::requireWebhook);
    if (attempts < 1 || attempts > MAX_ATTEMPTS) {
      throw new IllegalArgumentException("attempts must be between 1 and " + MAX_ATTEMPTS);
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("timeout must be positive and at most 60 s");
    }
    this.attempts = attempts;
    this.timeout = timeout;
    this.firstPause = Objects.requireNonNull(firstPause, "firstPause");
    this.events =
        events.isEmpty() ? EnumSet.noneOf(NotificationEvent.class) : EnumSet.copyOf(events);
  }

  /** A notifier without webhooks: every send completes at once with no deliveries. */
  public static Notifier none() {
    return new Notifier(List.of());
  }

  /** The same notifier, sending only these events (others complete at once, unsent). */
  public Notifier onlyFor(Collection<NotificationEvent> sent) {
    return new Notifier(webhooks, attempts, timeout, firstPause, sent);
  }

  /** The same notifier with another pause before the first retry (doubled for each next one). */
  Notifier withFirstPause(Duration pause) {
    return new Notifier(webhooks, attempts, timeout, pause, events);
  }

  public List<URI> webhooks() {
    return webhooks;
  }

  public int attempts() {
    return attempts;
  }

  public Duration timeout() {
    return timeout;
  }

  public Set<NotificationEvent> events() {
    return EnumSet.copyOf(events);
  }

  /**
   * Reads a {@code notifications} section.
   *
   * @param section the section as parsed YAML; {@code null} means {@link #none()}
   * @param pointer the section's JSON pointer in the descriptor, such as {@code /notifications}
   * @param positions the source position of a JSON pointer into the descriptor
   * @throws ConfigException naming the offending key's position when the section is wrong
   */
  public static Notifier read(
      Map<String, ?> section, String pointer, Function<String, SourcePosition> positions) {
    if (section == null) {
      return none();
    }
    for (String key : section.keySet()) {
      if (!KEYS.contains(key)) {
        throw at(
            positions,
            pointer + "/" + key,
            "unknown key '"
                + key
                + "' for notifications; expected one of: "
                + String.join(", ", KEYS));
      }
    }
    List<URI> urls = new ArrayList<>();
    List<?> webhookList = list(section, "webhooks", pointer, positions);
    for (int i = 0; i < webhookList.size(); i++) {
      String at = pointer + "/webhooks/" + i;
      Object value = webhookList.get(i);
      try {
        URI url = new URI(String.valueOf(value).trim());
        requireWebhook(url);
        urls.add(url);
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw at(positions, at, "webhook " + (i + 1) + " is not an http or https URL");
      }
    }
    Set<NotificationEvent> sent = EnumSet.allOf(NotificationEvent.class);
    if (section.get("events") != null) {
      sent = EnumSet.noneOf(NotificationEvent.class);
      List<?> eventList = list(section, "events", pointer, positions);
      for (int i = 0; i < eventList.size(); i++) {
        try {
          sent.add(NotificationEvent.ofKey(String.valueOf(eventList.get(i))));
        } catch (IllegalArgumentException e) {
          throw at(positions, pointer + "/events/" + i, e.getMessage());
        }
      }
    }
    int attemptCount = DEFAULT_ATTEMPTS;
    Object attemptValue = section.get("attempts");
    if (attemptValue != null) {
      try {
        attemptCount = Integer.parseInt(String.valueOf(attemptValue).trim());
      } catch (NumberFormatException e) {
        attemptCount = -1;
      }
      if (attemptCount < 1 || attemptCount > MAX_ATTEMPTS) {
        throw at(
            positions,
            pointer + "/attempts",
            "'attempts' must be a whole number from 1 to " + MAX_ATTEMPTS);
      }
    }
    Duration limit = DEFAULT_TIMEOUT;
    if (section.get("timeout") != null) {
      limit = duration(section.get("timeout"));
      if (limit == null || limit.compareTo(MAX_TIMEOUT) > 0) {
        throw at(
            positions,
            pointer + "/timeout",
            "'" + section.get("timeout") + "' is not a duration up to 60s; write 500ms, 5s or 1m");
      }
    }
    if (urls.isEmpty() && section.get("webhooks") == null && !section.isEmpty()) {
      throw at(positions, pointer, "notifications need 'webhooks': a list of URLs");
    }
    return new Notifier(urls, attemptCount, limit, DEFAULT_FIRST_PAUSE, sent);
  }

  private static List<?> list(
      Map<String, ?> section,
      String key,
      String pointer,
      Function<String, SourcePosition> positions) {
    Object value = section.get(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw at(positions, pointer + "/" + key, "'" + key + "' must be a list");
    }
    return list;
  }

  private static ConfigException at(
      Function<String, SourcePosition> positions, String pointer, String message) {
    return new ConfigException(Diagnostic.at(positions.apply(pointer), pointer, message));
  }

  private static Duration duration(Object value) {
    return Durations.parse(value).orElse(null);
  }

  /**
   * Sends a notification to every webhook, without blocking.
   *
   * @return completes, never exceptionally, when every webhook has answered or given up, and at the
   *     latest when the timeout has passed
   * @throws NullPointerException when {@code notification} is null; nothing else is thrown
   */
  public CompletableFuture<NotificationReport> send(Notification notification) {
    return start(notification).report;
  }

  /**
   * Sends a notification to every webhook and waits for the results, at most for the timeout.
   * Webhooks that have not answered by then are given up. An interrupted wait returns what is known
   * and sets the interrupt flag again; the deliveries go on in the background.
   */
  public NotificationReport sendAndWait(Notification notification) {
    Sending sending = start(notification);
    try {
      return sending.report.get(
          Math.max(0, sending.deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      sending.deliveries.forEach(Delivery::giveUp);
      return sending.report.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new NotificationReport(
          notification.event(),
          sending.deliveries.stream().map(d -> d.snapshot("the wait was interrupted")).toList());
    } catch (ExecutionException e) {
      // not reached: the report never completes exceptionally
      throw new IllegalStateException(e.getCause());
    }
  }

  /** The JSON body sent for a notification. */
  public static String payload(Notification notification) {
    ObjectNode node = JSON.createObjectNode();
    node.put("event", notification.event().key());
    node.put("text", notification.text());
    node.put("project", notification.project());
    node.put("environment", notification.environment());
    node.put("version", notification.version());
    node.put("snapshot", notification.snapshot());
    node.put("actor", notification.actor());
    node.put("reason", notification.reason());
    node.put("at", notification.at().toString());
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a notification as JSON", e);
    }
  }

  /** A webhook as it may be shown: path and query hidden, they often carry the secret. */
  static String shown(URI webhook) {
    String base =
        webhook.getScheme()
            + "://"
            + webhook.getHost()
            + (webhook.getPort() == -1 ? "" : ":" + webhook.getPort());
    boolean hidden =
        (webhook.getRawPath() != null && webhook.getRawPath().length() > 1)
            || webhook.getRawQuery() != null;
    return hidden ? base + "/…" : base;
  }

  private static void requireWebhook(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || url.getHost() == null
        || url.getHost().isEmpty()) {
      throw new IllegalArgumentException("webhook " + shown(url) + " is not an http or https URL");
    }
  }

  private Sending start(Notification notification) {
    Objects.requireNonNull(notification, "notification");
    long startNanos = System.nanoTime();
    long deadline = startNanos + timeout.toNanos();
    if (webhooks.isEmpty() || !events.contains(notification.event())) {
      return new Sending(
          CompletableFuture.completedFuture(
              new NotificationReport(notification.event(), List.of())),
          List.of(),
          deadline);
    }
    byte[] body = payload(notification).getBytes(StandardCharsets.UTF_8);
    List<Delivery> deliveries = new ArrayList<>();
    for (URI webhook : webhooks) {
      deliveries.add(new Delivery(webhook, body, startNanos, deadline));
    }
    deliveries.forEach(Delivery::attempt);
    // The watchdog makes the bound hold even when an exchange ignores its own timeout.
    CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .execute(() -> deliveries.forEach(Delivery::giveUp));
    CompletableFuture<?>[] results =
        deliveries.stream().map(d -> d.result).toArray(CompletableFuture[]::new);
    CompletableFuture<NotificationReport> report =
        CompletableFuture.allOf(results)
            .thenApply(
                done ->
                    new NotificationReport(
                        notification.event(),
                        deliveries.stream().map(d -> d.result.join()).toList()));
    return new Sending(report, deliveries, deadline);
  }

  private HttpClient client() {
    HttpClient current = client.get();
    if (current == null) {
      Duration connect =
          timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5);
      HttpClient created =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(connect)
              .build();
      current = client.compareAndExchange(null, created);
      if (current == null) {
        current = created;
      }
    }
    return current;
  }

  private record Sending(
      CompletableFuture<NotificationReport> report, List<Delivery> deliveries, long deadline) {}

  /** One notification to one webhook: its attempts, one after the other. */
  private final class Delivery {
    private final URI webhook;
    private final String shown;
    private final byte[] body;
    private final long start;
    private final long deadline;
    private final CompletableFuture<DeliveryResult> result = new CompletableFuture<>();
    private final AtomicInteger made = new AtomicInteger();
    private final AtomicReference<CompletableFuture<?>> inFlight = new AtomicReference<>();
    private volatile int status;
    private volatile String problem;

    Delivery(URI webhook, byte[] body, long start, long deadline) {
      this.webhook = webhook;
      this.shown = shown(webhook);
      this.body = body;
      this.start = start;
      this.deadline = deadline;
    }

    void attempt() {
      if (result.isDone()) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        giveUp();
        return;
      }
      made.incrementAndGet();
      try {
        HttpRequest request =
            HttpRequest.newBuilder(webhook)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofNanos(left))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Open-AutoGLM notifier")
                .build();
        CompletableFuture<HttpResponse<String>> exchange =
            client().sendAsync(request, info -> new BoundedBody(MAX_ANSWER_BYTES));
        inFlight.set(exchange);
        exchange.whenComplete(this::answered);
      } catch (RuntimeException e) {
        finish(false, "not delivered to " + shown + ": " + e.getMessage());
      }
    }

    private void answered(HttpResponse<String> response, Throwable error) {
      if (result.isDone()) {
        return;
      }
      if (error != null) {
        status = 0;
        problem = describe(error);
        retry(Duration.ZERO);
        return;
      }
      status = response.statusCode();
      if (status >= 200 && status < 300) {
        int count = made.get();
        finish(true, "delivered to " + shown + (count > 1 ? " after " + count + " attempts" : ""));
      } else if (status == 429 || status >= 500) {
        problem = "answered " + status + excerpt(response.body());
        retry(retryAfter(response));
      } else {
        String why = status >= 300 && status < 400 ? "redirects are not followed" : "not retried";
        finish(
            false,
            "not delivered to "
                + shown
                + ": answered "
                + status
                + " ("
                + why
                + ")"
                + excerpt(response.body()));
      }
    }

    private void retry(Duration retryAfter) {
      int count = made.get();
      if (count >= attempts) {
        finish(false, "not delivered to " + shown + " after " + count + " attempts: " + problem);
        return;
      }
      long pause = firstPause.toNanos() << Math.min(count - 1, 20);
      pause = Math.max(pause, retryAfter.toNanos());
      if (System.nanoTime() + pause >= deadline) {
        finish(
            false,
            "not delivered to "
                + shown
                + " after "
                + count
                + (count == 1 ? " attempt" : " attempts")
                + " within "
                + seconds(timeout)
                + ": "
                + problem);
        return;
      }
      CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS).execute(this::attempt);
    }

    /** Ends the delivery at the deadline, cancelling a request still in flight. */
    void giveUp() {
      if (result.isDone()) {
        return;
      }
      CompletableFuture<?> exchange = inFlight.get();
      if (exchange != null) {
        exchange.cancel(true);
      }
      int count = made.get();
      finish(
          false,
          "not delivered to "
              + shown
              + " within "
              + seconds(timeout)
              + " ("
              + count
              + (count == 1 ? " attempt" : " attempts")
              + (problem == null ? "; no answer" : "; last: " + problem)
              + ")");
    }

    DeliveryResult snapshot(String why) {
      DeliveryResult done = result.getNow(null);
      return done != null
          ? done
          : new DeliveryResult(
              shown, false, made.get(), status, "not known for " + shown + ": " + why, elapsed());
    }

    private void finish(boolean delivered, String message) {
      result.complete(new DeliveryResult(shown, delivered, made.get(), status, message, elapsed()));
    }

    private Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - start);
    }
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .map(String::trim)
        .filter(value -> value.matches("\\d{1,4}"))
        .map(value -> Duration.ofSeconds(Long.parseLong(value)))
        .orElse(Duration.ZERO);
  }

  private static String describe(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof CancellationException) {
      return "cancelled";
    }
    if (cause instanceof HttpConnectTimeoutException) {
      return "could not connect in time";
    }
    if (cause instanceof HttpTimeoutException) {
      return "no answer in time";
    }
    if (cause instanceof ConnectException) {
      return cause.getMessage() == null || cause.getMessage().isBlank()
          ? "connection refused"
          : cause.getMessage().toLowerCase(Locale.ROOT);
    }
    if (cause instanceof IOException && cause.getMessage() != null) {
      return cause.getMessage();
    }
    return cause.getClass().getSimpleName();
  }

  private static String excerpt(String answer) {
    if (answer == null) {
      return "";
    }
    String flat = answer.replaceAll("\\p{Cntrl}+", " ").strip();
    if (flat.isEmpty()) {
      return "";
    }
    if (flat.length() > MAX_SHOWN_ANSWER_CHARS) {
      flat = flat.substring(0, MAX_SHOWN_ANSWER_CHARS) + "…";
    }
    return ": " + flat;
  }

  private static String seconds(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0
        ? millis / 1000 + " s"
        : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
