package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.CliRun.autoglm;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  private static final String TRAIN = "configs/train.yaml";
  private static final String SERVING = "configs/serving.json";

  @TempDir Path temp;

  private ExampleProject project;

  @BeforeEach
  void copyExamples() {
    project = ExampleProject.copyInto(temp);
  }

  @Test
  void shouldAcceptTheExampleProjectInEveryEnvironment() {
    CliRun run = autoglm("validate", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(run.outLines()).containsExactly("valid: 6 checks, no errors");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void shouldCheckEveryConfigInEveryEnvironmentOfTheShippedExamples() {
    CliRun run =
        autoglm(
            "validate",
            "--format",
            "json",
            "--all-envs",
            "--project",
            ExampleProject.EXAMPLES.resolve("autoglm.yaml").toString());

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(run.out())
        .contains("\"valid\" : true")
        .doesNotContain("\"valid\" : false")
        .contains("\"env\" : \"dev\"", "\"env\" : \"staging\"", "\"env\" : \"production\"");
    assertThat(run.out().split("\"file\" : ", -1)).hasSize(7);
  }

  @Test
  void shouldReportEveryErrorOfABrokenProjectAtItsPlaceInTheTemplate() {
    project
        .replace(TRAIN, "  weight_decay: 0.01", "  weight_decy: 0.01")
        .replace("values/production.yaml", "batch_size: 256", "batch_size: 99999")
        .replace(
            "values/staging.yaml", "  max_steps: 5000\n", "  max_steps: 5000\n  precision: fp64\n")
        .replace("values/staging.yaml", "nodes: 2", "nodes: two")
        .replace("values/dev.yaml", "  eval_uri: file:///data/reviews/sample/eval\n", "");

    CliRun run = autoglm("validate", "--format", "json", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    String train = project.path(TRAIN);
    List<ReportedError> errors = ReportedError.allIn(run.out());
    assertThat(errors)
        .extracting(ReportedError::place)
        .containsExactlyInAnyOrder(
            new ReportedError.Place(train, "dev", "/trainer/weight_decy", 10, 3, null),
            new ReportedError.Place(train, "staging", "/trainer/weight_decy", 10, 3, null),
            new ReportedError.Place(train, "production", "/trainer/weight_decy", 10, 3, null),
            new ReportedError.Place(
                train,
                "production",
                "/trainer/batch_size",
                12,
                15,
                project.path("values/production.yaml") + ":2:15"),
            new ReportedError.Place(
                train,
                "staging",
                "/trainer/precision",
                14,
                14,
                project.path("values/staging.yaml") + ":4:14"),
            new ReportedError.Place(
                train,
                "staging",
                "/resources/nodes",
                21,
                10,
                project.path("values/staging.yaml") + ":9:10"),
            // a missing value is reported at the 'required' call, which carries the user's reason,
            // with the pointer of the value it was to fill
            new ReportedError.Place(train, "dev", "/data/eval_uri", 18, 33, null));

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(project.textAt(TRAIN, 10, 3)).startsWith("weight_decy:");
    softly.assertThat(project.textAt(TRAIN, 12, 15)).startsWith("{{ .trainer.batch_size }}");
    softly.assertThat(project.textAt(TRAIN, 14, 14)).startsWith("{{ .trainer.precision");
    softly.assertThat(project.textAt(TRAIN, 21, 10)).startsWith("{{ .resources.nodes");
    softly.assertThat(project.textAt(TRAIN, 18, 33)).startsWith("required \"data.eval_uri");
    softly.assertThat(project.textAt("values/production.yaml", 2, 15)).isEqualTo("99999");
    softly.assertThat(project.textAt("values/staging.yaml", 4, 14)).isEqualTo("fp64");
    softly.assertThat(project.textAt("values/staging.yaml", 9, 10)).isEqualTo("two");
    softly
        .assertThat(messageAt(errors, "production", "/trainer/batch_size"))
        .isEqualTo("must be ≤ 4096, found integer 99999");
    softly
        .assertThat(messageAt(errors, "staging", "/trainer/precision"))
        .isEqualTo("must be one of [\"fp32\", \"fp16\", \"bf16\"], found string \"fp64\"");
    softly
        .assertThat(messageAt(errors, "staging", "/resources/nodes"))
        .isEqualTo("expected integer, found string \"two\"");
    softly
        .assertThat(messageAt(errors, "dev", "/trainer/weight_decy"))
        .contains("unknown key 'weight_decy'");
    softly
        .assertThat(messageAt(errors, "dev", "/data/eval_uri"))
        .contains("data.eval_uri names the evaluation shards", ".data.eval_uri is required");
    softly.assertAll();
  }

  @Test
  void shouldPrintEveryErrorAsACompilerStyleLineAndASummary() {
    project
        .replace("values/production.yaml", "batch_size: 256", "batch_size: 99999")
        .replace(TRAIN, "  weight_decay: 0.01", "  weight_decy: 0.01");

    CliRun run = autoglm("validate", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    String train = project.path(TRAIN);
    assertThat(run.outLines())
        .containsExactly(
            train
                + ":10:3: [dev] /trainer/weight_decy: unknown key 'weight_decy': the schema does"
                + " not allow it (a typo?)",
            train
                + ":10:3: [staging] /trainer/weight_decy: unknown key 'weight_decy': the schema"
                + " does not allow it (a typo?)",
            train
                + ":10:3: [production] /trainer/weight_decy: unknown key 'weight_decy': the"
                + " schema does not allow it (a typo?)",
            train
                + ":12:15: [production] /trainer/batch_size: must be ≤ 4096, found integer 99999"
                + " (value from "
                + project.path("values/production.yaml")
                + ":2:15)",
            "invalid: 4 errors in 3 of 6 checks");
  }

  @Test
  void shouldReportAValueThatDriftsAcrossEnvironmentsOutsideMayDiffer() {
    project.append("values/production.yaml", "model:\n  base: roberta-base\n");

    CliRun run = autoglm("validate", "--format", "json", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    List<ReportedError> errors = ReportedError.allIn(run.out());
    assertThat(errors).hasSize(1);
    ReportedError drift = errors.get(0);
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(drift.file()).isEqualTo(project.path(TRAIN));
    softly.assertThat(drift.env()).as("a comparison belongs to no one environment").isNull();
    softly.assertThat(drift.path()).isEqualTo("/model/base");
    softly.assertThat(drift.line()).isEqualTo(5);
    softly.assertThat(drift.column()).isEqualTo(3);
    softly.assertThat(project.textAt(TRAIN, 5, 3)).startsWith("base: {{ .model.base");
    softly
        .assertThat(drift.message())
        .contains(
            "differs across environments",
            "dev: \"bert-base-uncased\"",
            "production: \"roberta-base\"",
            "consistency.mayDiffer");
    softly
        .assertThat(drift.source())
        .contains("production from " + project.path("values/production.yaml") + ":17:9");
    softly.assertAll();
  }

  @Test
  void shouldAcceptADriftListedInMayDiffer() {
    project
        .append("values/production.yaml", "model:\n  base: roberta-base\n")
        .replace("autoglm.yaml", "    - /resources\n", "    - /resources\n    - /model/base\n");

    CliRun run = autoglm("validate", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isZero();
  }

  @Test
  void shouldCheckOnlyTheChosenEnvironmentWithoutComparingEnvironments() {
    project
        .replace("values/production.yaml", "batch_size: 256", "batch_size: 99999")
        .append("values/dev.yaml", "model:\n  base: roberta-base\n");

    CliRun dev = autoglm("validate", "--env", "dev", "--project", project.descriptor());
    CliRun production =
        autoglm("validate", "--env", "production", "--project", project.descriptor());

    assertThat(dev.exitCode()).as(dev.transcript()).isZero();
    assertThat(dev.outLines()).containsExactly("valid: 2 checks, no errors");
    assertThat(production.exitCode()).as(production.transcript()).isEqualTo(1);
    assertThat(production.outLines())
        .hasSize(2)
        .first()
        .asString()
        .startsWith(project.path(TRAIN) + ":12:15: [production] /trainer/batch_size:");
    assertThat(production.outLines()).last().isEqualTo("invalid: 1 error in 1 of 2 checks");
  }

  @Test
  void shouldRefuseAnUnknownEnvironmentAndListTheProjectsEnvironments() {
    CliRun run = autoglm("validate", "--env", "prod", "--project", project.descriptor());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("unknown environment 'prod'", "dev, staging, production");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void shouldRefuseEnvTogetherWithAllEnvs() {
    CliRun run =
        autoglm("validate", "--env", "dev", "--all-envs", "--project", project.descriptor());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--env", "--all-envs", "mutually exclusive");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void shouldLetSetOverrideTheValuesFilesOfEveryEnvironment() {
    project.replace("values/production.yaml", "batch_size: 256", "batch_size: 99999");

    CliRun fixed =
        autoglm("validate", "--set", "trainer.batch_size=128", "--project", project.descriptor());
    CliRun broken =
        autoglm(
            "validate",
            "--format",
            "json",
            "--set",
            "trainer.batch_size=5000",
            "--project",
            project.descriptor());

    assertThat(fixed.exitCode()).as(fixed.transcript()).isZero();
    assertThat(broken.exitCode()).as(broken.transcript()).isEqualTo(1);
    assertThat(ReportedError.allIn(broken.out()))
        .extracting(ReportedError::place)
        .containsExactlyInAnyOrder(
            ExampleProject.ENVIRONMENTS.stream()
                .map(
                    env ->
                        new ReportedError.Place(
                            project.path(TRAIN),
                            env,
                            "/trainer/batch_size",
                            12,
                            15,
                            "--set trainer.batch_size=5000"))
                .toArray(ReportedError.Place[]::new));
  }

  @Test
  void shouldLayAnExtraValuesFileOverTheEnvironmentsButUnderSet() {
    project.write("extra.yaml", "trainer:\n  precision: fp64\n");
    String extra = project.path("extra.yaml");

    CliRun layered =
        autoglm(
            "validate", "--format", "json", "--values", extra, "--project", project.descriptor());
    CliRun overridden =
        autoglm(
            "validate",
            "--values",
            extra,
            "--set",
            "trainer.precision=fp16",
            "--project",
            project.descriptor());

    assertThat(layered.exitCode()).as(layered.transcript()).isEqualTo(1);
    assertThat(ReportedError.allIn(layered.out()))
        .extracting(ReportedError::place)
        .containsExactlyInAnyOrder(
            ExampleProject.ENVIRONMENTS.stream()
                .map(
                    env ->
                        new ReportedError.Place(
                            project.path(TRAIN),
                            env,
                            "/trainer/precision",
                            14,
                            14,
                            extra + ":2:14"))
                .toArray(ReportedError.Place[]::new));
    assertThat(overridden.exitCode()).as(overridden.transcript()).isZero();
  }

  @Test
  void shouldCheckNamedFilesAgainstASchemaWithoutAProject() {
    List<String> common =
        List.of(
            "validate",
            "--schema",
            project.path("schemas/serving.schema.json"),
            "--values",
            project.path("values/common.yaml"),
            "--values",
            project.path("values/production.yaml"));

    CliRun valid = autoglm(with(common, "--format", "json", project.path(SERVING)));
    CliRun invalid =
        autoglm(
            with(common, "--set", "serving.replicas=0", "--format", "json", project.path(SERVING)));

    assertThat(valid.exitCode()).as(valid.transcript()).isZero();
    assertThat(valid.out()).contains("\"env\" : null");
    assertThat(invalid.exitCode()).as(invalid.transcript()).isEqualTo(1);
    assertThat(ReportedError.allIn(invalid.out()))
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.place())
                  .isEqualTo(
                      new ReportedError.Place(
                          project.path(SERVING),
                          null,
                          "/replicas",
                          4,
                          15,
                          "--set serving.replicas=0"));
              assertThat(error.message()).isEqualTo("must be ≥ 1, found integer 0");
              assertThat(project.textAt(SERVING, 4, 15)).startsWith("{{ .serving.replicas");
            });
  }

  @Test
  void shouldCheckOnlyThatNamedFilesRenderAndParseWithoutASchema() {
    CliRun run =
        autoglm(
            "validate",
            "--set",
            "model.name=m",
            "--set",
            "serving.endpoint=https://x",
            project.path(SERVING));

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(run.outLines()).containsExactly("valid: 1 check, no errors");
  }

  @Test
  void shouldRefuseToRunWithoutAProjectOrFiles() {
    assertThat(Path.of("autoglm.yaml"))
        .as("precondition: the tests' working directory has no project")
        .doesNotExist();

    CliRun run = autoglm("validate");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no autoglm.yaml", "--project");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void shouldRefuseAMissingProjectDescriptorWithItsName() {
    String missing = temp.resolve("nowhere/autoglm.yaml").toString();

    CliRun run = autoglm("validate", "--project", missing);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.outLines())
        .containsExactly(missing + ":1:1: file not found", "rejected: 1 error in 1 of 1 checks");
  }

  @Test
  void shouldReportAMistakeInTheProjectDescriptorAtItsLine() {
    project.replace("autoglm.yaml", "  - name: staging", "  - nme: staging");

    CliRun run = autoglm("validate", "--project", project.descriptor());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).startsWith(project.descriptor() + ":26:5: ");
    assertThat(project.textAt("autoglm.yaml", 26, 5)).startsWith("nme: staging");
  }

  @Test
  void shouldRefuseAMalformedSet() {
    CliRun run = autoglm("validate", "--set", "trainer.lr", "--project", project.descriptor());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--set expects key=value", "'trainer.lr'");
  }

  private static String[] with(List<String> first, String... rest) {
    return Stream.concat(first.stream(), Arrays.stream(rest)).toArray(String[]::new);
  }

  private static String messageAt(List<ReportedError> errors, String env, String path) {
    return errors.stream()
        .filter(e -> env.equals(e.env()) && path.equals(e.path()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no error at [" + env + "] " + path))
        .message();
  }
}
