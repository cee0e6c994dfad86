package org.openautoglm.cli;

import java.io.PrintWriter;
import org.openautoglm.config.FileReport;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.ValidationReports;
import org.openautoglm.config.source.Diagnostic;

/**
 * Compiler-style lines, {@code file:line:column: message}, that editors and Jenkins' warnings
 * parsers link to the source; then one summary line. The lines are core's, so the plugin's build
 * logs read the same.
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
    return ValidationReports.line(file, error);
  }

  static String summary(ValidationReport report) {
    return ValidationReports.summary(report);
  }
}
