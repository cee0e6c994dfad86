package org.openautoglm.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * Reads metric lines: {@code AUTOGLM_METRIC {"name": "loss", "step": 10, "value": 0.42}}.
 *
 * <p>The marker starts the line; the rest is one JSON object with a string {@code name}, an integer
 * {@code step} ≥ 0 and a finite number {@code value}. Anything else is ordinary output, so a
 * malformed metric line never breaks a run.
 */
public final class MetricLine {
  public static final String MARKER = "AUTOGLM_METRIC ";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LINE = 4096;

  private MetricLine() {}

  public static Optional<Metric> parse(String line, int rank, long time) {
    if (!line.startsWith(MARKER) || line.length() > MAX_LINE) {
      return Optional.empty();
    }
    try {
      JsonNode json = JSON.readTree(line.substring(MARKER.length()));
      JsonNode name = json.get("name");
      JsonNode step = json.get("step");
      JsonNode value = json.get("value");
      if (name == null
          || !name.isTextual()
          || name.asText().isEmpty()
          || step == null
          || !step.canConvertToLong()
          || !step.isIntegralNumber()
          || step.asLong() < 0
          || value == null
          || !value.isNumber()
          || !Double.isFinite(value.asDouble())) {
        return Optional.empty();
      }
      return Optional.of(new Metric(name.asText(), step.asLong(), value.asDouble(), rank, time));
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }
}
