package org.openautoglm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import org.openautoglm.config.FileReport;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.source.Diagnostic;

/**
 * Exactly one JSON object: {@code {"valid", "files": [{"file", "env", "valid", "errors": [{"path",
 * "line", "column", "message", "source"}]}]}} (documented in docs/validation.md).
 */
final class JsonReport implements ReportFormat.Writer {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void write(ValidationReport report, PrintWriter out) {
    ObjectNode root = tree(report);
    try {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
    out.flush();
  }

  /** The report as JSON: also the answer of the {@code ui} server's {@code POST /api/validate}. */
  static ObjectNode tree(ValidationReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("valid", report.valid());
    ArrayNode files = root.putArray("files");
    for (FileReport file : report.files()) {
      ObjectNode entry = files.addObject();
      entry.put("file", file.file());
      entry.put("env", file.environment());
      entry.put("valid", file.valid());
      ArrayNode errors = entry.putArray("errors");
      for (Diagnostic error : file.errors()) {
        ObjectNode item = errors.addObject();
        item.put("path", error.pointer() == null ? "" : error.pointer());
        item.put("line", error.line());
        item.put("column", error.column());
        item.put("message", error.message());
        item.put("source", error.source());
      }
    }
    return root;
  }
}
