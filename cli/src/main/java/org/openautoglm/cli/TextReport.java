package org.openautoglm.cli;

import java.io.PrintWriter;
import org.openautoglm.config.FileReport;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.source.Diagnostic;

/**
 * Compiler-style lines, {@code file:line:column: message}, that editors and Jenkins' warnings
 * parsers link to the source; then one summary line.
 */
final class TextReport implements ReportFormat.Writer {
  @Override
  public void write(ValidationReport report, PrintWriter out) {
    for (FileReport file : report.files()) {
      for (Diagnostic error : file.errors()) {
        out.println(line(file, error));
      }
    }
    out.println(summary(report));
    out.flush();
  }

  static String line(FileReport file, Diagnostic error) {
    StringBuilder text = new StringBuilder();
    text.append(error.file())
        .append(':')
        .append(error.line())
        .append(':')
        .append(error.column())
        .append(": ");
    if (file.environment() != null) {
      text.append('[').append(file.environment()).append("] ");
    }
    if (error.pointer() != null && !error.pointer().isEmpty()) {
      text.append(error.pointer()).append(": ");
    }
    text.append(error.message());
    if (error.source() != null) {
      text.append(" (value from ").append(error.source()).append(')');
    }
    return text.toString();
  }

  static String summary(ValidationReport report) {
    long checks = report.files().size();
    if (report.valid()) {
      return "valid: " + checks + " check" + (checks == 1 ? "" : "s") + ", no errors";
    }
    long failing = report.files().stream().filter(f -> !f.valid()).count();
    return (report.rejected() ? "rejected: " : "invalid: ")
        + report.errorCount()
        + " error"
        + (report.errorCount() == 1 ? "" : "s")
        + " in "
        + failing
        + " of "
        + checks
        + " checks";
  }
}
