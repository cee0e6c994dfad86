package org.openautoglm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.dashboard.DashboardAssets;
import org.openautoglm.policy.Actor;
import org.openautoglm.registry.RegistryException;
import org.openautoglm.status.RunSource;
import org.openautoglm.status.RunStoreException;

/**
 * The {@code ui} server: the dashboard app at {@code /} and the REST API at {@code /api/}, on the
 * JDK's HTTP server.
 *
 * <p>Security, as in Jenkins: every request that changes something is a POST with {@code
 * Authorization: Bearer <token>} and a JSON body, checked against the policy; a bearer token is
 * never sent by a browser on its own, so no other site can make a visitor's browser roll back.
 * Bodies are limited in size; the server binds to loopback unless told otherwise, and answers only
 * requests whose {@code Host} is this machine's loopback name or an allowed host, so a web page
 * cannot reach it through DNS rebinding. Cross-origin reads are refused unless an origin is
 * allowed. Errors are {@code {"error": "..."}} with 400, 401, 403, 404, 405, 409, 413 or 415.
 */
final class DashboardServer implements AutoCloseable {
  /** Largest request body accepted, by default. */
  static final int DEFAULT_MAX_BODY = 1 << 20;

  /** Longest time a client may take to send its request, headers and body. */
  static final long MAX_REQUEST_SECONDS = 30;

  /** How much more than the limit of a refused body is read and dropped, see swallow. */
  static final long SWALLOW = 4L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RUN = Pattern.compile("/api/runs/([^/]+)");
  private static final Pattern HISTORY = Pattern.compile("/api/environments/([^/]+)/history");
  private static final Pattern ROLLBACK = Pattern.compile("/api/environments/([^/]+)/rollback");
  private static final Pattern DECISION =
      Pattern.compile("/api/approvals/([^/]+)/(approve|reject)");
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

  /** One ETag per file of the app, computed once: hashing ECharts per request would cost more. */
  private static final Map<String, String> ETAGS = new ConcurrentHashMap<>();

  private final DashboardBackend backend;
  private final ApiTokens tokens;
  private final Options options;
  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * @param maxBody largest request body in bytes
   * @param allowedHosts host names (without port) accepted in {@code Host} besides loopback
   * @param corsOrigin an origin allowed to call the API from a browser, or {@code null}
   */
  record Options(
      InetAddress bind, int port, int maxBody, Set<String> allowedHosts, String corsOrigin) {
    static Options loopback(int port) {
      return new Options(InetAddress.getLoopbackAddress(), port, DEFAULT_MAX_BODY, Set.of(), null);
    }
  }

