package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.CliRun.autoglm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class RenderCommandTest {
  private static final String TRAIN = "configs/train.yaml";

  @TempDir Path temp;

  private ExampleProject project;

  @BeforeEach
  void copyExamples() {
    project = ExampleProject.copyInto(temp);
  }

  @Test
  void shouldRenderTheProductionValuesWithTheirTypes() {
    CliRun run = render("--env", "production");

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(run.err()).isEmpty();
    Map<String, Object> config = new Yaml().load(run.out());
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(at(config, "schema_version")).isEqualTo(3);
    softly.assertThat(at(config, "model", "name")).isEqualTo("sentiment-classifier");
    softly.assertThat(at(config, "model", "base")).isEqualTo("bert-base-uncased");
    softly.assertThat(at(config, "trainer", "lr")).isEqualTo(0.00003);
    softly.assertThat(at(config, "trainer", "batch_size")).isEqualTo(256);
    softly.assertThat(at(config, "trainer", "max_steps")).isEqualTo(20000);
    softly.assertThat(at(config, "trainer", "precision")).isEqualTo("bf16");
    softly.assertThat(at(config, "data", "train_uri")).isEqualTo("s3://ml-data/reviews/v7/train");
    softly.assertThat(at(config, "resources", "nodes")).isEqualTo(4);
    softly.assertThat(at(config, "resources", "gpus_per_node")).isEqualTo(8);
    softly
        .assertThat(at(config, "resources", "timeout"))
        .isInstanceOf(Integer.class)
        .isEqualTo(5000);
    softly.assertThat(at(config, "tracking", "experiment")).isEqualTo("sentiment-production");
    softly
        .assertThat(at(config, "tracking", "tags"))
        .isEqualTo(List.of("nlp", "sentiment", "bert"));
    softly.assertAll();
  }

  @Test
  void shouldKeepASetNumberAnInteger() {
    CliRun run = render("--env", "production", "--set", "TIMEOUT=9000");

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    Map<String, Object> config = new Yaml().load(run.out());
    assertThat(at(config, "resources", "timeout")).isInstanceOf(Integer.class).isEqualTo(9000);
  }

  @Test
  void shouldRenderEachEnvironmentWithItsOwnValues() {
    CliRun dev = render("--env", "dev");
    CliRun staging = render("--env", "staging");

    Map<String, Object> devConfig = new Yaml().load(dev.out());
    Map<String, Object> stagingConfig = new Yaml().load(staging.out());
    assertThat(at(devConfig, "trainer", "batch_size")).isEqualTo(16);
    assertThat(at(devConfig, "data", "eval_uri")).isEqualTo("file:///data/reviews/sample/eval");
    assertThat(at(stagingConfig, "trainer", "batch_size")).isEqualTo(64);
  }

  @Test
  void shouldLetAValuesFileAndSetOverrideTheEnvironment() {
    project.write("extra.yaml", "trainer:\n  batch_size: 32\n  max_steps: 7\n");

    CliRun run =
        render(
            "--env",
            "production",
            "--values",
            project.path("extra.yaml"),
            "--set",
            "trainer.max_steps=9");

    Map<String, Object> config = new Yaml().load(run.out());
    assertThat(at(config, "trainer", "batch_size")).isEqualTo(32);
    assertThat(at(config, "trainer", "max_steps")).isEqualTo(9);
  }

  @Test
  void shouldRenderAJsonConfigThatParsesAsJson() throws Exception {
    CliRun run =
        autoglm(
            "render",
            "--project",
            project.descriptor(),
            "--env",
            "production",
            project.path("configs/serving.json"));

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    JsonNode config = new ObjectMapper().readTree(run.out());
    assertThat(config.get("replicas").isInt()).isTrue();
    assertThat(config.get("replicas").intValue()).isEqualTo(6);
    assertThat(config.get("endpoint").asText()).isEqualTo("https://sentiment.example.com");
    assertThat(config.get("timeout_ms").intValue()).isEqualTo(2000);
  }

  @Test
  void shouldPrintNothingAndReportAMissingValueAtItsPlace() {
    project.replace("values/dev.yaml", "  eval_uri: file:///data/reviews/sample/eval\n", "");

    CliRun run = render("--env", "dev");

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith(project.path(TRAIN) + ":18:33: ")
        .contains("data.eval_uri names the evaluation shards", ".data.eval_uri is required");
  }

  @Test
  void shouldReportEveryMissingValueWithoutADefault() {
    project.replace("values/common.yaml", "  lr: 0.00003\n", "");
    project.replace("values/production.yaml", "  max_steps: 20000\n", "");

    CliRun run = render("--env", "production");

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .containsExactly(
            project.path(TRAIN)
                + ":9:7: /trainer/lr: no value for .trainer.lr; set it in a values file or with --set"
                + " trainer.lr=..., or add | default ...",
            project.path(TRAIN)
                + ":13:14: /trainer/max_steps: no value for .trainer.max_steps; set it in a values file or with"
                + " --set trainer.max_steps=..., or add | default ...");
    assertThat(project.textAt(TRAIN, 9, 7)).startsWith("{{ .trainer.lr }}");
    assertThat(project.textAt(TRAIN, 13, 14)).startsWith("{{ .trainer.max_steps }}");
  }

  @Test
  void shouldCheckTheRenderedConfigAgainstASchemaWhenAsked() {
    CliRun run =
        render(
            "--env",
            "production",
            "--set",
            "trainer.batch_size=99999",
            "--schema",
            project.path("schemas/train.schema.yaml"));

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith(project.path(TRAIN) + ":12:15: /trainer/batch_size: must be ≤ 4096")
        .contains("--set trainer.batch_size=99999");
  }

  @Test
  void shouldAskForAnEnvironmentWhenTheProjectHasSeveral() {
    CliRun run = render();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("choose the environment to render with --env");
  }

  @Test
  void shouldRefuseAnUnknownEnvironment() {
    CliRun run = render("--env", "qa");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("unknown environment 'qa'", "dev, staging, production");
  }

  @Test
  void shouldRefuseAHostileTemplateWithItsPosition() {
    project.replace(TRAIN, "  num_labels: 3\n", "  num_labels: {{ .x\n");

    CliRun run = render("--env", "dev");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith(project.path(TRAIN) + ":6:15: ").contains("unclosed '{{'");
  }

  @Test
  void shouldRenderWithoutAProjectFromSetValues() {
    CliRun run =
        autoglm(
            "render",
            "--set",
            "model.name=m",
            "--set",
            "serving.endpoint=https://x",
            "--set",
            "serving.replicas=3",
            project.path("configs/serving.json"));

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(run.out()).contains("\"replicas\": 3,", "\"model\": \"m\",");
  }

  private CliRun render(String... options) {
    String[] args = new String[options.length + 4];
    args[0] = "render";
    args[1] = "--project";
    args[2] = project.descriptor();
    System.arraycopy(options, 0, args, 3, options.length);
    args[args.length - 1] = project.path(TRAIN);
    return autoglm(args);
  }

  private static Object at(Map<String, Object> config, String... path) {
    Object node = config;
    for (String key : path) {
      assertThat(node).as("parent of %s", key).isInstanceOf(Map.class);
      node = ((Map<?, ?>) node).get(key);
    }
    return node;
  }
}
