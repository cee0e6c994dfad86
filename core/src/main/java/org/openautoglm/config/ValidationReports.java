package org.openautoglm.config;

import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.openautoglm.config.source.Diagnostic;

/**
 * The forms a validation report is shown in outside a terminal: compiler-style lines that editors
 * and Jenkins' warnings parsers link to the source, a summary line, and JUnit XML as Jenkins'
 * {@code junit} step reads it. Adapters (the Jenkins steps) print these instead of formatting
 * reports themselves.
 */
public final class ValidationReports {
  private ValidationReports() {}

  /** {@code file:line:column: [env] /pointer: message (value from source)}. */
  public static String line(FileReport file, Diagnostic error) {
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

  /** {@code valid: 4 checks, no errors} or {@code invalid: 2 errors in 1 of 4 checks}. */
  public static String summary(ValidationReport report) {
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

  /**
   * JUnit XML: one test case per file and environment, a {@code failure} for invalid content and an
   * {@code error} for a file that could not be read.
   */
  public static String junit(ValidationReport report) {
    StringWriter buffer = new StringWriter();
    try {
      XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(buffer);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      long failures = report.files().stream().filter(f -> !f.valid() && !f.rejected()).count();
      long errors = report.files().stream().filter(FileReport::rejected).count();
      xml.writeStartElement("testsuite");
      xml.writeAttribute("name", "autoglm validate");
      xml.writeAttribute("tests", String.valueOf(report.files().size()));
      xml.writeAttribute("failures", String.valueOf(failures));
      xml.writeAttribute("errors", String.valueOf(errors));
      xml.writeCharacters("\n");
      for (FileReport file : report.files()) {
        xml.writeCharacters("  ");
        xml.writeStartElement("testcase");
        // file names are user text too: a control character in one must not break the XML
        xml.writeAttribute("classname", xmlSafe(file.file()));
        xml.writeAttribute(
            "name", xmlSafe(file.environment() == null ? "all environments" : file.environment()));
        if (!file.valid()) {
          xml.writeStartElement(file.rejected() ? "error" : "failure");
          xml.writeAttribute("message", xmlSafe(line(file, file.errors().get(0))));
          xml.writeAttribute("type", file.rejected() ? "unreadable" : "invalid");
          StringBuilder body = new StringBuilder();
          for (Diagnostic error : file.errors()) {
            body.append(line(file, error)).append('\n');
          }
          xml.writeCharacters(xmlSafe(body.toString()));
          xml.writeEndElement();
        }
        xml.writeEndElement();
        xml.writeCharacters("\n");
      }
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write JUnit XML", e);
    }
    return buffer + "\n";
  }

  /** Replaces characters XML 1.0 cannot carry at all (control characters from user values). */
  static String xmlSafe(String text) {
    StringBuilder safe = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              boolean allowed =
                  c == 0x9
                      || c == 0xA
                      || c == 0xD
                      || (c >= 0x20 && c <= 0xD7FF)
                      || (c >= 0xE000 && c <= 0xFFFD)
                      || c >= 0x10000;
              safe.appendCodePoint(allowed ? c : '\uFFFD');
            });
    return safe.toString();
  }
}
