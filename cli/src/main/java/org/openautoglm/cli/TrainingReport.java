package org.openautoglm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.openautoglm.training.Metric;
import org.openautoglm.training.RankStatus;
import org.openautoglm.training.TrainingResult;

/** How {@code autoglm train} prints a result: a summary line, or the documented JSON object. */
final class TrainingReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TrainingReport() {}

  /**
   * {@code {"state", "ranks": [{"rank", "state", "exitCode", "reason"}], "metrics": {"name":
   * [[step, value], ...]}, "firstFailure": {"rank", "reason"} | null}}.
   */
  static String json(TrainingResult result) {
    ObjectNode root = JSON.createObjectNode();
    root.put("state", result.state().name());
    ArrayNode ranks = root.putArray("ranks");
    for (RankStatus rank : result.ranks()) {
      ObjectNode entry = ranks.addObject();
      entry.put("rank", rank.rank());
      entry.put("state", rank.state().name());
      if (rank.exitCode() == null) {
        entry.putNull("exitCode");
      } else {
        entry.put("exitCode", rank.exitCode());
      }
      entry.put("reason", rank.reason());
    }
    ObjectNode metrics = root.putObject("metrics");
    for (Map.Entry<String, List<Metric>> series : result.metrics().entrySet()) {
      ArrayNode points = metrics.putArray(series.getKey());
      for (Metric metric : series.getValue()) {
        points.addArray().add(metric.step()).add(metric.value());
      }
    }
    if (result.firstFailure() == null) {
      root.putNull("firstFailure");
    } else {
      ObjectNode failure = root.putObject("firstFailure");
      failure.put("rank", result.firstFailure().rank());
      failure.put("reason", result.firstFailure().reason());
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /** One line: the state, the first failure if any, and how each metric moved. */
  static String summary(TrainingResult result) {
    StringBuilder text = new StringBuilder(result.state().name());
    text.append(": ").append(result.ranks().size()).append(" ranks");
    if (result.attempts() > 1) {
      text.append(", ").append(result.attempts()).append(" attempts");
    }
    if (result.firstFailure() != null) {
      RankStatus failure = result.firstFailure();
      text.append("; ")
          .append(failure.rank() >= 0 ? "rank " + failure.rank() + " " : "")
          .append(failure.reason());
    }
    for (Map.Entry<String, List<Metric>> series : result.metrics().entrySet()) {
      List<Metric> points = series.getValue();
      if (points.isEmpty()) {
        continue;
      }
      Metric first = points.get(0);
      Metric last = points.get(points.size() - 1);
      text.append("; ").append(series.getKey()).append(' ');
      if (points.size() == 1) {
        text.append(format(last.value()));
      } else {
        text.append(format(first.value()))
            .append(" → ")
            .append(format(last.value()))
            .append(" (step ")
            .append(first.step())
            .append(" → ")
            .append(last.step())
            .append(')');
      }
    }
    return text.toString();
  }

  private static String format(double value) {
    return String.format(java.util.Locale.ROOT, "%.4g", value);
  }
}