  private DashboardServer(
      DashboardBackend backend, ApiTokens tokens, Options options, HttpServer server) {
    this.backend = backend;
    this.tokens = tokens;
    this.options = options;
    this.server = server;
    // A few threads: a rollback waits for its health check, and the page keeps polling meanwhile.
    this.executor =
        Executors.newFixedThreadPool(
            8,
            runnable -> {
              Thread thread = new Thread(runnable, "autoglm-ui");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /** Starts serving. */
  static DashboardServer start(DashboardBackend backend, ApiTokens tokens, Options options)
      throws IOException {
    // The JDK server writes a response's headers and body as two packets; with Nagle's algorithm
    // the body then waits ~40 ms for the client's delayed ACK of the headers (JDK-6968351). The
    // property is read once, when the server class first starts: set it before.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    // A client that announces a body and never sends it would hold a worker thread for good;
    // the JDK server drops a request not read in full within this many seconds.
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(MAX_REQUEST_SECONDS));
    }
    HttpServer http = HttpServer.create(new InetSocketAddress(options.bind(), options.port()), 50);
    DashboardServer server = new DashboardServer(backend, tokens, options, http);
    http.start();
    return server;
  }

  /** Where the dashboard is, e.g. {@code http://127.0.0.1:8080/}. */
  URI uri() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + "/");
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Headers headers = exchange.getResponseHeaders();
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("Referrer-Policy", "no-referrer");
      headers.set("X-Frame-Options", "DENY");
      try {
        checkHost(exchange);
        String path = exchange.getRequestURI().getRawPath();
        if (path.startsWith("/api/")) {
          cors(exchange);
          if (exchange.getRequestMethod().equals("OPTIONS")) {
            exchange.sendResponseHeaders(204, -1);
            return;
          }
          headers.set("Cache-Control", "no-store");
          api(exchange, path);
        } else {
          asset(exchange, path);
        }
      } catch (ApiException e) {
        error(exchange, e.status(), e.getMessage());
      } catch (IllegalArgumentException | ConfigException e) {
        error(exchange, 400, e.getMessage());
      } catch (RegistryException | RunStoreException e) {
        error(exchange, 500, e.getMessage());
      } catch (RuntimeException e) {
        error(exchange, 500, "internal error: " + e);
      }
    }
  }

  private void api(HttpExchange exchange, String path) throws IOException {
    String method = exchange.getRequestMethod();
    Matcher m;
    if (path.equals("/api/health")) {
      allow(exchange, "GET");
      ObjectNode ok = JSON.createObjectNode().put("status", "ok");
      json(exchange, 200, ok);
    } else if (path.equals("/api/project")) {
      allow(exchange, "GET");
      json(exchange, 200, backend.status().project(backend.clock().instant()));
    } else if (path.equals("/api/session")) {
      allow(exchange, "GET");
      Actor actor = optionalActor(exchange).orElse(null);
      json(exchange, 200, backend.status().session(actor, backend.policy()));
    } else if (path.equals("/api/runs")) {
      allow(exchange, "GET");
      Map<String, String> query = query(exchange);
      json(
          exchange,
          200,
          backend
              .status()
              .runs(
                  number(query, "limit", 20, 1, RunSource.MAX_PAGE),
                  number(query, "offset", 0, 0, Integer.MAX_VALUE),
                  backend.clock().instant()));
    } else if ((m = RUN.matcher(path)).matches()) {
      allow(exchange, "GET");
      String id = decode(m.group(1));
      json(
          exchange,
          200,
          backend
              .status()
              .run(id, backend.clock().instant())
              .orElseThrow(() -> ApiException.notFound("no run " + id)));
    } else if ((m = HISTORY.matcher(path)).matches()) {
      allow(exchange, "GET");
      String environment = decode(m.group(1));
      Map<String, String> query = query(exchange);
      backend.requireEnvironment(environment);
      json(
          exchange,
          200,
          backend
              .status()
              .history(
                  environment,
                  number(query, "limit", 20, 1, RunSource.MAX_PAGE),
                  number(query, "offset", 0, 0, Integer.MAX_VALUE)));
    } else if ((m = ROLLBACK.matcher(path)).matches()) {
      allow(exchange, "POST");
      Actor actor = requiredActor(exchange);
      JsonNode body = body(exchange);
      String to = optionalText(body, "to");
      String reason = requiredText(body, "reason");
      json(exchange, 200, backend.rollback(actor, decode(m.group(1)), to, reason));
    } else if ((m = DECISION.matcher(path)).matches()) {
      allow(exchange, "POST");
      Actor actor = requiredActor(exchange);
      JsonNode body = body(exchange);
      String reason = optionalText(body, "reason");
      json(
          exchange,
          200,
          backend.decide(actor, decode(m.group(1)), m.group(2).equals("approve"), reason));
    } else if (path.equals("/api/validate")) {
      allow(exchange, "POST");
      requiredActor(exchange);
      JsonNode body = body(exchange);
      json(
          exchange,
          200,
          backend.validate(
              requiredText(body, "file"),
              requiredText(body, "content"),
              optionalText(body, "environment")));
    } else {
      throw ApiException.notFound("no API endpoint " + path + "; see docs/rest-api.md");
    }
  }

  private void asset(HttpExchange exchange, String path) throws IOException {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      throw new ApiException(
          405, method + " is not allowed here; the dashboard's files are read-only");
    }
    String relative = path.equals("/") ? DashboardAssets.INDEX : path.substring(1);
    DashboardAssets.Asset asset =
        DashboardAssets.find(relative)
            .orElseThrow(() -> ApiException.notFound("no such page: " + path));
    byte[] bytes =
        relative.equals(DashboardAssets.INDEX)
            ? DashboardAssets.indexHtml(Map.of("api", "api", "auth", "bearer"))
                .getBytes(StandardCharsets.UTF_8)
            : asset.bytes();
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", asset.contentType());
    headers.set(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'"
            + " data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors"
            + " 'none'; form-action 'none'");
    headers.set("Cache-Control", "no-cache");
    // The app's files change only with the jar: an ETag lets the browser keep ECharts' megabyte.
    String etag =
        ETAGS.computeIfAbsent(
            relative, key -> "\"" + Integer.toHexString(Arrays.hashCode(bytes)) + "\"");
    headers.set("ETag", etag);
    if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
      exchange.sendResponseHeaders(304, -1);
      return;
    }
    if (method.equals("HEAD")) {
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Refuses a {@code Host} that is not this server's: DNS rebinding would otherwise reach it. */
  private void checkHost(HttpExchange exchange) {
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host == null) {
      throw ApiException.badRequest("the request has no Host header");
    }
    String name = host.toLowerCase(Locale.ROOT);
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf(']')) {
      name = name.substring(0, colon);
    }
    String bound = options.bind().getHostAddress().toLowerCase(Locale.ROOT);
    if (LOOPBACK_NAMES.contains(name)
        || name.equals(bound)
        || name.equals("[" + bound + "]")
        || options.allowedHosts().contains(name)) {
      return;
    }
    throw new ApiException(
        403,
        "host '"
            + host
            + "' is not this server's; start autoglm ui with --allowed-host "
            + name
            + " to serve it");
  }

  private void cors(HttpExchange exchange) {
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin == null || options.corsOrigin() == null || !options.corsOrigin().equals(origin)) {
      return;
    }
    Headers headers = exchange.getResponseHeaders();
    headers.set("Access-Control-Allow-Origin", origin);
    headers.set("Vary", "Origin");
    headers.set("Access-Control-Allow-Methods", "GET, POST");
    headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
    headers.set("Access-Control-Max-Age", "600");
  }

  private static void allow(HttpExchange exchange, String allowed) {
    String method = exchange.getRequestMethod();
    if (!method.equals(allowed)) {
      exchange.getResponseHeaders().set("Allow", allowed);
      throw new ApiException(
          405,
          method
              + " is not allowed; this endpoint "
              + (allowed.equals("POST") ? "changes something and takes POST only" : "answers GET"));
    }
  }

  private Optional<Actor> optionalActor(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null) {
      return Optional.empty();
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      throw new ApiException(401, "use Authorization: Bearer <token>");
    }
    Optional<Actor> actor = tokens.actor(header.substring(7).trim());
    if (actor.isEmpty()) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      throw new ApiException(401, "the token is not valid; ask the operator for one");
    }
    return actor;
  }

  private Actor requiredActor(HttpExchange exchange) {
    Optional<Actor> actor = optionalActor(exchange);
    if (actor.isEmpty()) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      throw new ApiException(
          401, "this endpoint changes something: send Authorization: Bearer <token>");
    }
    return actor.get();
  }

  private JsonNode body(HttpExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, "send the body as Content-Type: application/json");
    }
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > options.maxBody()) {
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Content-Length is not a number");
      }
    }
    // Read one byte past the limit: a chunked body without Content-Length is cut off there.
    byte[] bytes = exchange.getRequestBody().readNBytes(options.maxBody() + 1);
    if (bytes.length > options.maxBody()) {
      throw tooLarge();
    }
    JsonNode body;
    try {
      body = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "the body is not valid JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + "): "
              + e.getOriginalMessage());
    }
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
    return body;
  }

  private ApiException tooLarge() {
    return new ApiException(
        413, "the body is larger than " + options.maxBody() + " bytes (--max-body)");
  }

  private static String requiredText(JsonNode body, String field) {
    String text = optionalText(body, field);
    if (text == null || text.isBlank()) {
      throw ApiException.badRequest("/" + field + " is required (a non-empty string)");
    }
    return text;
  }

  private static String optionalText(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw ApiException.badRequest("/" + field + " must be a string or null");
    }
    return node.asText();
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> query = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String key = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      query.put(key, value);
    }
    return query;
  }

  private static int number(
      Map<String, String> query, String name, int fallback, int min, int max) {
    String text = query.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw ApiException.badRequest(
            name + " must be between " + min + " and " + max + "; got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a whole number; got '" + text + "'");
    }
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("malformed percent-encoding in '" + text + "'");
    }
  }

  private static void json(HttpExchange exchange, int status, JsonNode node) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(node);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void error(HttpExchange exchange, int status, String message) throws IOException {
    swallow(exchange);
    json(
        exchange,
        status,
        JSON.createObjectNode().put("error", message == null ? "error" : message));
  }

  /**
   * Reads and drops what is left of a refused request's body, up to the limit plus {@link
   * #SWALLOW}. The JDK server closes a connection whose body it has not read, and a client that is
   * still sending then gets a reset connection instead of the 401 or 413. A body declared larger
   * than that is not read: the client may see the reset.
   */
  private void swallow(HttpExchange exchange) {
    long most = options.maxBody() + SWALLOW;
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    try {
      if (length != null && Long.parseLong(length.trim()) > most) {
        return;
      }
    } catch (NumberFormatException e) {
      return;
    }
    try {
      InputStream in = exchange.getRequestBody();
      byte[] buffer = new byte[8192];
      long left = most;
      while (left > 0) {
        int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (read < 0) {
          return;
        }
        left -= read;
      }
    } catch (IOException e) {
      // the client went away: the answer will not reach it either
    }
  }
}
