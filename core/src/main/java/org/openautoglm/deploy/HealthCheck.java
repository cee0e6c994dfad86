package org.openautoglm.deploy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.SourcePosition;
import org.openautoglm.http.BoundedBody;

/**
 * Asks a deployed model server whether it is healthy: HTTP GET, a 2xx status and, when configured,
 * a body that contains a text or matches a regular expression; retried at an interval until it
 * passes, the attempts are used up, or the overall time is up.
 *
 * <p>Any host is allowed, loopback included: the URL is the operator's configuration. Redirects are
 * followed (at most {@value #MAX_REDIRECTS}) only to the same scheme. Only the first {@value
 * #MAX_BODY_BYTES} bytes of a body are read.
 *
 * <p>The {@code healthCheck} section of an environment in {@code autoglm.yaml} ({@link #read}):
 *
 * <pre>{@code
 * healthCheck:
 *   url: http://sentiment-api.serving:8080/healthz   # required, http or https
 *   bodyContains: '"status":"ok"'    # optional: the body must contain this text
 *   bodyMatches: '"ready":\s*true'   # optional: a regular expression the body must match (find)
 *   retries: 4                       # attempts after the first (default 4)
 *   interval: 2s                     # pause between attempts (default 2s)
 *   attemptTimeout: 5s               # limit of one request, connect included (default 5s)
 *   timeout: 60s                     # limit of the whole check (default 60s)
 * }</pre>
 *
 * Instances are immutable; {@link #check} may be called from several threads.
 */
public final class HealthCheck {
  public static final int DEFAULT_RETRIES = 4;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  static final int MAX_BODY_BYTES = 64 * 1024;
  static final int MAX_REDIRECTS = 5;
  private static final int MAX_SHOWN_BODY_CHARS = 120;
  private static final List<String> KEYS =
      List.of(
          "url", "bodyContains", "bodyMatches", "retries", "interval", "attemptTimeout", "timeout");

  private final URI url;
  private final String bodyContains;
  private final Pattern bodyMatches;
  private final int retries;
  private final Duration interval;
  private final Duration attemptTimeout;
  private final Duration timeout;

  private HealthCheck(
      URI url,
      String bodyContains,
      Pattern bodyMatches,
      int retries,
      Duration interval,
      Duration attemptTimeout,
      Duration timeout) {
    this.url = url;
    this.bodyContains = bodyContains;
    this.bodyMatches = bodyMatches;
    this.retries = retries;
    this.interval = interval;
    this.attemptTimeout = attemptTimeout;
    this.timeout = timeout;
  }

