package org.openautoglm.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openautoglm.config.source.Diagnostic;

class ValidationReportsTest {
  private static final Diagnostic TOO_BIG =
      new Diagnostic(
          "configs/train.yaml", 12, 15, "/trainer/batch_size", "must be ≤ 4096", "--set x=1");

  @Test
  void shouldWriteCompilerStyleLinesWithEnvironmentAndSource() {
    FileReport file =
        new FileReport("configs/train.yaml", "production", false, List.of(TOO_BIG), "");
    assertThat(ValidationReports.line(file, TOO_BIG))
        .isEqualTo(
            "configs/train.yaml:12:15: [production] /trainer/batch_size: must be ≤ 4096"
                + " (value from --set x=1)");
  }

  @Test
  void shouldSummariseValidAndInvalidReports() {
    FileReport good = new FileReport("a.yaml", "dev", false, List.of(), "");
    FileReport bad = new FileReport("a.yaml", "prod", false, List.of(TOO_BIG), "");
    assertThat(ValidationReports.summary(new ValidationReport(List.of(good))))
        .isEqualTo("valid: 1 check, no errors");
    assertThat(ValidationReports.summary(new ValidationReport(List.of(good, bad))))
        .isEqualTo("invalid: 1 error in 1 of 2 checks");
  }

  @Test
  void shouldWriteJunitWithFailuresErrorsAndNoControlCharacters() {
    FileReport bad = new FileReport("a\u0001.yaml", "prod", false, List.of(TOO_BIG), "");
    FileReport unreadable =
        new FileReport(
            "b.yaml",
            null,
            true,
            List.of(new Diagnostic("b.yaml", 1, 1, null, "file not found", null)),
            null);
    String xml = ValidationReports.junit(new ValidationReport(List.of(bad, unreadable)));
    assertThat(xml)
        .contains("tests=\"2\" failures=\"1\" errors=\"1\"")
        .contains("classname=\"a\uFFFD.yaml\"")
        .contains("name=\"all environments\"")
        .contains("<error message=\"b.yaml:1:1: file not found\" type=\"unreadable\">")
        .doesNotContain("\u0001");
  }
}
