package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.CliRun.autoglm;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** {@code --env-values}: environment variables become values only when named. */
class EnvironmentVariableValuesTest {
  private static final Map<String, String> ENVIRONMENT =
      Map.of("TIMEOUT", "9000", "RETRIES", "3", "HOME", "/home/someone");

  @TempDir Path temp;

  private ExampleProject project;

  @BeforeEach
  void copyExamples() {
    project = ExampleProject.copyInto(temp);
  }

  @Test
  void shouldIgnoreEnvironmentVariablesThatAreNotNamed() {
    CliRun run = render();

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(timeout(run)).isEqualTo(5000);
  }

  @Test
  void shouldUseANamedEnvironmentVariableAsAValueOfItsType() {
    CliRun run = render("--env-values", "TIMEOUT");

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(timeout(run)).isInstanceOf(Integer.class).isEqualTo(9000);
  }

  @Test
  void shouldReadACommaSeparatedListOfNames() {
    CliRun run = render("--env-values", "RETRIES,TIMEOUT");

    assertThat(timeout(run)).isEqualTo(9000);
  }

  @Test
  void shouldRankNamedEnvironmentVariablesAboveSet() {
    CliRun run = render("--set", "TIMEOUT=7000", "--env-values", "TIMEOUT");

    assertThat(timeout(run)).isEqualTo(9000);
  }

  @Test
  void shouldFallBackToTheDefaultWhenANamedVariableIsNotSet() {
    CliRun run = render("--env-values", "NOT_SET_ANYWHERE");

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(timeout(run)).isEqualTo(5000);
  }

  @Test
  void shouldNameTheEnvironmentVariableBehindABadValue() {
    CliRun run =
        autoglm(
            Map.of("TIMEOUT", "10"),
            "validate",
            "--format",
            "json",
            "--env",
            "production",
            "--env-values",
            "TIMEOUT",
            "--project",
            project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    assertThat(ReportedError.allIn(run.out()))
        .extracting(ReportedError::place)
        .containsExactly(
            new ReportedError.Place(
                project.path("configs/train.yaml"),
                "production",
                "/resources/timeout",
                23,
                12,
                "environment variable TIMEOUT"));
  }

  private CliRun render(String... options) {
    String[] args = new String[options.length + 6];
    args[0] = "render";
    args[1] = "--project";
    args[2] = project.descriptor();
    args[3] = "--env";
    args[4] = "production";
    System.arraycopy(options, 0, args, 5, options.length);
    args[args.length - 1] = project.path("configs/train.yaml");
    return autoglm(ENVIRONMENT, args);
  }

  private static Object timeout(CliRun run) {
    Map<String, Object> config = new Yaml().load(run.out());
    assertThat(config).as(run.transcript()).containsKey("resources");
    return ((Map<?, ?>) config.get("resources")).get("timeout");
  }
}
