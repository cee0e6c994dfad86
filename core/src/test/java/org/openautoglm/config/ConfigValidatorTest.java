package org.openautoglm.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.values.Values;
import org.openautoglm.config.values.ValuesFiles;

class ConfigValidatorTest {
  @TempDir Path directory;

  private Path write(String relative, String text) throws IOException {
    Path file = directory.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** A config in the temporary directory, named in messages as a user in it would name it. */
  private ConfigTarget target(String file, String schema) {
    return new ConfigTarget(
        directory.resolve(file), file, schema == null ? null : directory.resolve(schema), schema);
  }

  /** An environment whose values are the named files (lowest first), then {@code overrides}. */
  private EnvironmentValues environment(String name, Values overrides, String... files) {
    List<ValuesFiles.NamedPath> named =
        Arrays.stream(files).map(f -> new ValuesFiles.NamedPath(directory.resolve(f), f)).toList();
    return new EnvironmentValues(
        name, new ValuesFiles(LoadLimits.DEFAULT).loadAll(named).overlay(overrides));
  }

  private EnvironmentValues environment(String name, String... files) {
    return environment(name, Values.empty(), files);
  }

  private static ValidationReport validate(
      ConfigTarget target, List<String> mayDiffer, EnvironmentValues... environments) {
    return new ConfigValidator(LoadLimits.DEFAULT)
        .validate(List.of(target), List.of(environments), mayDiffer, true);
  }

  private static List<String> errors(ValidationReport report, String file, String environment) {
    return report.files().stream()
        .filter(f -> f.file().equals(file) && Objects.equals(f.environment(), environment))
        .flatMap(f -> f.errors().stream())
        .map(Diagnostic::toString)
        .toList();
  }

  private static final String TRAIN_TEMPLATE =
      String.join(
          "\n",
          "schema_version: 3",
          "trainer:",
          "  lr: {{ .trainer.lr }}",
          "  batch_size: {{ .trainer.batch_size }}",
          "  optimizer: {{ .trainer.optimizer | default \"adamw\" }}",
          "  epochs: {{ .epochs }}",
          "resources:",
          "  gpus: {{ .gpus | default 1 }}",
          "  typo_key: 1",
          "  limits: {cpu: {{ .cpu | default 2 }}, memroy: 4}",
          "");

  private static final String TRAIN_SCHEMA =
      String.join(
          "\n",
          "schema_version: {type: integer, enum: [3], required: true}",
          "trainer:",
          "  type: object",
          "  required: true",
          "  properties:",
          "    lr: {type: number, range: [0, 1], required: true}",
          "    batch_size: {type: integer, range: [1, 4096], required: true}",
          "    optimizer: {enum: [adamw, sgd]}",
          "    epochs: {type: integer, required: true}",
          "resources:",
          "  properties:",
          "    gpus: {type: integer, range: [0, 8]}",
          "    limits: {properties: {cpu: integer, memory: integer}}",
          "");

  private void trainProject() throws IOException {
    write("configs/train.yaml", TRAIN_TEMPLATE);
    write("schemas/train.schema.yaml", TRAIN_SCHEMA);
    write("values/common.yaml", "trainer:\n  lr: 5\n");
    write("values/production.yaml", "trainer:\n  batch_size: big\n");
  }

  @Test
  void shouldReportEveryErrorAtOnceAtItsPlaceInTheTemplate() throws IOException {
    trainProject();
    EnvironmentValues production =
        environment(
            "production",
            Values.fromAssignments(List.of("trainer.optimizer=adam")),
            "values/common.yaml",
            "values/production.yaml");

    ValidationReport report =
        validate(target("configs/train.yaml", "schemas/train.schema.yaml"), List.of(), production);

    assertThat(errors(report, "configs/train.yaml", "production"))
        .containsExactly(
            "configs/train.yaml:3:7: /trainer/lr: must be ≤ 1, found integer 5"
                + " (value from values/common.yaml:2:7)",
            "configs/train.yaml:4:15: /trainer/batch_size: expected integer, found string \"big\""
                + " (value from values/production.yaml:2:15)",
            "configs/train.yaml:5:14: /trainer/optimizer: must be one of [\"adamw\", \"sgd\"],"
                + " found string \"adam\" (value from --set trainer.optimizer=adam)",
            "configs/train.yaml:6:11: /trainer/epochs: no value for .epochs; set it in a values file or with --set"
                + " epochs=..., or add | default ...",
            "configs/train.yaml:9:3: /resources/typo_key: unknown key 'typo_key': the schema does"
                + " not allow it (a typo?)",
            "configs/train.yaml:10:41: /resources/limits/memroy: unknown key 'memroy': the schema"
                + " does not allow it (a typo?)");
    assertThat(report.exitCode()).isEqualTo(ValidationReport.INVALID);
    assertThat(report.errorCount()).isEqualTo(6);
    assertThat(report.files()).singleElement().satisfies(f -> assertThat(f.rejected()).isFalse());
  }

  @Test
  void shouldReportTheSameTemplateForEachEnvironment() throws IOException {
    trainProject();
    write("values/dev.yaml", "trainer:\n  lr: 0.1\n  batch_size: 8\n  optimizer: sgd\nepochs: 1\n");

    ValidationReport report =
        validate(
            target("configs/train.yaml", "schemas/train.schema.yaml"),
            List.of(),
            environment("dev", "values/common.yaml", "values/dev.yaml"),
            environment("production", "values/common.yaml", "values/production.yaml"));

    assertThat(report.files())
        .extracting(FileReport::environment)
        .containsExactly("dev", "production");
    // dev fixes everything its values supply; the template's own typos remain
    assertThat(errors(report, "configs/train.yaml", "dev"))
        .extracting(e -> e.substring(0, e.indexOf(": ")))
        .containsExactly("configs/train.yaml:9:3", "configs/train.yaml:10:41");
    // production has no --set this time: the optimizer's default is fine
    assertThat(errors(report, "configs/train.yaml", "production")).hasSize(5);
  }

  @Test
  void shouldKeepTheRenderedTextOfAnInvalidFile() throws IOException {
    trainProject();

    ValidationReport report =
        validate(
            target("configs/train.yaml", "schemas/train.schema.yaml"),
            List.of(),
            environment("production", "values/common.yaml", "values/production.yaml"));

    String rendered = report.files().get(0).rendered();
    assertThat(rendered).startsWith("schema_version: 3\ntrainer:\n  lr: 5\n  batch_size: big\n");
    assertThat(rendered).contains("  optimizer: adamw\n  epochs: null\n");
  }

  @Test
  void shouldCheckJsonTemplatesAtTheirPlaceInTheTemplate() throws IOException {
    write(
        "configs/serving.json",
        "{\n  \"model\": {{ .model | quote }},\n  \"replicas\": {{ .replicas }},\n"
            + "  \"endpoint\": \"{{ .endpoint }}\"\n}\n");
    write(
        "schemas/serving.schema.json",
        "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\","
            + " \"additionalProperties\": false, \"required\": [\"model\", \"replicas\"],"
            + " \"properties\": {\"model\": {\"type\": \"string\"},"
            + " \"replicas\": {\"type\": \"integer\", \"minimum\": 1},"
            + " \"endpoint\": {\"type\": \"string\", \"pattern\": \"^https?://\"}}}");
    write("values/common.yaml", "model: sentiment\n");
    write("values/dev.yaml", "replicas: 0\nendpoint: ftp://host\n");

    ValidationReport report =
        validate(
            target("configs/serving.json", "schemas/serving.schema.json"),
            List.of(),
            environment("dev", "values/common.yaml", "values/dev.yaml"));

    assertThat(errors(report, "configs/serving.json", "dev"))
        .containsExactly(
            "configs/serving.json:3:15: /replicas: must be ≥ 1, found integer 0"
                + " (value from values/dev.yaml:1:11)",
            "configs/serving.json:4:15: /endpoint: string \"ftp://host\" does not match the"
                + " pattern ^https?:// (value from values/dev.yaml:2:11)");
    assertThat(report.exitCode()).isEqualTo(ValidationReport.INVALID);
  }

  @Test
  void shouldPassValidConfigsWithExitCodeZero() throws IOException {
    write(
        "configs/serving.json",
        "{\"model\": {{ .model | quote }}, \"replicas\": {{ .r | default 1 }}}\n");
    write("values/common.yaml", "model: m\n");

    ValidationReport report =
        validate(
            target("configs/serving.json", null),
            List.of("/replicas"),
            environment("dev", "values/common.yaml"),
            environment("prod", "values/common.yaml"));

    assertThat(report.files()).extracting(FileReport::environment).containsExactly("dev", "prod");
    assertThat(report.valid()).isTrue();
    assertThat(report.errorCount()).isZero();
    assertThat(report.exitCode()).isEqualTo(ValidationReport.VALID);
    assertThat(report.files().get(0).rendered()).isEqualTo("{\"model\": \"m\", \"replicas\": 1}\n");
  }

  @Test
  void shouldRejectATemplateWithASyntaxErrorOnceForAllEnvironments() throws IOException {
    write("configs/a.yaml", "a: 1\nb: {{ .x | upper }}\n");
    write("values/common.yaml", "x: 1\n");

    ValidationReport report =
        validate(
            target("configs/a.yaml", null),
            List.of(),
            environment("dev", "values/common.yaml"),
            environment("prod", "values/common.yaml"));

    assertThat(report.files())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rejected()).isTrue();
              assertThat(f.environment()).isNull();
              assertThat(f.rendered()).isNull();
            });
    assertThat(errors(report, "configs/a.yaml", null))
        .containsExactly(
            "configs/a.yaml:2:12: unknown function 'upper'; available: default, required, quote,"
                + " toJson");
    assertThat(report.exitCode()).isEqualTo(ValidationReport.REJECTED);
  }

  @Test
  void shouldRejectARenderedFileThatDoesNotParseAndKeepTheOtherErrors() throws IOException {
    write("configs/a.yaml", "a: {{ .missing }}\nb: {{ .v }}\n");
    write("values/common.yaml", "v: \"key: value\"\n");

    ValidationReport report =
        validate(
            target("configs/a.yaml", null), List.of(), environment("dev", "values/common.yaml"));

    assertThat(report.files()).singleElement().satisfies(f -> assertThat(f.rejected()).isTrue());
    assertThat(errors(report, "configs/a.yaml", "dev"))
        .containsExactly(
            "configs/a.yaml:1:4: no value for .missing; set it in a values file or with --set"
                + " missing=..., or add | default ...",
            "configs/a.yaml:2:4: invalid YAML: mapping values are not allowed here"
                + " (value from values/common.yaml:1:4)");
    assertThat(report.exitCode()).isEqualTo(ValidationReport.REJECTED);
  }

  @Test
  void shouldRejectAnInvalidSchemaAndStillCheckOtherFiles() throws IOException {
    write("configs/a.yaml", "a: 1\n");
    write("configs/b.yaml", "b: {{ .nope }}\n");
    write("schemas/bad.yaml", "a: {type: integr}\n");
    write("values/common.yaml", "");

    ValidationReport report =
        new ConfigValidator(LoadLimits.DEFAULT)
            .validate(
                List.of(
                    target("configs/a.yaml", "schemas/bad.yaml"), target("configs/b.yaml", null)),
                List.of(environment("dev", "values/common.yaml")),
                List.of(),
                true);

    assertThat(errors(report, "configs/a.yaml", null))
        .containsExactly(
            "schemas/bad.yaml:1:5: invalid compact schema: unknown type 'integr'; use one of any,"
                + " array, boolean, integer, number, object, string");
    assertThat(errors(report, "configs/b.yaml", "dev")).hasSize(1);
    assertThat(report.exitCode()).isEqualTo(ValidationReport.REJECTED);
  }

  @Test
  void shouldRejectAMissingTemplate() {
    ValidationReport report =
        validate(
            target("configs/none.yaml", null),
            List.of(),
            new EnvironmentValues("dev", Values.empty()));

    assertThat(errors(report, "configs/none.yaml", null))
        .containsExactly("configs/none.yaml:1:1: file not found");
    assertThat(report.exitCode()).isEqualTo(ValidationReport.REJECTED);
  }

  @Test
  void shouldReportAValueThatDiffersOutsideTheAllowListOnceWithEveryEnvironmentsValue()
      throws IOException {
    write(
        "configs/a.yaml",
        "replicas: {{ .replicas }}\nimage: {{ .image }}\noptimizer:\n  lr: {{ .lr }}\n");
    write("values/common.yaml", "image: trainer:1\nlr: 0.1\n");
    write("values/dev.yaml", "replicas: 1\n");
    write("values/staging.yaml", "replicas: 2\n");
    write("values/production.yaml", "replicas: 6\nlr: 0.2\n");

    ValidationReport report =
        validate(
            target("configs/a.yaml", null),
            List.of("/replicas"),
            environment("dev", "values/common.yaml", "values/dev.yaml"),
            environment("staging", "values/common.yaml", "values/staging.yaml"),
            environment("production", "values/common.yaml", "values/production.yaml"));

    assertThat(errors(report, "configs/a.yaml", null))
        .containsExactly(
            "configs/a.yaml:4:3: /optimizer/lr: differs across environments (dev: 0.1, staging:"
                + " 0.1, production: 0.2); make it the same or list /optimizer/lr in"
                + " consistency.mayDiffer (value from dev from values/common.yaml:2:5; staging"
                + " from values/common.yaml:2:5; production from values/production.yaml:2:5)");
    assertThat(report.exitCode()).isEqualTo(ValidationReport.INVALID);
    // each environment on its own is valid; only the comparison fails
    assertThat(report.files())
        .filteredOn(f -> f.environment() != null)
        .hasSize(3)
        .allMatch(FileReport::valid);
  }

  @Test
  void shouldAllowDifferencesBelowAWildcardPointer() throws IOException {
    write("configs/a.yaml", "services: {{ .services | toJson }}\nlimits: {{ .limits | toJson }}\n");
    write(
        "values/dev.yaml",
        "services: {api: {replicas: 1, image: a}, ui: {replicas: 1, image: u}}\n"
            + "limits: {cpu: 1, memory: {max: 2}}\n");
    write(
        "values/prod.yaml",
        "services: {api: {replicas: 4, image: b}, ui: {replicas: 3, image: u}}\n"
            + "limits: {cpu: 8, gpu: 2}\n");

    ValidationReport report =
        validate(
            target("configs/a.yaml", null),
            List.of("/services/*/replicas", "/limits"),
            environment("dev", "values/dev.yaml"),
            environment("prod", "values/prod.yaml"));

    assertThat(errors(report, "configs/a.yaml", null))
        .singleElement()
        .asString()
        .startsWith(
            "configs/a.yaml:1:11: /services/api/image: differs across environments (dev: \"a\","
                + " prod: \"b\")");
  }

  @Test
  void shouldReportAKeyOnlySomeEnvironmentsHaveOnceAtItsTopMostKey() throws IOException {
    // the template language has no conditionals: environments differ in shape through values
    write("configs/a.yaml", "name: x\nfeatures: {{ .features | toJson }}\n");
    write("values/common.yaml", "features: {base: 1}\n");
    write("values/dev.yaml", "features: {debug: {level: 2, trace: true}}\n");

    ValidationReport report =
        validate(
            target("configs/a.yaml", null),
            List.of(),
            environment("dev", "values/common.yaml", "values/dev.yaml"),
            environment("staging", "values/common.yaml"),
            environment("prod", "values/common.yaml"));

    assertThat(errors(report, "configs/a.yaml", null))
        .containsExactly(
            "configs/a.yaml:2:11: /features/debug: present in dev but missing in staging, prod;"
                + " define it everywhere or list it in consistency.mayDiffer");
  }

  @Test
  void shouldReportAKeyMissingOnlyInTheFirstEnvironmentAtAnEnvironmentThatHasIt()
      throws IOException {
    write("configs/a.yaml", "limits:\n  cpu: 1\n  extra: {{ .extra | toJson }}\n");
    write("configs/b.yaml", "cpu: 1\n{{ .more }}\n");
    write("values/dev.yaml", "extra: {}\nmore: \"a: 1\"\n");
    write("values/prod.yaml", "extra: {gpu: 2}\nmore: \"b: 1\"\n");

    ValidationReport report =
        new ConfigValidator(LoadLimits.DEFAULT)
            .validate(
                List.of(target("configs/a.yaml", null), target("configs/b.yaml", null)),
                List.of(
                    environment("dev", "values/dev.yaml"), environment("prod", "values/prod.yaml")),
                List.of(),
                true);

    assertThat(errors(report, "configs/a.yaml", null))
        .containsExactly(
            "configs/a.yaml:3:10: /limits/extra/gpu: present in prod but missing in dev; define"
                + " it everywhere or list it in consistency.mayDiffer");
    // a key written by a value: reported at the action in prod's rendering
    assertThat(errors(report, "configs/b.yaml", null))
        .containsExactly(
            "configs/b.yaml:2:1: /a: present in dev but missing in prod; define it everywhere or"
                + " list it in consistency.mayDiffer",
            "configs/b.yaml:2:1: /b: present in prod but missing in dev; define it everywhere or"
                + " list it in consistency.mayDiffer");
  }

  @Test
  void shouldSkipTheComparisonWhenAnEnvironmentFails() throws IOException {
    write("configs/a.yaml", "lr: {{ .lr }}\nbatch: {{ .batch }}\n");
    write("values/dev.yaml", "lr: 0.1\nbatch: 4\n");
    write("values/prod.yaml", "lr: 0.2\n");

    ValidationReport report =
        validate(
            target("configs/a.yaml", null),
            List.of(),
            environment("dev", "values/dev.yaml"),
            environment("prod", "values/prod.yaml"));

    // lr differs, but with prod broken the comparison would only add noise
    assertThat(report.files()).extracting(FileReport::environment).containsExactly("dev", "prod");
    assertThat(errors(report, "configs/a.yaml", "prod"))
        .containsExactly(
            "configs/a.yaml:2:8: /batch: no value for .batch; set it in a values file or with --set"
                + " batch=..., or add | default ...");
  }

  @Test
  void shouldCompareOnlyWhenAsked() throws IOException {
    write("configs/a.yaml", "lr: {{ .lr | default 1 }}\n");
    write("values/dev.yaml", "lr: 2\n");
    List<EnvironmentValues> environments =
        List.of(
            environment("dev", "values/dev.yaml"), new EnvironmentValues("prod", Values.empty()));
    ConfigValidator validator = new ConfigValidator(LoadLimits.DEFAULT);

    ValidationReport unchecked =
        validator.validate(List.of(target("configs/a.yaml", null)), environments, List.of(), false);
    ValidationReport checked =
        validator.validate(List.of(target("configs/a.yaml", null)), environments, List.of(), true);

    assertThat(unchecked.valid()).isTrue();
    assertThat(checked.valid()).isFalse();
    assertThat(checked.files().get(2).errors().get(0).source())
        .isEqualTo("dev from values/dev.yaml:1:5; prod from default in template");
  }

  @Test
  void shouldRenderOneEnvironment() throws IOException {
    write("configs/a.yaml", "lr: {{ .lr }}\n");
    write("values/common.yaml", "lr: 1\n");
    write("values/dev.yaml", "lr: 2\n");

    FileReport report =
        new ConfigValidator(LoadLimits.DEFAULT)
            .render(
                target("configs/a.yaml", null),
                environment("dev", "values/common.yaml", "values/dev.yaml"));

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(report.environment()).isEqualTo("dev");
    softly.assertThat(report.valid()).isTrue();
    softly.assertThat(report.rendered()).isEqualTo("lr: 2\n");
    softly.assertAll();
  }

  @Test
  void shouldRenderAndReportARefusedTemplateForOneEnvironment() throws IOException {
    write("configs/a.yaml", "lr: {{ .lr }\n");

    FileReport report =
        new ConfigValidator(LoadLimits.DEFAULT)
            .render(target("configs/a.yaml", null), new EnvironmentValues("dev", Values.empty()));

    assertThat(report.rejected()).isTrue();
    assertThat(report.environment()).isEqualTo("dev");
    assertThat(report.errors())
        .extracting(Diagnostic::toString)
        .singleElement()
        .asString()
        .startsWith("configs/a.yaml:1:5: unclosed '{{'");
  }
}
