package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.CliRun.autoglm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** {@code autoglm train} on a copy of the example project, with real processes. */
class TrainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private ExampleProject project;

  @BeforeEach
  void copyExample() {
    project = ExampleProject.copyInto(dir);
  }

  @Test
  void shouldTrainTheExampleWithFourRanksAndPrintAFallingLoss() {
    CliRun run = autoglm("train", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(run.out()).contains("[rank 3] ").contains("[rank 0] AUTOGLM_METRIC");
    String summary = run.outLines().get(run.outLines().size() - 1);
    assertThat(summary).startsWith("SUCCEEDED: 4 ranks; loss 0.6931 → ");
    double last = Double.parseDouble(summary.replaceAll(".*loss 0\\.6931 → ([0-9.]+).*", "$1"));
    assertThat(last).isLessThan(0.5);
  }

  @Test
  void shouldPrintTheDocumentedJsonAndNameTheFirstFailure() throws Exception {
    CliRun run =
        autoglm(
            "train",
            "--project",
            project.descriptor(),
            "--format",
            "json",
            "--nodes",
            "1",
            "--",
            "python3",
            "-c",
            "import os, sys, time\n"
                + "print('AUTOGLM_METRIC {\"name\": \"loss\", \"step\": 1, \"value\": 0.5}')\n"
                + "sys.exit(4) if os.environ['RANK'] == '1' else time.sleep(30)");

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    JsonNode result = JSON.readTree(run.out());
    assertThat(fieldNames(result)).containsExactly("state", "ranks", "metrics", "firstFailure");
    assertThat(result.get("state").asText()).isEqualTo("FAILED");
    assertThat(result.get("firstFailure").get("rank").asInt()).isEqualTo(1);
    assertThat(result.get("firstFailure").get("reason").asText()).isEqualTo("exited with code 4");
    assertThat(result.get("ranks")).hasSize(2);
    assertThat(result.get("ranks").get(1).get("exitCode").asInt()).isEqualTo(4);
    assertThat(fieldNames(result.get("ranks").get(0)))
        .containsExactly("rank", "state", "exitCode", "reason");
    assertThat(result.get("metrics").get("loss").get(0).get(1).asDouble()).isEqualTo(0.5);
    assertThat(run.err()).contains("[rank 1] ").contains("rank 1 failed");
  }

  @Test
  void shouldGiveTheRanksTheRenderedConfigsOfTheChosenEnvironment() {
    CliRun run =
        autoglm(
            "train",
            "--project",
            project.descriptor(),
            "--env",
            "production",
            "--nodes",
            "1",
            "--procs-per-node",
            "1",
            "--",
            "python3",
            "-c",
            "import os; print(open(os.path.join(os.environ['AUTOGLM_CONFIG_DIR'],"
                + " 'train.yaml')).read().count('batch_size: 256'))");

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(run.out()).contains("[rank 0] 1");
  }

  @Test
  void shouldRefuseToTrainOnInvalidConfigs() {
    project.replace("values/dev.yaml", "batch_size: 16", "batch_size: 0");

    CliRun run = autoglm("train", "--project", project.descriptor(), "--env", "dev");

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    assertThat(run.err()).contains("/trainer/batch_size").contains("not training");
    assertThat(run.out()).doesNotContain("[rank");
  }

  @Test
  void shouldPrintAManifestKubectlAcceptsOnDryRun() {
    CliRun run =
        autoglm(
            "train",
            "--project",
            project.descriptor(),
            "--backend",
            "kubernetes",
            "--dry-run",
            "--namespace",
            "ml",
            "--run-id",
            "run-1");

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    List<String> kinds = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(run.out())) {
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) document;
      kinds.add((String) object.get("kind"));
      @SuppressWarnings("unchecked")
      Map<String, Object> metadata = (Map<String, Object>) object.get("metadata");
      assertThat(metadata.get("namespace")).isEqualTo("ml");
    }
    assertThat(kinds).containsExactly("ConfigMap", "Service", "Job");
    assertThat(run.out()).contains("nvidia.com/gpu: \"2\"").contains("kueue.x-k8s.io/queue-name");
  }

  @Test
  void shouldDescribeTheLocalPlanOnDryRun() {
    CliRun run = autoglm("train", "--project", project.descriptor(), "--dry-run");

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(run.out())
        .startsWith("local: 4 processes (2 nodes × 2) of python3 training/train.py");
  }

  @Test
  void shouldRefuseAProjectWithoutATrainingSection() throws Exception {
    Path descriptor = Path.of(project.descriptor());
    String text = java.nio.file.Files.readString(descriptor);
    java.nio.file.Files.writeString(
        descriptor, text.substring(0, text.indexOf("\ntraining:")) + "\n");

    CliRun run = autoglm("train", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
    assertThat(run.err()).contains("the project has no training section");
  }

  @Test
  void shouldRejectZeroNodes() {
    CliRun run = autoglm("train", "--project", project.descriptor(), "--nodes", "0");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--nodes and --procs-per-node must be at least 1");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
