package org.openautoglm.training.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openautoglm.training.TrainingSpec;

/** The pre-flight check names what would keep a run from starting, before anything is created. */
@EnableKubernetesMockClient(crud = true)
class KubernetesLauncherPreflightTest {
  /** The mock web server logs every request through java.util.logging; kept to hold its level. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  KubernetesClient client;
  KubernetesMockServer server;

  @BeforeEach
  void cluster() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("train").endMetadata().build())
        .create();
    node("gpu-a", "h100", "8", "64", "512Gi");
    node("cpu-a", "none", null, "16", "64Gi");
  }

  private void node(String name, String accelerator, String gpus, String cpu, String memory) {
    NodeBuilder node =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels("accelerator", accelerator)
            .endMetadata()
            .withNewStatus()
            .addToAllocatable("cpu", new Quantity(cpu))
            .addToAllocatable("memory", new Quantity(memory))
            .endStatus();
    if (gpus != null) {
      node.editStatus().addToAllocatable("nvidia.com/gpu", new Quantity(gpus)).endStatus();
    }
    client.nodes().resource(node.build()).create();
  }

  private static TrainingSpec spec(int gpus, String resource) {
    return new TrainingSpec(
        "demo",
        "img",
        List.of("python"),
        null,
        Map.of(),
        2,
        gpus,
        gpus,
        resource,
        null,
        null,
        "8Gi",
        Map.of(),
        List.of(),
        null,
        List.of(),
        List.of(),
        null,
        TrainingSpec.DEFAULT_TIMEOUT,
        0,
        false,
        TrainingSpec.DEFAULT_MASTER_PORT);
  }

  private static TrainingSpec with(
      TrainingSpec spec,
      String cpu,
      String memory,
      Map<String, String> nodeSelector,
      List<TrainingSpec.VolumeMount> volumes,
      TrainingSpec.Queue queue) {
    return new TrainingSpec(
        spec.name(),
        spec.image(),
        spec.command(),
        spec.workingDir(),
        spec.env(),
        spec.nodes(),
        spec.procsPerNode(),
        spec.gpusPerNode(),
        spec.gpuResource(),
        cpu,
        memory,
        spec.shmSize(),
        nodeSelector,
        spec.tolerations(),
        spec.serviceAccount(),
        spec.imagePullSecrets(),
        volumes,
        queue,
        spec.timeout(),
        spec.maxRestarts(),
        spec.keepOnFailure(),
        spec.masterPort());
  }

  @Test
  void shouldPassWhenTheClusterHasWhatTheRunNeeds() {
    TrainingSpec spec =
        with(
            spec(8, "nvidia.com/gpu"),
            "32",
            "256Gi",
            Map.of("accelerator", "h100"),
            List.of(),
            null);

    assertThat(Preflight.check(client, "train", spec)).isEmpty();
  }

  @Test
  void shouldNameAMissingNamespace() {
    assertThat(Preflight.check(client, "nowhere", spec(8, "nvidia.com/gpu")))
        .containsExactly(
            "Namespace nowhere does not exist; create it (kubectl create namespace nowhere) or"
                + " choose another namespace.");
  }

  @Test
  void shouldNameAGpuResourceNoNodeOffers() {
    assertThat(Preflight.check(client, "train", spec(8, "amd.com/gpu")))
        .containsExactly(
            "No node offers the resource amd.com/gpu; check training.gpuResource (e.g."
                + " nvidia.com/gpu, amd.com/gpu) and that the device plugin runs on the GPU nodes.");
  }

  @Test
  void shouldNameAGpuCountNoNodeOffers() {
    assertThat(Preflight.check(client, "train", spec(16, "nvidia.com/gpu")))
        .containsExactly(
            "No node offers 16 nvidia.com/gpu (the most any node has is 8); ask for less per node"
                + " and use more nodes instead.");
  }

  @Test
  void shouldLookOnlyAtNodesMatchingTheNodeSelector() {
    TrainingSpec spec =
        with(spec(8, "nvidia.com/gpu"), null, null, Map.of("accelerator", "none"), List.of(), null);

    assertThat(Preflight.check(client, "train", spec))
        .singleElement()
        .asString()
        .startsWith(
            "No node matching the node selector {accelerator=none} offers the resource nvidia.com/gpu");
  }

  @Test
  void shouldNameMemoryNoNodeOffersTogetherWithTheGpus() {
    TrainingSpec spec = with(spec(8, "nvidia.com/gpu"), null, "1Ti", Map.of(), List.of(), null);

    assertThat(Preflight.check(client, "train", spec))
        .singleElement()
        .asString()
        .startsWith("No node offers 1Ti memory (the most any node has is ");
  }

  @Test
  void shouldNameAMissingQueueAndVolumeClaim() {
    client
        .persistentVolumeClaims()
        .inNamespace("train")
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("data")
                .endMetadata()
                .build())
        .create();
    TrainingSpec spec =
        with(
            spec(8, "nvidia.com/gpu"),
            null,
            null,
            Map.of(),
            List.of(
                new TrainingSpec.VolumeMount("data", "data", "/data", true),
                new TrainingSpec.VolumeMount("ckpt", "checkpoints", "/ckpt", false)),
            new TrainingSpec.Queue(TrainingSpec.Queue.Kind.KUEUE, "gpu-queue"));

    assertThat(Preflight.check(client, "train", spec))
        .containsExactly(
            "Kueue LocalQueue gpu-queue does not exist in namespace train (or Kueue is not"
                + " installed); create it (kubectl get localqueue -n train lists the queues) or fix"
                + " training.queue.name.",
            "Persistent volume claim checkpoints (volume ckpt) does not exist in namespace train;"
                + " create it or fix training.volumes.");
  }

  @Test
  void shouldFindAnExistingQueue() {
    ResourceDefinitionContext localQueue =
        new ResourceDefinitionContext.Builder()
            .withGroup("kueue.x-k8s.io")
            .withVersion("v1beta1")
            .withKind("LocalQueue")
            .withPlural("localqueues")
            .withNamespaced(true)
            .build();
    client
        .genericKubernetesResources(localQueue)
        .inNamespace("train")
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("kueue.x-k8s.io/v1beta1")
                .withKind("LocalQueue")
                .withNewMetadata()
                .withName("gpu-queue")
                .endMetadata()
                .build())
        .create();
    TrainingSpec spec =
        with(
            spec(8, "nvidia.com/gpu"),
            null,
            null,
            Map.of(),
            List.of(),
            new TrainingSpec.Queue(TrainingSpec.Queue.Kind.KUEUE, "gpu-queue"));

    assertThat(Preflight.check(client, "train", spec)).isEmpty();
  }

  @Test
  void shouldSkipChecksTheCredentialsMayNotMake() {
    server.expect().get().withPath("/api/v1/nodes").andReturn(403, "forbidden").always();
    server.expect().get().withPath("/api/v1/namespaces/train").andReturn(403, "forbidden").always();

    assertThat(Preflight.check(client, "train", spec(64, "nvidia.com/gpu"))).isEmpty();
  }
}
