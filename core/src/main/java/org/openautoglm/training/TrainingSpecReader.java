package org.openautoglm.training;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Durations;
import org.openautoglm.config.source.SourcePosition;

/**
 * Builds a {@link TrainingSpec} from the {@code training} section of {@code autoglm.yaml}.
 *
 * <p>The section's shape is checked by the descriptor's JSON Schema first; this adds the rules a
 * schema cannot say (a duration's units, variables the rank contract owns) and the defaults.
 */
public final class TrainingSpecReader {
  private static final List<String> CONTRACT =
      List.of(
          "MASTER_ADDR",
          "MASTER_PORT",
          "WORLD_SIZE",
          "RANK",
          "LOCAL_RANK",
          "LOCAL_WORLD_SIZE",
          "NODE_RANK",
          "NNODES");

  private final Function<String, SourcePosition> positions;

  /**
   * @param positions the source position of a JSON pointer into the descriptor
   */
  public TrainingSpecReader(Function<String, SourcePosition> positions) {
    this.positions = positions;
  }

  /**
   * Reads the section at {@code pointer}.
   *
   * @param defaultName the workload name when the section sets none (the project's name)
   */
  public TrainingSpec read(JsonNode section, String pointer, String defaultName) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> variable : section.path("env").properties()) {
      if (CONTRACT.contains(variable.getKey())) {
        throw error(
            pointer + "/env/" + variable.getKey(),
            variable.getKey()
                + " is set by the launcher for every rank (the rank contract); remove it from env");
      }
      env.put(variable.getKey(), variable.getValue().asText());
    }
    int procsPerNode = section.path("procsPerNode").asInt(1);
    List<TrainingSpec.Toleration> tolerations = new ArrayList<>();
    for (JsonNode toleration : section.path("tolerations")) {
      tolerations.add(
          new TrainingSpec.Toleration(
              text(toleration, "key"),
              toleration.path("operator").asText(toleration.has("value") ? "Equal" : "Exists"),
              text(toleration, "value"),
              text(toleration, "effect")));
    }
    List<TrainingSpec.VolumeMount> volumes = new ArrayList<>();
    for (JsonNode volume : section.path("volumes")) {
      volumes.add(
          new TrainingSpec.VolumeMount(
              volume.get("name").asText(),
              volume.get("claim").asText(),
              volume.get("mountPath").asText(),
              volume.path("readOnly").asBoolean(false)));
    }
    TrainingSpec.Queue queue = null;
    if (section.has("queue")) {
      JsonNode node = section.get("queue");
      queue =
          new TrainingSpec.Queue(
              TrainingSpec.Queue.Kind.valueOf(
                  node.path("kind").asText("kueue").toUpperCase(Locale.ROOT)),
              node.get("name").asText());
    }
    List<String> command = new ArrayList<>();
    section.path("command").forEach(argument -> command.add(argument.asText()));
    List<String> pullSecrets = new ArrayList<>();
    section.path("imagePullSecrets").forEach(secret -> pullSecrets.add(secret.asText()));
    Map<String, String> nodeSelector = new LinkedHashMap<>();
    section
        .path("nodeSelector")
        .properties()
        .forEach(entry -> nodeSelector.put(entry.getKey(), entry.getValue().asText()));
    return new TrainingSpec(
        section.path("name").asText(defaultName),
        text(section, "image"),
        command,
        text(section, "workingDir"),
        env,
        section.path("nodes").asInt(1),
        procsPerNode,
        section.path("gpusPerNode").asInt(procsPerNode),
        section.path("gpuResource").asText(TrainingSpec.DEFAULT_GPU_RESOURCE),
        text(section, "cpu"),
        text(section, "memory"),
        section.path("shmSize").asText(TrainingSpec.DEFAULT_SHM_SIZE),
        nodeSelector,
        tolerations,
        text(section, "serviceAccount"),
        pullSecrets,
        volumes,
        queue,
        section.has("timeout")
            ? duration(section.get("timeout"), pointer + "/timeout")
            : TrainingSpec.DEFAULT_TIMEOUT,
        section.path("maxRestarts").asInt(0),
        section.path("keepOnFailure").asBoolean(false),
        section.path("masterPort").asInt(TrainingSpec.DEFAULT_MASTER_PORT));
  }

  /** Reads {@code 90} (seconds), {@code "90s"}, {@code "45m"}, {@code "2h"} or {@code "1h30m"}. */
  public Duration duration(JsonNode node, String pointer) {
    Object value = node.isIntegralNumber() ? (Object) node.asLong() : node.asText();
    return Durations.parse(value)
        .orElseThrow(
            () ->
                error(
                    pointer,
                    "'" + node.asText() + "' is not a duration; write 90s, 45m, 2h or 1h30m"));
  }

  private static String text(JsonNode node, String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value.asText();
  }

  private ConfigException error(String pointer, String message) {
    return new ConfigException(positions.apply(pointer), message);
  }
}
