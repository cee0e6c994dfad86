package org.openautoglm.training.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openautoglm.training.TrainingSpec;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The planned objects of typical runs compared with checked-in YAML, so that any change to a plan
 * shows up as a diff in review. After a deliberate change, regenerate the files with {@code ./mvnw
 * -pl core test -Dtest=KubernetesPlannerGoldenTest -Dgolden.update=true} and read the diff.
 */
class KubernetesPlannerGoldenTest {
  static final String NAMESPACE = "ml-team";
  static final String RUN_ID = "llama-ft-m3k9x2-a1b2c3";

  private static final Path GOLDEN =
      Path.of(System.getProperty("basedir", "."), "src/test/resources/golden/kubernetes");

  /** One scenario: a spec, its rendered configs, and the golden file it must match. */
  record Scenario(String file, TrainingSpec spec, Map<String, String> configs) {
    @Override
    public String toString() {
      return file;
    }

    TrainingPlan plan() {
      return new KubernetesPlanner().plan(spec, NAMESPACE, RUN_ID, configs);
    }
  }

  static Stream<Scenario> scenarios() {
    return Stream.of(
        new Scenario("cpu-1x1.yaml", spec().name("mnist").build(), Map.of()),
        new Scenario(
            "kueue-4x8-gpu.yaml",
            spec()
                .name("llama-ft")
                .image("registry.example.com/ml/llama-ft:2.1.0")
                .command("python", "-m", "train", "--config", "/etc/autoglm/configs/train.yaml")
                .workingDir("/workspace")
                .env(Map.of("NCCL_DEBUG", "WARN", "HF_HOME", "/data/hf"))
                .shape(4, 8, 8)
                .cpu("64")
                .memory("900Gi")
                .shmSize("128Gi")
                .nodeSelector(Map.of("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"))
                .tolerations(
                    new TrainingSpec.Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule"),
                    new TrainingSpec.Toleration("pool", "Equal", "training", "NoExecute"))
                .serviceAccount("trainer")
                .imagePullSecrets("registry-credentials")
                .volumes(
                    new TrainingSpec.VolumeMount("datasets", "datasets-pvc", "/data", true),
                    new TrainingSpec.VolumeMount(
                        "checkpoints", "checkpoints-pvc", "/checkpoints", false))
                .queue(TrainingSpec.Queue.Kind.KUEUE, "team-a")
                .timeout(Duration.ofHours(36))
                .maxRestarts(2)
                .keepOnFailure(true)
                .build(),
            orderedMap(
                "train.yaml",
                "model: llama-3-8b\nlr: 0.0002\nepochs: 3\n",
                "model/lora.yaml",
                "r: 16\nalpha: 32\n")),
        new Scenario(
            "volcano-2x1-gpu.yaml",
            spec()
                .name("resnet50")
                .image("registry.example.com/ml/resnet:1.0")
                .shape(2, 1, 1)
                .queue(TrainingSpec.Queue.Kind.VOLCANO, "research")
                .timeout(Duration.ofMinutes(90))
                .maxRestarts(1)
                .build(),
            Map.of("train.yaml", "batch_size: 256\n")),
        new Scenario(
            "torchrun-2x2.yaml",
            spec()
                .name("bert-pretrain")
                .command("python", "pretrain.py", "--steps", "1000")
                .shape(2, 2, 2)
                .masterPort(23456)
                .build(),
            Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void shouldMatchGoldenFile(Scenario scenario) throws IOException {
    String actual = KubernetesManifests.yaml(scenario.plan());
    Path golden = GOLDEN.resolve(scenario.file());
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertThat(golden).as("golden file %s; create it with -Dgolden.update=true", golden).exists();
    String expected = Files.readString(golden, StandardCharsets.UTF_8).replace("\r\n", "\n");
    assertThat(actual)
        .as(
            "the plan differs from %s; if the change is intended, rerun with"
                + " -Dgolden.update=true and review the diff",
            scenario.file())
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void shouldParseBackIntoOneDocumentPerObject(Scenario scenario) {
    TrainingPlan plan = scenario.plan();
    List<Object> documents = new ArrayList<>();
    new Yaml(new SafeConstructor(new LoaderOptions()))
        .loadAll(KubernetesManifests.yaml(plan))
        .forEach(documents::add);

    assertThat(documents).hasSize(plan.objects().size());
    for (int i = 0; i < documents.size(); i++) {
      HasMetadata object = plan.objects().get(i);
      assertThat(documents.get(i))
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .containsEntry("apiVersion", object.getApiVersion())
          .containsEntry("kind", object.getKind())
          .doesNotContainKey("status");
      assertThat(nullsOrEmpties(documents.get(i), "")).as("nulls and empty values").isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void shouldReadBackAsTheSameObjects(Scenario scenario) {
    TrainingPlan plan = scenario.plan();
    KubernetesSerialization serialization = new KubernetesSerialization();
    for (HasMetadata object : plan.objects()) {
      HasMetadata read =
          serialization.unmarshal(KubernetesManifests.yaml(object), object.getClass());
      assertThat(read).isEqualTo(object);
    }
  }

  /** JSON-pointer-like paths of every null, empty map and empty list in a parsed document. */
  private static List<String> nullsOrEmpties(Object node, String path) {
    List<String> found = new ArrayList<>();
    if (node == null) {
      found.add(path);
    } else if (node instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        found.add(path);
      }
      map.forEach((key, value) -> found.addAll(nullsOrEmpties(value, path + "/" + key)));
    } else if (node instanceof List<?> list) {
      if (list.isEmpty()) {
        found.add(path);
      }
      for (int i = 0; i < list.size(); i++) {
        found.addAll(nullsOrEmpties(list.get(i), path + "/" + i));
      }
    }
    return found;
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** A small CPU-only spec to change field by field; every test starts from it. */
  static SpecBuilder spec() {
    return new SpecBuilder();
  }

  /** Builds {@link TrainingSpec}s in tests without repeating its twenty-two arguments. */
  static final class SpecBuilder {
    private String name = "demo";
    private String image = "registry.example.com/ml/demo:1.0";
    private List<String> command = List.of("python", "train.py");
    private String workingDir;
    private Map<String, String> env = Map.of();
    private int nodes = 1;
    private int procsPerNode = 1;
    private int gpusPerNode;
    private String gpuResource = TrainingSpec.DEFAULT_GPU_RESOURCE;
    private String cpu;
    private String memory;
    private String shmSize = TrainingSpec.DEFAULT_SHM_SIZE;
    private Map<String, String> nodeSelector = Map.of();
    private List<TrainingSpec.Toleration> tolerations = List.of();
    private String serviceAccount;
    private List<String> imagePullSecrets = List.of();
    private List<TrainingSpec.VolumeMount> volumes = List.of();
    private TrainingSpec.Queue queue;
    private Duration timeout = Duration.ofHours(1);
    private int maxRestarts;
    private boolean keepOnFailure;
    private int masterPort = TrainingSpec.DEFAULT_MASTER_PORT;

    SpecBuilder name(String value) {
      name = value;
      return this;
    }

    SpecBuilder image(String value) {
      image = value;
      return this;
    }

    SpecBuilder command(String... value) {
      command = List.of(value);
      return this;
    }

    SpecBuilder workingDir(String value) {
      workingDir = value;
      return this;
    }

    SpecBuilder env(Map<String, String> value) {
      env = value;
      return this;
    }

    SpecBuilder shape(int newNodes, int newProcsPerNode, int newGpusPerNode) {
      nodes = newNodes;
      procsPerNode = newProcsPerNode;
      gpusPerNode = newGpusPerNode;
      return this;
    }

    SpecBuilder gpuResource(String value) {
      gpuResource = value;
      return this;
    }

    SpecBuilder cpu(String value) {
      cpu = value;
      return this;
    }

    SpecBuilder memory(String value) {
      memory = value;
      return this;
    }

    SpecBuilder shmSize(String value) {
      shmSize = value;
      return this;
    }

    SpecBuilder nodeSelector(Map<String, String> value) {
      nodeSelector = value;
      return this;
    }

    SpecBuilder tolerations(TrainingSpec.Toleration... value) {
      tolerations = List.of(value);
      return this;
    }

    SpecBuilder serviceAccount(String value) {
      serviceAccount = value;
      return this;
    }

    SpecBuilder imagePullSecrets(String... value) {
      imagePullSecrets = List.of(value);
      return this;
    }

    SpecBuilder volumes(TrainingSpec.VolumeMount... value) {
      volumes = List.of(value);
      return this;
    }

    SpecBuilder queue(TrainingSpec.Queue.Kind kind, String queueName) {
      queue = new TrainingSpec.Queue(kind, queueName);
      return this;
    }

    SpecBuilder timeout(Duration value) {
      timeout = value;
      return this;
    }

    SpecBuilder maxRestarts(int value) {
      maxRestarts = value;
      return this;
    }

    SpecBuilder keepOnFailure(boolean value) {
      keepOnFailure = value;
      return this;
    }

    SpecBuilder masterPort(int value) {
      masterPort = value;
      return this;
    }

    TrainingSpec build() {
      return new TrainingSpec(
          name,
          image,
          command,
          workingDir,
          env,
          nodes,
          procsPerNode,
          gpusPerNode,
          gpuResource,
          cpu,
          memory,
          shmSize,
          nodeSelector,
          tolerations,
          serviceAccount,
          imagePullSecrets,
          volumes,
          queue,
          timeout,
          maxRestarts,
          keepOnFailure,
          masterPort);
    }
  }
}
