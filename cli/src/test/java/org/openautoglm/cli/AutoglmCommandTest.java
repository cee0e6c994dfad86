package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.CliRun.autoglm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a whole: help, version, usage errors. */
class AutoglmCommandTest {

  @ParameterizedTest(name = "autoglm {0} --help")
  @ValueSource(strings = {"validate", "render", "demo"})
  void shouldDocumentEachCommandAndItsExitCodes(String command) {
    CliRun run = autoglm(command, "--help");

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(run.out())
        .startsWith("Usage: autoglm " + command)
        .contains("Exit codes: 0 ", ", 1 ", ", 2 ");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void shouldDocumentTheCommandsAndTheExitCodes() {
    CliRun run = autoglm("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("validate", "render", "demo")
        .contains("Exit codes: 0 success, 1 invalid input", "2 usage error", "3 internal error");
  }

  @Test
  void shouldPrintUsageWithoutACommand() {
    CliRun run = autoglm();

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Usage: autoglm").contains("validate");
  }

  @Test
  void shouldShowHelpForACommandThroughTheHelpCommand() {
    CliRun run = autoglm("help", "render");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Usage: autoglm render");
  }

  @Test
  void shouldPrintItsVersion() {
    CliRun run = autoglm("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).matches("autoglm \\S.*\\R");
  }

  @Test
  void shouldPrintItsVersionFromACommandToo() {
    assertThat(autoglm("validate", "--version").out()).startsWith("autoglm ");
  }

  @Test
  void shouldRejectAnUnknownOptionAsAUsageError() {
    CliRun run = autoglm("validate", "--colour");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--colour'", "Usage: autoglm validate");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void shouldRejectAnUnknownFormatAsAUsageError() {
    CliRun run = autoglm("validate", "--format", "xml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--format", "xml", "text, json, junit");
  }

  @Test
  void shouldRejectAnUnknownCommandAsAUsageError() {
    CliRun run = autoglm("deploy");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unmatched argument", "'deploy'");
  }
}
