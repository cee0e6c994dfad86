package org.openautoglm.training.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.openautoglm.training.kubernetes.FakeCluster.NS;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openautoglm.training.Metric;
import org.openautoglm.training.RankState;
import org.openautoglm.training.RankStatus;
import org.openautoglm.training.TrainingResult;
import org.openautoglm.training.TrainingSpec;
import org.openautoglm.training.TrainingState;

/** The launcher against fabric8's CRUD mock, with the test playing the Job controller. */
class KubernetesLauncherTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private FakeCluster cluster;
  private FakeCluster.Recorder recorder;
  private ExecutorService executor;

  @BeforeEach
  void startCluster() {
    cluster = new FakeCluster().startController();
    recorder = new FakeCluster.Recorder();
    executor = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stopCluster() {
    executor.shutdownNow();
    cluster.close();
  }

  private KubernetesLauncher launcher(LauncherOptions options) {
    return new KubernetesLauncher(cluster.newClient(), recorder, options);
  }

  private static LauncherOptions options() {
    return LauncherOptions.defaults().withLogDrain(Duration.ofSeconds(5));
  }

  private Future<TrainingResult> start(
      KubernetesLauncher launcher, TrainingPlan plan, TrainingSpec spec) {
    return executor.submit(() -> launcher.run(plan, spec));
  }

  private static TrainingResult result(Future<TrainingResult> run) throws Exception {
    return run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void shouldSucceedWithEveryRanksLogAndMetricsAndLeaveNothingBehind() throws Exception {
    KubernetesLauncher launcher = launcher(options());
    Future<TrainingResult> run =
        start(launcher, FakeCluster.plan("run-ok", 2), FakeCluster.spec(2));

    Job job = cluster.job();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Service service = cluster.client.services().inNamespace(NS).withName("run-ok").get();
              ConfigMap config =
                  cluster.client.configMaps().inNamespace(NS).withName("run-ok-config").get();
              assertThat(service.getMetadata().getOwnerReferences())
                  .extracting(OwnerReference::getUid)
                  .containsExactly(job.getMetadata().getUid());
              assertThat(config.getMetadata().getOwnerReferences())
                  .extracting(OwnerReference::getUid)
                  .containsExactly(job.getMetadata().getUid());
            });
    assertThat(job.getMetadata().getAnnotations())
        .containsKey(KubernetesLauncher.DEADLINE_ANNOTATION)
        .containsEntry(KubernetesLauncher.KEEP_ON_FAILURE_ANNOTATION, "false");

    cluster.log(
        0, "rank zero starts", "AUTOGLM_METRIC {\"name\": \"loss\", \"step\": 1, \"value\": 0.9}");
    cluster.log(1, "rank one starts", "x".repeat(100_000));
    cluster.running(0, 1);
    await().atMost(WAIT).until(() -> recorder.linesOf(1).size() == 2);
    cluster.log(
        0, "AUTOGLM_METRIC {\"name\": \"loss\", \"step\": 2, \"value\": 0.5}", "rank zero done");
    cluster.log(1, "rank one done");
    cluster.succeeded(0, 1);

    TrainingResult result = result(run);
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(result.state()).isEqualTo(TrainingState.SUCCEEDED);
    soft.assertThat(result.ranks())
        .extracting(RankStatus::state)
        .containsExactly(RankState.SUCCEEDED, RankState.SUCCEEDED);
    soft.assertThat(result.firstFailure()).isNull();
    soft.assertThat(result.attempts()).isEqualTo(1);
    soft.assertThat(recorder.linesOf(0))
        .as("every line once, although the follow requests ended early and were repeated")
        .containsExactly(
            "rank zero starts",
            "AUTOGLM_METRIC {\"name\": \"loss\", \"step\": 1, \"value\": 0.9}",
            "AUTOGLM_METRIC {\"name\": \"loss\", \"step\": 2, \"value\": 0.5}",
            "rank zero done");
    soft.assertThat(recorder.linesOf(1)).hasSize(3);
    soft.assertThat(recorder.linesOf(1).get(1))
        .as("an over-long line is cut")
        .hasSize(PodLogStreamer.MAX_LINE_CHARS);
    soft.assertThat(result.metrics().get("loss"))
        .extracting(Metric::step, Metric::value, Metric::rank)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, 0.9, 0),
            org.assertj.core.groups.Tuple.tuple(2L, 0.5, 0));
    soft.assertThat(recorder.metrics).hasSize(2);
    soft.assertThat(cluster.leftovers("run-ok")).isEmpty();
    soft.assertThat(cluster.count("GET", "/pods/[^/]+/log")).isGreaterThanOrEqualTo(2);
    soft.assertThat(recorder.events)
        .contains("rank 0 running on node gpu-node-1", "all 2 ranks succeeded");
    soft.assertAll();
  }

  @Test
  void shouldFailFastNamingTheFailedRankAndDeleteTheJob() throws Exception {
    Future<TrainingResult> run =
        start(launcher(options()), FakeCluster.plan("run-fail", 3), FakeCluster.spec(3));
    cluster.running(0, 1, 2);
    cluster.log(1, "Traceback (most recent call last):", "ValueError: bad shape");
    cluster.terminated(1, "Failed", 3, "Error");

    TrainingResult result = result(run);
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    soft.assertThat(result.firstFailure())
        .isEqualTo(new RankStatus(1, RankState.FAILED, 3, "exit code 3"));
    soft.assertThat(result.ranks())
        .extracting(RankStatus::state)
        .containsExactly(RankState.STOPPED, RankState.FAILED, RankState.STOPPED);
    soft.assertThat(result.ranks().get(0).reason()).isEqualTo("stopped because rank 1 failed");
    soft.assertThat(recorder.linesOf(1)).contains("ValueError: bad shape");
    soft.assertThat(recorder.saw("rank 1 failed: exit code 3; stopping the other ranks")).isTrue();
    soft.assertThat(cluster.leftovers("run-fail")).isEmpty();
    soft.assertThat(cluster.count("DELETE", "/apis/batch/v1/namespaces/train/jobs/run-fail"))
        .isGreaterThanOrEqualTo(1);
    soft.assertAll();
  }

  @Test
  void shouldReportOutOfMemoryAsOomKilled() throws Exception {
    Future<TrainingResult> run =
        start(launcher(options()), FakeCluster.plan("run-oom", 2), FakeCluster.spec(2));
    cluster.running(0, 1);
    cluster.terminated(0, "Failed", 137, "OOMKilled");

    TrainingResult result = result(run);
    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure().rank()).isZero();
    assertThat(result.firstFailure().exitCode()).isEqualTo(137);
    assertThat(result.firstFailure().reason()).startsWith("OOMKilled").contains("memory");
  }

  @Test
  void shouldReportAnEvictedPod() throws Exception {
    Future<TrainingResult> run =
        start(launcher(options()), FakeCluster.plan("run-evict", 2), FakeCluster.spec(2));
    cluster.running(0, 1);
    cluster.evicted(1);

    TrainingResult result = result(run);
    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure())
        .isEqualTo(
            new RankStatus(
                1, RankState.FAILED, null, "Evicted: The node was low on resource: memory."));
    assertThat(cluster.leftovers("run-evict")).isEmpty();
  }

  @Test
  void shouldReportWhyARankIsPendingAndWarnWhenItWaitsTooLong() throws Exception {
    KubernetesLauncher launcher = launcher(options().withPending(Duration.ofMillis(300), null));
    Future<TrainingResult> run =
        start(launcher, FakeCluster.plan("run-pending", 2), FakeCluster.spec(2));
    String message = "0/1 nodes are available: 1 Insufficient nvidia.com/gpu.";
    cluster.running(0);
    cluster.unschedulable(1, message);

    await()
        .atMost(WAIT)
        .until(
            () ->
                launcher.ranks().size() == 2
                    && launcher
                        .ranks()
                        .get(1)
                        .equals(
                            new RankStatus(
                                1, RankState.PENDING, null, "Unschedulable: " + message)));
    await().atMost(WAIT).until(() -> recorder.saw("rank 1 pending: Unschedulable: " + message));
    await().atMost(WAIT).until(() -> recorder.saw("rank 1 pending for "));
    String warning =
        recorder.events.stream()
            .filter(event -> event.startsWith("rank 1 pending for "))
            .findFirst()
            .orElseThrow();
    assertThat(warning)
        .contains("Unschedulable: " + message)
        .contains("ask for fewer GPUs")
        .contains("kubectl describe pod run-pending-1-");

    launcher.cancel(NS, "run-pending");
    TrainingResult result = result(run);
    assertThat(result.state()).isEqualTo(TrainingState.ABORTED);
    assertThat(result.ranks().get(1).state()).isEqualTo(RankState.STOPPED);
    assertThat(result.ranks().get(1).reason()).contains("was pending: Unschedulable");
    assertThat(cluster.leftovers("run-pending")).isEmpty();
  }

  @Test
  void shouldFailWhenTheImageCannotBePulled() throws Exception {
    Future<TrainingResult> run =
        start(
            launcher(options().withStartErrorTimeout(Duration.ofMillis(300))),
            FakeCluster.plan("run-image", 1),
            FakeCluster.spec(1));
    cluster.waiting(0, "ImagePullBackOff", "Back-off pulling image \"ghcr.io/example/train:1\"");

    TrainingResult result = result(run);
    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure().rank()).isZero();
    assertThat(result.firstFailure().reason())
        .startsWith("ImagePullBackOff: Back-off pulling image")
        .contains("imagePullSecrets");
    assertThat(recorder.saw("rank 0 pending: ImagePullBackOff")).isTrue();
    assertThat(cluster.leftovers("run-image")).isEmpty();
  }

  @Test
  void shouldWaitForQueueAdmission() throws Exception {
    ResourceDefinitionContext localQueue =
        new ResourceDefinitionContext.Builder()
            .withGroup("kueue.x-k8s.io")
            .withVersion("v1beta1")
            .withKind("LocalQueue")
            .withPlural("localqueues")
            .withNamespaced(true)
            .build();
    cluster
        .client
        .genericKubernetesResources(localQueue)
        .inNamespace(NS)
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("kueue.x-k8s.io/v1beta1")
                .withKind("LocalQueue")
                .withNewMetadata()
                .withName("gpu-queue")
                .withNamespace(NS)
                .endMetadata()
                .build())
        .create();
    KubernetesLauncher launcher = launcher(options().withPending(Duration.ofMillis(300), null));
    TrainingSpec spec =
        FakeCluster.spec(
            2, 0, false, new TrainingSpec.Queue(TrainingSpec.Queue.Kind.KUEUE, "gpu-queue"));
    Future<TrainingResult> run =
        start(launcher, FakeCluster.plan("run-queue", 2, true, "gpu-queue"), spec);

    await()
        .atMost(WAIT)
        .until(
            () -> recorder.saw("ranks 0-1 pending: waiting for queue admission (queue gpu-queue)"));
    await().atMost(WAIT).until(() -> recorder.saw("The queue has not admitted the Job yet"));
    cluster.admit();
    cluster.running(0, 1);
    cluster.succeeded(0, 1);

    assertThat(result(run).state()).isEqualTo(TrainingState.SUCCEEDED);
  }

  @Test
  void shouldTimeOutAndDeleteEverything() throws Exception {
    Future<TrainingResult> run =
        start(
            launcher(options().withTimeout(Duration.ofSeconds(3))),
            FakeCluster.plan("run-slow", 2),
            FakeCluster.spec(2));
    cluster.running(0); // rank 1 stays pending

    TrainingResult result = result(run);
    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure())
        .isEqualTo(new RankStatus(-1, RankState.FAILED, null, "the run timed out after 3 s"));
    assertThat(result.ranks()).extracting(RankStatus::state).containsOnly(RankState.STOPPED);
    assertThat(result.ranks().get(0).reason()).isEqualTo("the run timed out after 3 s");
    assertThat(result.ranks().get(1).reason())
        .isEqualTo("the run timed out after 3 s (was pending: waiting to be scheduled)");
    assertThat(cluster.leftovers("run-slow")).isEmpty();
  }

  @Test
  void shouldCancelAndAbortWhenInterrupted() throws Exception {
    KubernetesLauncher launcher = launcher(options());
    AtomicBoolean flagKept = new AtomicBoolean();
    CompletableFuture<TrainingResult> done = new CompletableFuture<>();
    Thread runner =
        new Thread(
            () -> {
              TrainingResult result =
                  launcher.run(FakeCluster.plan("run-int", 2), FakeCluster.spec(2));
              flagKept.set(Thread.currentThread().isInterrupted());
              done.complete(result);
            });
    runner.start();
    cluster.running(0, 1);
    await()
        .atMost(WAIT)
        .until(
            () ->
                launcher.ranks().size() == 2
                    && launcher.ranks().stream()
                        .allMatch(rank -> rank.state() == RankState.RUNNING));
    runner.interrupt();

    TrainingResult result = done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(result.state()).isEqualTo(TrainingState.ABORTED);
    assertThat(result.ranks()).extracting(RankStatus::state).containsOnly(RankState.STOPPED);
    assertThat(flagKept).isTrue();
    assertThat(cluster.leftovers("run-int")).isEmpty();
  }

  @Test
  void shouldCancelLeavingNoJobServiceConfigMapOrPod() throws Exception {
    KubernetesLauncher launcher = launcher(options());
    Future<TrainingResult> run =
        start(launcher, FakeCluster.plan("run-cancel", 3), FakeCluster.spec(3));
    cluster.running(0, 1, 2);
    await().atMost(WAIT).until(() -> cluster.leftovers("run-cancel").size() == 6);

    launcher.cancel(NS, "run-cancel");

    assertThat(result(run).state()).isEqualTo(TrainingState.ABORTED);
    assertThat(cluster.leftovers("run-cancel")).isEmpty();
  }

  @Test
  void shouldKeepAFailedJobSuspendedWhenAskedTo() throws Exception {
    Future<TrainingResult> run =
        start(
            launcher(options()),
            FakeCluster.plan("run-keep", 2),
            FakeCluster.spec(2, 0, true, null));
    cluster.running(0, 1);
    String failed = cluster.pod(0).getMetadata().getName();
    cluster.terminated(0, "Failed", 1, "Error");

    TrainingResult result = result(run);
    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    Job kept = cluster.client.batch().v1().jobs().inNamespace(NS).withName("run-keep").get();
    assertThat(kept.getSpec().getSuspend()).isTrue();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(cluster.leftovers("run-keep"))
                    .as("the failed pod stays for kubectl logs; the running one was stopped")
                    .containsExactlyInAnyOrder(
                        "Job run-keep",
                        "Service run-keep",
                        "ConfigMap run-keep-config",
                        "Pod " + failed));
    assertThat(recorder.saw("keeping Job run-keep for inspection")).isTrue();
  }

  /** A plan made by the real planner, whose Job carries the budget and the failure policy. */
  private static TrainingPlan planned(String runId, TrainingSpec spec) {
    return new KubernetesPlanner().plan(spec, NS, runId, java.util.Map.of());
  }

  @Test
  void shouldLetTheJobRestartAFailedRankWithinItsBudget() throws Exception {
    TrainingSpec spec = FakeCluster.spec(2, 1, false, null); // backoffLimit 2
    Future<TrainingResult> run = start(launcher(options()), planned("run-retry", spec), spec);
    cluster.running(0, 1);
    cluster.terminated(1, "Failed", 1, "Error"); // counts against the budget

    await()
        .atMost(WAIT)
        .until(
            () ->
                recorder.saw(
                    "rank 1 failed: exit code 1; the Job controller starts it again (restart 1 of 2)"));
    cluster.replace(1);
    cluster.log(1, "second try");
    cluster.running(1);
    cluster.succeeded(0, 1);

    TrainingResult result = result(run);
    assertThat(result.state()).isEqualTo(TrainingState.SUCCEEDED);
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(result.ranks()).extracting(RankStatus::state).containsOnly(RankState.SUCCEEDED);
    assertThat(recorder.linesOf(1)).containsExactly("second try");
    assertThat(cluster.leftovers("run-retry")).isEmpty();
  }

  @Test
  void shouldFailFastWhenTheBudgetIsSpentNamingTheFirstFailure() throws Exception {
    TrainingSpec spec = FakeCluster.spec(1, 1, false, null); // backoffLimit 1
    Future<TrainingResult> run = start(launcher(options()), planned("run-spent", spec), spec);
    cluster.running(0);
    cluster.terminated(0, "Failed", 137, "OOMKilled");
    await()
        .atMost(WAIT)
        .until(() -> recorder.saw("the Job controller starts it again (restart 1 of 1)"));
    cluster.replace(0);
    cluster.running(0);
    cluster.terminated(0, "Failed", 1, "Error");

    TrainingResult result = result(run);
    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure().reason()).startsWith("OOMKilled");
    assertThat(recorder.saw("rank 0 failed: exit code 1; stopping the other ranks")).isTrue();
    assertThat(cluster.leftovers("run-spent")).isEmpty();
  }

  @Test
  void shouldFailAtOnceOnAnExitCodeThePolicyMakesFatal() throws Exception {
    TrainingSpec spec = FakeCluster.spec(2, 3, false, null); // budget left, but exit 2 is FailJob
    Future<TrainingResult> run = start(launcher(options()), planned("run-usage", spec), spec);
    cluster.running(0, 1);
    cluster.terminated(0, "Failed", 2, "Error");

    TrainingResult result = result(run);
    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure())
        .isEqualTo(new RankStatus(0, RankState.FAILED, 2, "exit code 2"));
    assertThat(result.ranks().get(1).state()).isEqualTo(RankState.STOPPED);
    assertThat(cluster.leftovers("run-usage")).isEmpty();
  }

  @Test
  void shouldNotCountADisruptionThePolicyIgnores() throws Exception {
    TrainingSpec spec = FakeCluster.spec(2); // maxRestarts 0: backoffLimit 0
    Future<TrainingResult> run = start(launcher(options()), planned("run-preempt", spec), spec);
    cluster.running(0, 1);
    cluster.disrupted(1, "PreemptionByScheduler");

    await()
        .atMost(WAIT)
        .until(
            () ->
                recorder.saw(
                    "rank 1 PreemptionByScheduler: the pod was preempted (exit code 143); the Job's pod failure policy does not count this"));
    cluster.replace(1);
    cluster.running(1);
    cluster.succeeded(0, 1);

    assertThat(result(run).state()).isEqualTo(TrainingState.SUCCEEDED);
  }

  @Test
  void shouldFailWhenTheJobFailsThroughItsPodFailurePolicy() throws Exception {
    Future<TrainingResult> run =
        start(launcher(options()), FakeCluster.plan("run-policy", 2), FakeCluster.spec(2));
    cluster.running(0, 1);
    String pod = cluster.pod(1).getMetadata().getName();
    await().atMost(WAIT).until(() -> recorder.saw("running"));
    cluster.jobCondition(
        "Failed",
        "PodFailurePolicy",
        "Container trainer for pod "
            + NS
            + "/"
            + pod
            + " failed with exit code 42 matching FailJob rule at index 0");

    TrainingResult result = result(run);
    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure().rank()).isEqualTo(1);
    assertThat(result.firstFailure().reason()).startsWith("PodFailurePolicy: Container trainer");
    assertThat(cluster.leftovers("run-policy")).isEmpty();
  }

  @Test
  void shouldNotSubmitWhenThePreflightCheckFails() {
    TrainingSpec spec = FakeCluster.spec(1).withShape(1, 16, 16);
    TrainingResult result = launcher(options()).run(FakeCluster.plan("run-big", 1), spec);

    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.attempts()).isZero();
    assertThat(result.firstFailure().reason())
        .contains("No node offers 16 nvidia.com/gpu (the most any node has is 8)");
    assertThat(recorder.saw("pre-flight: No node offers 16 nvidia.com/gpu")).isTrue();
    assertThat(cluster.count("POST", "/jobs")).isZero();
    assertThat(List.copyOf(cluster.leftovers("run-big"))).isEmpty();
  }
}
