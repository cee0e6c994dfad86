package io.jenkins.plugins.autoglm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * How every AutoGLM endpoint answers: JSON in UTF-8, never cached (it is live state), with an HTTP
 * status that matches the outcome.
 */
final class JsonResponses {
  static final ObjectMapper JSON = new ObjectMapper();

  private JsonResponses() {}

  static void send(StaplerResponse2 response, int status, JsonNode body) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json;charset=UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.getWriter().write(JSON.writeValueAsString(body));
  }

  static ObjectNode message(String outcome, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("outcome", outcome);
    body.put("message", message);
    return body;
  }

  /** The dashboard API's error body, as the CLI server sends it: {@code {"error": "..."}}. */
  static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message == null ? "error" : message);
  }

  static int bounded(int value, int fallback, int max) {
    return value <= 0 ? fallback : Math.min(value, max);
  }
}
