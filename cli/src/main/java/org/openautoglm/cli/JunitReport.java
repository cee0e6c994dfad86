package org.openautoglm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.openautoglm.config.FileReport;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.source.Diagnostic;

/**
 * JUnit XML as Jenkins' {@code junit} step reads it: one test case per file and environment, a
 * {@code failure} for invalid content and an {@code error} for a file that could not be read.
 */
final class JunitReport implements ReportFormat.Writer {
  @Override
  public void write(ValidationReport report, PrintWriter out) {
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
          Diagnostic first = file.errors().get(0);
          xml.writeAttribute("message", xmlSafe(TextReport.line(file, first)));
          xml.writeAttribute("type", file.rejected() ? "unreadable" : "invalid");
          StringBuilder body = new StringBuilder();
          for (Diagnostic error : file.errors()) {
            body.append(TextReport.line(file, error)).append('\n');
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
    out.println(buffer);
    out.flush();
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
