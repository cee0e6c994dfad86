package org.openautoglm.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON forms of a run: the stored record, the summary in run lists and the full view the run
 * page draws. Written out by hand, like the registry's, because the field names are the contract
 * between core, the dashboard, the REST API and Jenkins (docs/rest-api.md). Times are ISO-8601 in
 * UTC; absent values are {@code null}.
 */
public final class RunJson {
  /** Version of the stored record, so that a later release can read older ones. */
  static final int SCHEMA = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RunJson() {}

  /** The record as stored and as the run view's base. */
  public static ObjectNode record(RunRecord run) {
    ObjectNode node = summary(run, run.updatedAt());
    node.put("schema", SCHEMA);
    node.put("parent", run.parent());
    node.put("approval", run.approval());
    ArrayNode phases = node.putArray("phases");
    for (Phase phase : run.phases()) {
      ObjectNode p = phases.addObject();
      p.put("state", phase.state().json());
      p.put("start", time(phase.start()));
      p.put("end", time(phase.end()));
      p.put("actor", phase.actor());
      p.put("reason", phase.reason());
    }
    ArrayNode ranks = node.putArray("ranks");
    for (RunRank rank : run.ranks()) {
      ObjectNode r = ranks.addObject();
      r.put("rank", rank.rank());
      r.put("state", rank.state());
      r.put("exitCode", rank.exitCode());
      r.put("reason", rank.reason());
    }
    ObjectNode metrics = node.putObject("metrics");
    run.metrics()
        .forEach(
            (name, byRank) -> {
              ObjectNode metric = metrics.putObject(name);
              ObjectNode perRank = metric.putObject("ranks");
              byRank.forEach((rank, points) -> perRank.set(rank.toString(), points(points)));
            });
    return node;
  }

  /**
   * The run as the run page draws it: the record, each metric with a {@code merged} series (the
   * mean over ranks at each step), and the run's duration up to {@code now}.
   */
  public static ObjectNode view(RunRecord run, Instant now) {
    ObjectNode node = record(run);
    node.remove("schema");
    node.put("durationMs", run.duration(now).toMillis());
    ObjectNode metrics = (ObjectNode) node.get("metrics");
    run.metrics()
        .forEach(
            (name, byRank) ->
                ((ObjectNode) metrics.get(name)).set("merged", points(merged(byRank))));
    return node;
  }

  /** One line of a run list. */
  public static ObjectNode summary(RunRecord run, Instant now) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", run.id());
    node.put("project", run.project());
    node.put("kind", run.kind().json());
    node.put("title", run.title());
    node.put("state", run.state().json());
    node.put("actor", run.actor());
    node.put("environment", run.environment());
    node.put("version", run.version());
    node.put("message", run.message());
    node.put("createdAt", time(run.createdAt()));
    node.put("updatedAt", time(run.updatedAt()));
    node.put("durationMs", run.duration(now).toMillis());
    return node;
  }

  /** Reads a stored record. */
  public static RunRecord read(JsonNode node) {
    List<Phase> phases = new ArrayList<>();
    for (JsonNode p : node.path("phases")) {
      phases.add(
          new Phase(
              RunState.fromJson(p.path("state").asText()),
              instant(p.get("start")),
              instant(p.get("end")),
              text(p.get("actor")),
              text(p.get("reason"))));
    }
    List<RunRank> ranks = new ArrayList<>();
    for (JsonNode r : node.path("ranks")) {
      ranks.add(
          new RunRank(
              r.path("rank").asInt(),
              text(r.get("state")),
              r.hasNonNull("exitCode") ? r.get("exitCode").asInt() : null,
              text(r.get("reason"))));
    }
    Map<String, Map<Integer, List<MetricPoint>>> metrics = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> names = node.path("metrics").fields();
    while (names.hasNext()) {
      Map.Entry<String, JsonNode> metric = names.next();
      Map<Integer, List<MetricPoint>> byRank = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> rankFields = metric.getValue().path("ranks").fields();
      while (rankFields.hasNext()) {
        Map.Entry<String, JsonNode> rank = rankFields.next();
        List<MetricPoint> points = new ArrayList<>();
        for (JsonNode pair : rank.getValue()) {
          JsonNode value = pair.get(1);
          points.add(
              new MetricPoint(
                  pair.get(0).asLong(),
                  value == null || value.isNull() ? Double.NaN : value.asDouble()));
        }
        byRank.put(Integer.parseInt(rank.getKey()), points);
      }
      metrics.put(metric.getKey(), byRank);
    }
    return new RunRecord(
        node.path("id").asText(),
        text(node.get("project")),
        RunKind.fromJson(node.path("kind").asText()),
        text(node.get("title")),
        RunState.fromJson(node.path("state").asText()),
        text(node.get("actor")),
        text(node.get("environment")),
        node.hasNonNull("version") ? node.get("version").asInt() : null,
        text(node.get("parent")),
        text(node.get("approval")),
        text(node.get("message")),
        instant(node.get("createdAt")),
        instant(node.get("updatedAt")),
        phases,
        ranks,
        metrics);
  }

  /** The mean over ranks at each step, steps in order. */
  static List<MetricPoint> merged(Map<Integer, List<MetricPoint>> byRank) {
    Map<Long, double[]> sums = new TreeMap<>();
    byRank
        .values()
        .forEach(
            points ->
                points.forEach(
                    point -> {
                      double[] sum = sums.computeIfAbsent(point.step(), step -> new double[2]);
                      sum[0] += point.value();
                      sum[1]++;
                    }));
    List<MetricPoint> merged = new ArrayList<>(sums.size());
    sums.forEach((step, sum) -> merged.add(new MetricPoint(step, sum[0] / sum[1])));
    return merged;
  }

  private static ArrayNode points(List<MetricPoint> points) {
    ArrayNode array = MAPPER.createArrayNode();
    for (MetricPoint point : points) {
      ArrayNode pair = array.addArray();
      pair.add(point.step());
      if (Double.isFinite(point.value())) {
        pair.add(point.value());
      } else {
        // JSON has no NaN or infinity; a diverged loss shows as a gap.
        pair.addNull();
      }
    }
    return array;
  }

  static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static Instant instant(JsonNode node) {
    return node == null || node.isNull() ? null : Instant.parse(node.asText());
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
