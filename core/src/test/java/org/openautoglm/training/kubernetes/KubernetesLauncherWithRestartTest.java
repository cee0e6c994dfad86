package org.openautoglm.training.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.openautoglm.training.kubernetes.FakeCluster.NS;

import io.fabric8.kubernetes.client.KubernetesClient;
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

/**
 * A run survives the process that submitted it: a second launcher, with its own client, finds the
 * Job by the run's labels and follows it to its end (Jenkins or the CLI restarted).
 */
class KubernetesLauncherWithRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private FakeCluster cluster;
  private ExecutorService executor;

  @BeforeEach
  void startCluster() {
    cluster = new FakeCluster().startController();
    executor = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stopCluster() {
    executor.shutdownNow();
    cluster.close();
  }

  @Test
  void shouldReattachByRunIdAndFollowTheRunToItsEnd() throws Exception {
    FakeCluster.Recorder before = new FakeCluster.Recorder();
    KubernetesClient first = cluster.newClient();
    new KubernetesLauncher(first, before, LauncherOptions.defaults())
        .submit(FakeCluster.plan("run-again", 2), FakeCluster.spec(2));
    cluster.running(0, 1);
    cluster.log(0, "printed before the restart");
    first.close(); // the submitting process is gone; the Job is not

    FakeCluster.Recorder after = new FakeCluster.Recorder();
    KubernetesLauncher second =
        new KubernetesLauncher(
            cluster.newClient(),
            after,
            LauncherOptions.defaults().withLogDrain(Duration.ofSeconds(5)));
    Future<TrainingResult> run = executor.submit(() -> second.attach(NS, "run-again"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                second.ranks().size() == 2
                    && second.ranks().stream().allMatch(rank -> rank.state() == RankState.RUNNING));
    cluster.log(0, "printed after the restart");
    cluster.log(1, "rank 1 after the restart");
    await().atMost(WAIT).until(() -> after.linesOf(0).contains("printed after the restart"));
    cluster.succeeded(0, 1);

    TrainingResult result = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(result.state()).isEqualTo(TrainingState.SUCCEEDED);
    assertThat(result.ranks())
        .containsExactly(
            new RankStatus(0, RankState.SUCCEEDED, 0, null),
            new RankStatus(1, RankState.SUCCEEDED, 0, null));
    assertThat(after.linesOf(0))
        .as("lines printed before the re-attach are not repeated")
        .containsExactly("printed after the restart");
    assertThat(after.linesOf(1)).containsExactly("rank 1 after the restart");
    assertThat(after.saw("re-attached to Job run-again in namespace train")).isTrue();
    assertThat(cluster.leftovers("run-again")).isEmpty();
  }

  @Test
  void shouldKeepTheDeadlineStampedAtSubmission() throws Exception {
    new KubernetesLauncher(
            cluster.newClient(),
            new FakeCluster.Recorder(),
            LauncherOptions.defaults().withTimeout(Duration.ofSeconds(1)))
        .submit(FakeCluster.plan("run-late", 1), FakeCluster.spec(1));
    cluster.running(0);

    TrainingResult result =
        new KubernetesLauncher(cluster.newClient(), new FakeCluster.Recorder())
            .attach(NS, "run-late");

    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure().reason()).startsWith("the run timed out (deadline ");
    assertThat(cluster.leftovers("run-late")).isEmpty();
  }

  @Test
  void shouldReportARunFinishedWhileNobodyWatched() throws Exception {
    new KubernetesLauncher(cluster.newClient(), new FakeCluster.Recorder())
        .submit(FakeCluster.plan("run-done", 2), FakeCluster.spec(2));
    cluster.running(0, 1);
    cluster.terminated(0, "Failed", 137, "OOMKilled");

    TrainingResult result =
        new KubernetesLauncher(cluster.newClient(), new FakeCluster.Recorder())
            .attach(NS, "run-done");

    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure().reason()).startsWith("OOMKilled");
    assertThat(result.ranks().get(1).state()).isEqualTo(RankState.STOPPED);
  }

  @Test
  void shouldSayWhenThereIsNoSuchRun() {
    KubernetesLauncher launcher =
        new KubernetesLauncher(cluster.newClient(), new FakeCluster.Recorder());

    assertThatThrownBy(() -> launcher.attach(NS, "run-unknown"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "no Job of run run-unknown in namespace train: it finished and was cleaned up, or it"
                + " never started");
  }
}
