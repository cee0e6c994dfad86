package org.openautoglm.cli;

import java.io.PrintWriter;
import org.openautoglm.config.ValidationReport;

/** How {@code validate} prints its report. Lower-case names, as typed on the command line. */
enum ReportFormat {
  text(new TextReport()),
  json(new JsonReport()),
  junit(new JunitReport());

  private final Writer writer;

  ReportFormat(Writer writer) {
    this.writer = writer;
  }

  Writer writer() {
    return writer;
  }

  /** Writes a report to an output stream. */
  interface Writer {
    void write(ValidationReport report, PrintWriter out);
  }
}
