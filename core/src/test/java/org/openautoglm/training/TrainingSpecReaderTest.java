package org.openautoglm.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.project.ProjectLoader;

/** The training section of autoglm.yaml: defaults, overrides and errors at their place. */
class TrainingSpecReaderTest {
  private static final String HEADER =
      "apiVersion: autoglm/v1\nname: bert-sentiment\nconfigs:\n  - file: train.yaml\n";

  @TempDir Path dir;

  @Test
  void shouldApplyDefaultsToAMinimalSection() throws IOException {
    TrainingSpec spec = load("training:\n  command: [python3, train.py]\n");

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(spec.name()).isEqualTo("bert-sentiment");
    soft.assertThat(spec.command()).containsExactly("python3", "train.py");
    soft.assertThat(spec.nodes()).isEqualTo(1);
    soft.assertThat(spec.procsPerNode()).isEqualTo(1);
    soft.assertThat(spec.gpusPerNode()).as("one GPU per process").isEqualTo(1);
    soft.assertThat(spec.gpuResource()).isEqualTo("nvidia.com/gpu");
    soft.assertThat(spec.shmSize()).isEqualTo("8Gi");
    soft.assertThat(spec.timeout()).isEqualTo(Duration.ofHours(24));
    soft.assertThat(spec.maxRestarts()).isZero();
    soft.assertThat(spec.queue()).isNull();
    soft.assertThat(spec.masterPort()).isEqualTo(29500);
    soft.assertAll();
  }

  @Test
  void shouldReadEveryField() throws IOException {
    TrainingSpec spec =
        load(
            "training:\n"
                + "  name: bert\n"
                + "  image: registry.example.com/bert:1\n"
                + "  command: [torchrun, train.py]\n"
                + "  workingDir: /workspace\n"
                + "  env: {NCCL_DEBUG: INFO, SEED: 7}\n"
                + "  nodes: 4\n"
                + "  procsPerNode: 8\n"
                + "  gpusPerNode: 8\n"
                + "  gpuResource: amd.com/gpu\n"
                + "  cpu: \"32\"\n"
                + "  memory: 512Gi\n"
                + "  shmSize: 64Gi\n"
                + "  nodeSelector: {pool: h100}\n"
                + "  tolerations: [{key: gpu, value: \"true\", effect: NoSchedule}]\n"
                + "  serviceAccount: trainer\n"
                + "  imagePullSecrets: [regcred]\n"
                + "  volumes: [{name: data, claim: data-pvc, mountPath: /data, readOnly: true}]\n"
                + "  queue: {kind: volcano, name: research}\n"
                + "  timeout: 1h30m\n"
                + "  maxRestarts: 2\n"
                + "  keepOnFailure: true\n"
                + "  masterPort: 23456\n");

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(spec.name()).isEqualTo("bert");
    soft.assertThat(spec.env()).containsEntry("SEED", "7").containsEntry("NCCL_DEBUG", "INFO");
    soft.assertThat(spec.worldSize()).isEqualTo(32);
    soft.assertThat(spec.gpuResource()).isEqualTo("amd.com/gpu");
    soft.assertThat(spec.tolerations())
        .containsExactly(new TrainingSpec.Toleration("gpu", "Equal", "true", "NoSchedule"));
    soft.assertThat(spec.volumes())
        .containsExactly(new TrainingSpec.VolumeMount("data", "data-pvc", "/data", true));
    soft.assertThat(spec.queue())
        .isEqualTo(new TrainingSpec.Queue(TrainingSpec.Queue.Kind.VOLCANO, "research"));
    soft.assertThat(spec.timeout()).isEqualTo(Duration.ofMinutes(90));
    soft.assertThat(spec.keepOnFailure()).isTrue();
    soft.assertThat(spec.masterPort()).isEqualTo(23456);
    soft.assertAll();
  }

  @Test
  void shouldAcceptSecondsAsANumber() throws IOException {
    assertThat(load("training:\n  command: [x]\n  timeout: 90\n").timeout())
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void shouldRejectACommandWrittenAsAShellStringAtItsLine() {
    assertThatThrownBy(() -> load("training:\n  command: python3 train.py && rm -rf /\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e -> {
              ConfigException error = (ConfigException) e;
              assertThat(error.diagnostic().line()).isEqualTo(6);
              assertThat(error.getMessage())
                  .contains("/training/command")
                  .contains("expected array");
            });
  }

  @Test
  void shouldRejectAContractVariableInEnvAtItsKey() {
    assertThatThrownBy(() -> load("training:\n  command: [x]\n  env:\n    RANK: \"3\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(":8:5:")
        .hasMessageContaining("RANK is set by the launcher");
  }

  @Test
  void shouldRejectAMalformedDurationAtItsPlace() {
    assertThatThrownBy(() -> load("training:\n  command: [x]\n  timeout: 2 hours\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(":7:")
        .hasMessageContaining("'2 hours' is not a duration");
  }

  @Test
  void shouldRejectNamesThatAreNotDns1123AndUnknownKeys() {
    assertThatThrownBy(() -> load("training:\n  command: [x]\n  name: My_Model\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("/training/name");
    assertThatThrownBy(() -> load("training:\n  command: [x]\n  gpus: 8\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'gpus'");
  }

  @Test
  void shouldRejectZeroNodes() {
    assertThatThrownBy(() -> load("training:\n  command: [x]\n  nodes: 0\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("/training/nodes")
        .hasMessageContaining("must be ≥ 1");
  }

  private TrainingSpec load(String training) throws IOException {
    Path descriptor = dir.resolve("autoglm.yaml");
    Files.writeString(descriptor, HEADER + training);
    return new ProjectLoader(LoadLimits.DEFAULT).load(descriptor).training();
  }
}
