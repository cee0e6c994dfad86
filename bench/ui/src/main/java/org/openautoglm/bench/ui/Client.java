package org.openautoglm.bench.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The dashboard's requests against one server, timed on the client (loopback). */
final class Client {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The files the page loads: index.html names the stylesheet and both scripts. */
  static final List<String> ASSETS =
      List.of("assets/app.css", "assets/echarts.min.js", "assets/app.js");

  /** One response: how long it took from sending to the last byte, and its body. */
  record Timed(String path, long nanos, int status, byte[] body) {}

  /** The first render: wall time in the browser's order, and every request in it. */
  record Render(long wallNanos, List<Timed> requests) {
    long serverNanos() {
      return requests.stream().mapToLong(Timed::nanos).sum();
    }

    long apiNanos() {
      return requests.stream()
          .filter(r -> r.path().startsWith("api/"))
          .mapToLong(Timed::nanos)
          .sum();
    }

    long bytes() {
      return requests.stream().mapToLong(r -> r.body().length).sum();
    }
  }

  private final HttpClient http;
  private final URI base;
  private long requests;
  private long errors;
  private String firstError;

  Client(URI base) {
    this.base = base;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  long requests() {
    return requests;
  }

  long errors() {
    return errors;
  }

  String firstError() {
    return firstError;
  }

  Timed get(String path) throws IOException, InterruptedException {
    HttpRequest request = request(path);
    long start = System.nanoTime();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return record(path, System.nanoTime() - start, response);
  }

  private CompletableFuture<Timed> getAsync(String path) {
    HttpRequest request = request(path);
    long start = System.nanoTime();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> record(path, System.nanoTime() - start, response));
  }

  /**
   * What the project page asks for when it is opened (app.js: route → refresh → loadSession, then
   * projectView.load): index.html; then its stylesheet and two deferred scripts, in parallel; then
   * {@code api/session}; then {@code api/project}; then the newest page of each environment's
   * history, in parallel. The first page of runs comes inside {@code api/project}.
   */
  Render firstRender() throws IOException, InterruptedException {
    List<Timed> all = new ArrayList<>();
    long start = System.nanoTime();
    all.add(get(""));
    all.addAll(parallel(ASSETS));
    all.add(get("api/session"));
    Timed project = get("api/project");
    all.add(project);
    List<String> histories = new ArrayList<>();
    if (project.status() == 200) {
      for (JsonNode environment : JSON.readTree(project.body()).path("environments")) {
        histories.add(
            "api/environments/" + environment.path("name").asText() + "/history?limit=20&offset=0");
      }
    }
    all.addAll(parallel(histories));
    return new Render(System.nanoTime() - start, all);
  }

  private List<Timed> parallel(List<String> paths) throws IOException, InterruptedException {
    List<CompletableFuture<Timed>> pending = paths.stream().map(this::getAsync).toList();
    List<Timed> done = new ArrayList<>();
    for (CompletableFuture<Timed> future : pending) {
      try {
        done.add(future.get());
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IOException(e.getCause());
      }
    }
    return done;
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(60))
        .header("Accept", path.startsWith("api/") ? "application/json" : "*/*")
        .GET()
        .build();
  }

  private synchronized Timed record(String path, long nanos, HttpResponse<byte[]> response) {
    requests++;
    if (response.statusCode() != 200) {
      errors++;
      if (firstError == null) {
        firstError =
            path
                + ": HTTP "
                + response.statusCode()
                + " "
                + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return new Timed(path, nanos, response.statusCode(), response.body());
  }

  static JsonNode json(Timed timed) throws IOException {
    return JSON.readTree(timed.body());
  }
}
