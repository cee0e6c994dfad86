package org.openautoglm.training.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openautoglm.training.RankState;
import org.openautoglm.training.RankStatus;
import org.openautoglm.training.TrainingResult;
import org.openautoglm.training.TrainingState;

/** The launcher when the API server misbehaves: expired watches, 500s, refusals. */
class KubernetesLauncherFaultsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

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

  private Future<TrainingResult> start(String runId, int nodes) {
    KubernetesLauncher launcher =
        new KubernetesLauncher(
            cluster.newClient(),
            recorder,
            LauncherOptions.defaults().withLogDrain(Duration.ofSeconds(5)));
    return executor.submit(
        () -> launcher.run(FakeCluster.plan(runId, nodes), FakeCluster.spec(nodes)));
  }

  @Test
  void shouldKeepTheStateRightWhenWatchesEndWith410Gone() throws Exception {
    Future<TrainingResult> run = start("run-gone", 2);
    cluster.running(0, 1);
    await().atMost(WAIT).until(() -> recorder.saw("rank 1 running"));
    long podLists = cluster.count("GET", "/pods\\?labelSelector=[^&]*(&resourceVersion=0)?$");
    long jobLists = cluster.count("GET", "/jobs\\?fieldSelector=[^&]*(&resourceVersion=0)?$");

    // every watch ends with 410 Gone and new watches fail the same way: only a re-list sees these
    cluster.breakWatches();
    cluster.log(0, "done 0");
    cluster.succeeded(0);
    cluster.terminated(1, "Failed", 7, "Error");

    TrainingResult result = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    cluster.healWatches();
    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.ranks())
        .containsExactly(
            new RankStatus(0, RankState.SUCCEEDED, 0, null),
            new RankStatus(1, RankState.FAILED, 7, "exit code 7"));
    assertThat(result.firstFailure().rank()).isEqualTo(1);
    assertThat(cluster.count("GET", "/pods\\?labelSelector=[^&]*(&resourceVersion=0)?$"))
        .as("the pod informer listed again after 410 Gone")
        .isGreaterThan(podLists);
    assertThat(cluster.count("GET", "/jobs\\?fieldSelector=[^&]*(&resourceVersion=0)?$"))
        .as("the Job informer listed again after 410 Gone")
        .isGreaterThan(jobLists);
    assertThat(recorder.linesOf(0)).containsExactly("done 0");
    assertThat(cluster.leftovers("run-gone")).isEmpty();
  }

  @Test
  void shouldRetryServerErrors() throws Exception {
    cluster.fail("POST", "/apis/batch/v1/namespaces/train/jobs$", 500, 3);
    cluster.fail("GET", "/api/v1/namespaces/train/pods\\?labelSelector=", 503, 2);
    cluster.fail("PATCH", "/api/v1/namespaces/train/services/run-500$", 500, 1);

    Future<TrainingResult> run = start("run-500", 2);
    cluster.running(0, 1);
    cluster.succeeded(0, 1);

    TrainingResult result = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(result.state()).isEqualTo(TrainingState.SUCCEEDED);
    assertThat(cluster.count("POST", "/apis/batch/v1/namespaces/train/jobs$"))
        .as("three 500s, then the Job was created")
        .isEqualTo(4);
    assertThat(recorder.events).noneMatch(event -> event.contains("could not"));
    assertThat(cluster.leftovers("run-500")).isEmpty();
  }

  @Test
  void shouldNameARefusalAndTakeBackWhatWasCreated() throws Exception {
    cluster.fail("POST", "/apis/batch/v1/namespaces/train/jobs$", 403, 1);

    TrainingResult result = start("run-403", 1).get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure().reason())
        .startsWith("cannot create Job run-403 in namespace train: ")
        .contains("injected by the test");
    assertThat(cluster.leftovers("run-403"))
        .as("the ConfigMap and Service created before are deleted again")
        .isEmpty();
  }
}
