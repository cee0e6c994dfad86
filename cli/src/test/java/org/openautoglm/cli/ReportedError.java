package org.openautoglm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** One error of a {@code --format json} report, flattened with its file and environment. */
record ReportedError(
    String file, String env, String path, int line, int column, String message, String source) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every error in a JSON report, in report order. */
  static List<ReportedError> allIn(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<ReportedError> errors = new ArrayList<>();
    for (JsonNode file : root.get("files")) {
      for (JsonNode error : file.get("errors")) {
        errors.add(
            new ReportedError(
                file.get("file").asText(),
                file.get("env").isNull() ? null : file.get("env").asText(),
                error.get("path").asText(),
                error.get("line").asInt(),
                error.get("column").asInt(),
                error.get("message").asText(),
                error.get("source").isNull() ? null : error.get("source").asText()));
      }
    }
    return errors;
  }

  /** The place and origin of the error, without the message, for exact comparison. */
  Place place() {
    return new Place(file, env, path, line, column, source);
  }

  /** Where an error is reported and which values file it blames. */
  record Place(String file, String env, String path, int line, int column, String source) {}
}
