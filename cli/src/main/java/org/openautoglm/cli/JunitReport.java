package org.openautoglm.cli;

import java.io.PrintWriter;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.ValidationReports;

/**
 * JUnit XML as Jenkins' {@code junit} step reads it: one test case per file and environment, a
 * {@code failure} for invalid content and an {@code error} for a file that could not be read. The
 * XML is core's, so the plugin's {@code autoglmValidate} writes the same.
 */
final class JunitReport implements ReportFormat.Writer {
  @Override
  public void write(ValidationReport report, PrintWriter out) {
    out.print(ValidationReports.junit(report));
    out.flush();
  }
}
