package org.openautoglm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes deployer against fabric8's mock API server in CRUD mode, with the test playing the
 * Deployment controller: it moves the status along as the rollout would.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesDeployerTest {
  private static final String NS = "serving";
  private static final String NAME = "sentiment-api";
  private static final Duration WAIT = Duration.ofSeconds(15);

  KubernetesClient client;

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private ExecutorService executor;

  @BeforeEach
  void startExecutor() {
    executor = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  private static Release release() {
    return new Release(
        "production",
        "sha256:feedface00112233445566778899aabbccddeeff",
        7,
        "s3://models/sentiment/7",
        "ghcr.io/acme/sentiment-serve:2.0.0",
        Map.of());
  }

  /** A Deployment whose previous rollout (generation 1) is complete. */
  private Deployment createDeployment(int replicas) {
    Deployment deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(NAME)
            .withNamespace(NS)
            .addToAnnotations("team", "ml-platform")
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withNewSelector()
            .addToMatchLabels("app", NAME)
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", NAME)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("server")
            .withImage("ghcr.io/acme/sentiment-serve:1.9.0")
            .withEnv(
                new EnvVar("LOG_LEVEL", "info", null),
                new EnvVarBuilder()
                    .withName("MODEL_URI")
                    .withNewValueFrom()
                    .withNewConfigMapKeyRef("uri", "model", false)
                    .endValueFrom()
                    .build())
            .endContainer()
            .addNewContainer()
            .withName("metrics-sidecar")
            .withImage("prom/statsd-exporter:v0.26.0")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    client.apps().deployments().inNamespace(NS).resource(deployment).create();
    return setStatus(1, replicas, replicas, replicas, null);
  }

  /** What the Deployment controller would write. */
  private Deployment setStatus(
      long observedGeneration, int replicas, int updated, int available, String deadline) {
    DeploymentStatusBuilder status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(observedGeneration)
            .withReplicas(replicas)
            .withUpdatedReplicas(updated)
            .withAvailableReplicas(available)
            .withReadyReplicas(available);
    if (deadline != null) {
      status.addToConditions(
          new DeploymentConditionBuilder()
              .withType("Progressing")
              .withStatus("False")
              .withReason("ProgressDeadlineExceeded")
              .withMessage(deadline)
              .build());
    }
    return client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(NAME)
        .editStatus(d -> new DeploymentBuilder(d).withStatus(status.build()).build());
  }

  private Deployment current() {
    return client.apps().deployments().inNamespace(NS).withName(NAME).get();
  }

  private Future<DeployOutcome> deploy(
      KubernetesDeployer deployer, Release release, Duration timeout) {
    return executor.submit(() -> deployer.deploy(release, timeout, lines::add));
  }

  private void awaitGeneration(long generation) {
    await().atMost(WAIT).until(() -> current().getMetadata().getGeneration() == generation);
  }

  private static Container container(Deployment deployment, String name) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void shouldPatchAnnotateAndWaitUntilTheRolloutCompletes() throws Exception {
    createDeployment(3);
    KubernetesDeployer deployer =
        new KubernetesDeployer(client, KubernetesDeployer.Target.of(NS, NAME));

    Future<DeployOutcome> run = deploy(deployer, release(), WAIT);
    awaitGeneration(2);
    await()
        .atMost(WAIT)
        .until(() -> lines.stream().anyMatch(l -> l.contains("has not yet picked up")));
    assertThat(run.isDone()).as("a status of the old generation does not count").isFalse();

    setStatus(2, 4, 1, 3, null);
    await()
        .atMost(WAIT)
        .until(() -> lines.stream().anyMatch(l -> l.contains("1 of 3 replicas updated")));
    assertThat(run.isDone()).isFalse();
    setStatus(2, 3, 3, 3, null);
    DeployOutcome outcome = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    Deployment deployed = current();
    Container server = container(deployed, "server");
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(outcome.success()).as(outcome.message()).isTrue();
    soft.assertThat(outcome.message())
        .startsWith(
            "deployment sentiment-api rolled out model version 7 (snapshot feedface0011) in ")
        .endsWith(": 3 of 3 replicas updated, 3 available");
    soft.assertThat(server.getImage()).isEqualTo("ghcr.io/acme/sentiment-serve:2.0.0");
    soft.assertThat(env(server))
        .containsEntry("MODEL_URI", "s3://models/sentiment/7")
        .containsEntry("MODEL_VERSION", "7")
        .containsEntry("AUTOGLM_SNAPSHOT", "sha256:feedface00112233445566778899aabbccddeeff")
        .containsEntry("LOG_LEVEL", "info");
    soft.assertThat(server.getEnv())
        .filteredOn(e -> e.getName().equals("MODEL_URI"))
        .singleElement()
        .satisfies(
            e -> assertThat(e.getValueFrom()).as("the configMap reference is replaced").isNull());
    soft.assertThat(container(deployed, "metrics-sidecar").getImage())
        .isEqualTo("prom/statsd-exporter:v0.26.0");
    soft.assertThat(container(deployed, "metrics-sidecar").getEnv()).isNullOrEmpty();
    soft.assertThat(deployed.getMetadata().getAnnotations())
        .containsEntry("autoglm.io/snapshot", "sha256:feedface00112233445566778899aabbccddeeff")
        .containsEntry("autoglm.io/model-version", "7")
        .containsEntry("autoglm.io/environment", "production")
        .containsEntry(
            "kubernetes.io/change-cause",
            "autoglm: model version 7 (snapshot feedface0011) to production")
        .containsEntry("team", "ml-platform");
    soft.assertThat(lines.get(0))
        .startsWith(
            "updated deployment sentiment-api: image ghcr.io/acme/sentiment-serve:2.0.0, MODEL_URI=");
    soft.assertAll();
  }

  @Test
  void shouldTimeOutOnAStalledRolloutSayingWhatWasSeen() throws Exception {
    createDeployment(3);
    KubernetesDeployer deployer =
        new KubernetesDeployer(client, KubernetesDeployer.Target.of(NS, NAME));

    Future<DeployOutcome> run = deploy(deployer, release(), Duration.ofSeconds(2));
    awaitGeneration(2);
    setStatus(2, 4, 1, 3, null);
    DeployOutcome outcome = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(outcome.success()).isFalse();
    assertThat(outcome.message())
        .isEqualTo(
            "rollout of deployment sentiment-api did not complete within 2 s: 1 of 3 replicas"
                + " updated, 3 available, 3 old replicas still running");
    assertThat(outcome.duration()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
  }

  @Test
  void shouldFailAtOnceWhenTheControllerReportsProgressDeadlineExceeded() throws Exception {
    createDeployment(3);
    KubernetesDeployer deployer =
        new KubernetesDeployer(client, KubernetesDeployer.Target.of(NS, NAME));

    Future<DeployOutcome> run = deploy(deployer, release(), Duration.ofSeconds(300));
    awaitGeneration(2);
    setStatus(2, 4, 1, 3, "ReplicaSet \"sentiment-api-7d9f\" has timed out progressing.");
    DeployOutcome outcome = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(outcome.success()).isFalse();
    assertThat(outcome.message())
        .startsWith("rollout of deployment sentiment-api failed after ")
        .endsWith(
            ": 1 of 3 replicas updated, 3 available, 3 old replicas still running,"
                + " ProgressDeadlineExceeded: ReplicaSet \"sentiment-api-7d9f\" has timed out"
                + " progressing.");
  }

  @Test
  void shouldFailClearlyWhenTheDeploymentDoesNotExist() {
    KubernetesDeployer deployer =
        new KubernetesDeployer(client, KubernetesDeployer.Target.of(NS, NAME));

    DeployOutcome outcome = deployer.deploy(release(), WAIT, lines::add);

    assertThat(outcome.success()).isFalse();
    assertThat(outcome.message())
        .isEqualTo("deployment sentiment-api not found in namespace serving");
    assertThat(outcome.duration()).isLessThan(WAIT);
  }

  @Test
  void shouldNameTheContainersWhenTheConfiguredOneIsMissing() {
    createDeployment(1);
    KubernetesDeployer deployer =
        new KubernetesDeployer(
            client, KubernetesDeployer.Target.of(NS, NAME).withContainer("model-server"));

    DeployOutcome outcome = deployer.deploy(release(), WAIT, lines::add);

    assertThat(outcome.success()).isFalse();
    assertThat(outcome.message())
        .isEqualTo(
            "deployment sentiment-api has no container named 'model-server' (it has: server,"
                + " metrics-sidecar)");
    assertThat(current().getMetadata().getGeneration()).as("nothing was changed").isEqualTo(1);
  }

  @Test
  void shouldUpdateTheNamedContainerWithConfiguredVariablesAndKeepTheImage() throws Exception {
    createDeployment(1);
    KubernetesDeployer deployer =
        new KubernetesDeployer(
            client,
            KubernetesDeployer.Target.of(NS, NAME)
                .withContainer("metrics-sidecar")
                .withVariables("SERVED_MODEL", null, "SNAPSHOT"));

    Future<DeployOutcome> run = deploy(deployer, release().withImage(null), WAIT);
    awaitGeneration(2);
    setStatus(2, 1, 1, 1, null);
    DeployOutcome outcome = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    Deployment deployed = current();
    Container sidecar = container(deployed, "metrics-sidecar");
    assertThat(outcome.success()).as(outcome.message()).isTrue();
    assertThat(sidecar.getImage()).isEqualTo("prom/statsd-exporter:v0.26.0");
    assertThat(env(sidecar))
        .containsOnly(
            Map.entry("SERVED_MODEL", "s3://models/sentiment/7"),
            Map.entry("SNAPSHOT", "sha256:feedface00112233445566778899aabbccddeeff"));
    assertThat(container(deployed, "server").getImage())
        .isEqualTo("ghcr.io/acme/sentiment-serve:1.9.0");
  }

  @Test
  void shouldSucceedAtOnceWhenTheSameReleaseIsDeployedAgain() throws Exception {
    createDeployment(2);
    KubernetesDeployer deployer =
        new KubernetesDeployer(client, KubernetesDeployer.Target.of(NS, NAME));
    Future<DeployOutcome> first = deploy(deployer, release(), WAIT);
    awaitGeneration(2);
    setStatus(2, 2, 2, 2, null);
    assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS).success()).isTrue();

    DeployOutcome again = deployer.deploy(release(), WAIT, lines::add);

    assertThat(again.success()).as(again.message()).isTrue();
    assertThat(current().getMetadata().getGeneration())
        .as("an unchanged template starts no new rollout")
        .isEqualTo(2);
  }

  @Test
  void shouldFailWhenTheDeploymentIsDeletedDuringTheRollout() throws Exception {
    createDeployment(2);
    KubernetesDeployer deployer =
        new KubernetesDeployer(client, KubernetesDeployer.Target.of(NS, NAME));

    Future<DeployOutcome> run = deploy(deployer, release(), WAIT);
    awaitGeneration(2);
    await().atMost(WAIT).until(() -> lines.size() >= 2);
    client.apps().deployments().inNamespace(NS).withName(NAME).delete();
    DeployOutcome outcome = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(outcome.success()).isFalse();
    assertThat(outcome.message())
        .isEqualTo("deployment sentiment-api was deleted during the rollout (namespace serving)");
  }

  @Test
  void shouldReportAnUnreachableApiServer() {
    KubernetesClient unreachable =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder()
                    .withMasterUrl("https://127.0.0.1:" + ClosedPort.find())
                    .withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout(2_000)
                    .build())
            .build();
    try (unreachable) {
      DeployOutcome outcome =
          new KubernetesDeployer(unreachable, KubernetesDeployer.Target.of(NS, NAME))
              .deploy(release(), WAIT, lines::add);

      assertThat(outcome.success()).isFalse();
      assertThat(outcome.message())
          .startsWith("cannot reach the Kubernetes API server at https://127.0.0.1:");
    }
  }

  @Test
  void shouldRefuseNamesThatAreNotKubernetesNames() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> KubernetesDeployer.Target.of(NS, "Sentiment_API"))
        .withMessageStartingWith("deployment 'Sentiment_API' is not a Kubernetes name");
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(
            () -> KubernetesDeployer.Target.of(NS, NAME).withVariables("MODEL URI", null, null))
        .withMessageStartingWith("'MODEL URI' is not an environment variable name");
  }
}