  /**
   * A check of a URL with the defaults: any body, 4 retries 2 s apart, 5 s per attempt, 60 s in
   * all.
   *
   * @throws IllegalArgumentException when the URL is not an absolute http or https URL with a host
   */
  public static HealthCheck of(URI url) {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "health check URL '" + url + "' must start with http:// or https://");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new IllegalArgumentException("health check URL '" + url + "' has no host");
    }
    return new HealthCheck(
        url,
        null,
        null,
        DEFAULT_RETRIES,
        DEFAULT_INTERVAL,
        DEFAULT_ATTEMPT_TIMEOUT,
        DEFAULT_TIMEOUT);
  }

  /** Like {@link #of(URI)}, for a URL as text. */
  public static HealthCheck of(String url) {
    try {
      return of(new URI(url));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "health check URL '" + url + "' is not a URL: " + e.getReason(), e);
    }
  }

  /** Requires the body to contain this text; {@code null} requires nothing. */
  public HealthCheck withBodyContains(String text) {
    return new HealthCheck(
        url,
        text == null || text.isEmpty() ? null : text,
        bodyMatches,
        retries,
        interval,
        attemptTimeout,
        timeout);
  }

  /**
   * Requires the body to match this regular expression somewhere; {@code null} requires nothing.
   *
   * @throws PatternSyntaxException when it is not a regular expression
   */
  public HealthCheck withBodyMatches(String regex) {
    return new HealthCheck(
        url,
        bodyContains,
        regex == null || regex.isEmpty() ? null : Pattern.compile(regex),
        retries,
        interval,
        attemptTimeout,
        timeout);
  }

  /** How often a failed attempt is repeated (0: one attempt only). */
  public HealthCheck withRetries(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("retries must be 0 or more");
    }
    return new HealthCheck(
        url, bodyContains, bodyMatches, count, interval, attemptTimeout, timeout);
  }

  public HealthCheck withInterval(Duration pause) {
    return new HealthCheck(
        url,
        bodyContains,
        bodyMatches,
        retries,
        requireNonNegative(pause, "interval"),
        attemptTimeout,
        timeout);
  }

  public HealthCheck withAttemptTimeout(Duration limit) {
    return new HealthCheck(
        url,
        bodyContains,
        bodyMatches,
        retries,
        interval,
        requirePositive(limit, "attemptTimeout"),
        timeout);
  }

  public HealthCheck withTimeout(Duration limit) {
    return new HealthCheck(
        url,
        bodyContains,
        bodyMatches,
        retries,
        interval,
        attemptTimeout,
        requirePositive(limit, "timeout"));
  }

  public URI url() {
    return url;
  }

  public int retries() {
    return retries;
  }

  public Duration interval() {
    return interval;
  }

  public Duration attemptTimeout() {
    return attemptTimeout;
  }

  public Duration timeout() {
    return timeout;
  }

  /** The required text, or {@code null}. */
  public String bodyContains() {
    return bodyContains;
  }

  /** The required regular expression, or {@code null}. */
  public String bodyMatches() {
    return bodyMatches == null ? null : bodyMatches.pattern();
  }

  /**
   * Reads a {@code healthCheck} section.
   *
   * @param section the section as parsed YAML; {@code null} means no health check
   * @param pointer the section's JSON pointer in the descriptor
   * @param positions the source position of a JSON pointer into the descriptor
   * @return the check, or {@code null} when there is no section
   * @throws ConfigException naming the offending key's position when the section is wrong
   */
  public static HealthCheck read(
      Map<String, ?> section, String pointer, Function<String, SourcePosition> positions) {
    if (section == null) {
      return null;
    }
    SectionReader reader = new SectionReader(section, pointer, positions);
    reader.allowOnly("a health check", KEYS);
    HealthCheck check;
    try {
      check = of(reader.requiredText("url", "a health check"));
    } catch (IllegalArgumentException e) {
      throw reader.error("url", e.getMessage());
    }
    try {
      check = check.withBodyMatches(reader.text("bodyMatches", null));
    } catch (PatternSyntaxException e) {
      throw reader.error(
          "bodyMatches",
          "'bodyMatches' is not a regular expression: "
              + e.getDescription()
              + " near index "
              + e.getIndex());
    }
    return check
        .withBodyContains(reader.text("bodyContains", null))
        .withRetries(reader.integer("retries", DEFAULT_RETRIES, 0, 100))
        .withInterval(reader.duration("interval", DEFAULT_INTERVAL))
        .withAttemptTimeout(reader.duration("attemptTimeout", DEFAULT_ATTEMPT_TIMEOUT))
        .withTimeout(reader.duration("timeout", DEFAULT_TIMEOUT));
  }

  /** Runs the check without reporting each attempt. */
  public HealthResult check() {
    return check(DeployListener.NONE);
  }

  /**
   * Runs the check: attempts until one passes, the retries are used up, or the overall timeout
   * would pass before the next attempt. Never throws for what the server does; an interrupted check
   * returns unhealthy with the interrupt flag set again.
   *
   * @param listener receives one line per failed attempt
   */
  public HealthResult check(DeployListener listener) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(attemptTimeout)
            .build();
    int attempts = 0;
    Attempt last = null;
    boolean outOfTime = false;
    while (true) {
      attempts++;
      last = attempt(client, deadline);
      if (last.healthy() || last.interrupted()) {
        break;
      }
      listener.log("health check attempt " + attempts + ": GET " + url + " " + last.detail());
      if (attempts > retries) {
        break;
      }
      long left = deadline - System.nanoTime();
      if (left <= interval.toNanos()) {
        outOfTime = true;
        break;
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        last = new Attempt(false, true, "was interrupted");
        break;
      }
    }
    Duration elapsed = Seconds.since(start);
    StringBuilder message = new StringBuilder("GET ").append(url);
    message.append(last.detail().startsWith("returned") ? " " : ": ").append(last.detail());
    message.append(" after ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
    message.append(" in ").append(Seconds.format(elapsed));
    if (outOfTime && !last.healthy()) {
      message.append(" (stopped at the ").append(Seconds.format(timeout)).append(" limit)");
    }
    return new HealthResult(last.healthy(), attempts, message.toString(), elapsed);
  }

  /** One request, following same-scheme redirects, within the attempt's and the check's limits. */
  private Attempt attempt(HttpClient client, long checkDeadline) {
    long deadline = Math.min(System.nanoTime() + attemptTimeout.toNanos(), checkDeadline);
    Duration limit = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    URI current = url;
    for (int redirects = 0; ; redirects++) {
      long left = Math.max(1_000_000, deadline - System.nanoTime());
      HttpRequest request =
          HttpRequest.newBuilder(current)
              .GET()
              .timeout(Duration.ofNanos(left))
              .header("User-Agent", "Open-AutoGLM health check")
              .build();
      CompletableFuture<HttpResponse<String>> exchange =
          client.sendAsync(request, info -> new BoundedBody(MAX_BODY_BYTES));
      HttpResponse<String> response;
      try {
        response = exchange.get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        exchange.cancel(true);
        return Attempt.failed("got no answer within " + Seconds.format(limit));
      } catch (InterruptedException e) {
        exchange.cancel(true);
        Thread.currentThread().interrupt();
        return new Attempt(false, true, "was interrupted");
      } catch (ExecutionException e) {
        return Attempt.failed(describe(e.getCause(), limit));
      }
      int status = response.statusCode();
      if (status >= 300 && status < 400 && status != 304) {
        String location = response.headers().firstValue("Location").orElse(null);
        if (location == null) {
          return Attempt.failed("returned " + status + " without a Location");
        }
        URI next;
        try {
          next = current.resolve(location.trim());
        } catch (IllegalArgumentException e) {
          return Attempt.failed(
              "returned " + status + " to an invalid Location '" + location + "'");
        }
        if (next.getScheme() == null || !next.getScheme().equalsIgnoreCase(current.getScheme())) {
          return Attempt.failed(
              "returned "
                  + status
                  + " to "
                  + next
                  + "; redirects to another scheme are not followed");
        }
        if (redirects >= MAX_REDIRECTS) {
          return Attempt.failed("redirected more than " + MAX_REDIRECTS + " times");
        }
        current = next;
        continue;
      }
      if (status < 200 || status >= 300) {
        return Attempt.failed("returned " + status);
      }
      String body = response.body();
      if (bodyContains != null && !body.contains(bodyContains)) {
        return Attempt.failed(
            "returned "
                + status
                + " but the body did not contain \""
                + bodyContains
                + "\""
                + shown(body));
      }
      if (bodyMatches != null && !bodyMatches.matcher(body).find()) {
        return Attempt.failed(
            "returned "
                + status
                + " but the body did not match /"
                + bodyMatches.pattern()
                + "/"
                + shown(body));
      }
      return new Attempt(true, false, "returned " + status);
    }
  }

  private static String describe(Throwable error, Duration limit) {
    if (error instanceof HttpConnectTimeoutException) {
      return "could not connect within " + Seconds.format(limit);
    }
    if (error instanceof HttpTimeoutException) {
      return "got no answer within " + Seconds.format(limit);
    }
    if (error instanceof ConnectException) {
      Throwable cause = error.getCause();
      if (cause instanceof UnresolvedAddressException) {
        return "host not found";
      }
      return error.getMessage() == null || error.getMessage().isBlank()
          ? "connection refused"
          : error.getMessage().toLowerCase(Locale.ROOT);
    }
    if (error instanceof IOException && error.getMessage() != null) {
      return "failed: " + error.getMessage();
    }
    return "failed: " + error.getClass().getSimpleName();
  }

  /** A short, single-line excerpt of a body for a message. */
  private static String shown(String body) {
    String flat = body.replaceAll("\\p{Cntrl}+", " ").strip();
    if (flat.isEmpty()) {
      return " (the body was empty)";
    }
    if (flat.length() > MAX_SHOWN_BODY_CHARS) {
      flat = flat.substring(0, MAX_SHOWN_BODY_CHARS) + "…";
    }
    return " (body: " + flat + ")";
  }

  private static Duration requirePositive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return value;
  }

  private static Duration requireNonNegative(Duration value, String name) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative");
    }
    return value;
  }

  @Override
  public String toString() {
    return "GET " + url;
  }

  private record Attempt(boolean healthy, boolean interrupted, String detail) {
    static Attempt failed(String detail) {
      return new Attempt(false, false, detail);
    }
  }
}
