package org.openautoglm.training.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openautoglm.training.RankState;
import org.openautoglm.training.RankStatus;

/** How the launcher reads a rank's state from its pod (pure rules, no server). */
class KubernetesLauncherPodStatesTest {
  private static PodBuilder pod(String name, int index, String uid) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels(TrainingLabels.COMPLETION_INDEX, Integer.toString(index))
        .addNewOwnerReference()
        .withUid(uid)
        .withKind("Job")
        .endOwnerReference()
        .withCreationTimestamp("2025-01-01T00:00:0" + index + "Z")
        .endMetadata()
        .withNewSpec()
        .endSpec();
  }

  private static Pod waiting(String reason, String message) {
    return pod("p", 0, "u")
        .withNewStatus()
        .withPhase("Pending")
        .addToContainerStatuses(
            new ContainerStatusBuilder()
                .withName("trainer")
                .withState(
                    new ContainerStateBuilder()
                        .withNewWaiting()
                        .withReason(reason)
                        .withMessage(message)
                        .endWaiting()
                        .build())
                .build())
        .endStatus()
        .build();
  }

  private static Pod terminated(String phase, int code, String reason) {
    return pod("p", 0, "u")
        .withNewStatus()
        .withPhase(phase)
        .addToContainerStatuses(
            new ContainerStatusBuilder()
                .withName("sidecar")
                .withState(
                    new ContainerStateBuilder()
                        .withNewTerminated()
                        .withExitCode(0)
                        .endTerminated()
                        .build())
                .build(),
            new ContainerStatusBuilder()
                .withName("trainer")
                .withState(
                    new ContainerStateBuilder()
                        .withNewTerminated()
                        .withExitCode(code)
                        .withReason(reason)
                        .endTerminated()
                        .build())
                .build())
        .endStatus()
        .build();
  }

  @Test
  void shouldReadTheCompletionIndexFromLabelOrAnnotation() {
    Pod annotated =
        new PodBuilder()
            .withNewMetadata()
            .addToAnnotations(TrainingLabels.COMPLETION_INDEX_ANNOTATION, "3")
            .endMetadata()
            .build();
    assertThat(PodStates.completionIndex(pod("a", 2, "u").build())).isEqualTo(2);
    assertThat(PodStates.completionIndex(annotated)).isEqualTo(3);
    assertThat(PodStates.completionIndex(new PodBuilder().withNewMetadata().endMetadata().build()))
        .isEqualTo(-1);
  }

  @Test
  void shouldTakeTheNewestPodOfTheCurrentJobPerIndex() {
    Pod old = pod("old", 0, "job-1").build();
    Pod replaced =
        pod("new", 0, "job-1")
            .editMetadata()
            .withCreationTimestamp("2025-01-01T00:01:00Z")
            .endMetadata()
            .build();
    Pod otherAttempt = pod("other", 1, "job-0").build();

    Map<Integer, Pod> newest =
        PodStates.newestByIndex(List.of(old, replaced, otherAttempt), "job-1", 2);

    assertThat(newest).containsOnlyKeys(0);
    assertThat(newest.get(0).getMetadata().getName()).isEqualTo("new");
  }

  @Test
  void shouldNameWhyAPodIsPending() {
    Pod unschedulable =
        pod("p", 0, "u")
            .withNewStatus()
            .withPhase("Pending")
            .addToConditions(
                new PodConditionBuilder()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withReason("Unschedulable")
                    .withMessage("0/4 nodes are available: 4 Insufficient nvidia.com/gpu.")
                    .build())
            .endStatus()
            .build();

    assertThat(PodStates.status(0, unschedulable, "trainer"))
        .isEqualTo(
            new RankStatus(
                0,
                RankState.PENDING,
                null,
                "Unschedulable: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu."));
    assertThat(PodStates.pendingReason(waiting("ImagePullBackOff", "Back-off pulling image \"x\"")))
        .isEqualTo("ImagePullBackOff: Back-off pulling image \"x\"");
    assertThat(PodStates.pendingReason(pod("p", 0, "u").build()))
        .isEqualTo("waiting to be scheduled");
  }

  @Test
  void shouldNameWhyAPodFailed() {
    assertThat(PodStates.status(0, terminated("Failed", 137, "OOMKilled"), "trainer"))
        .satisfies(
            status -> {
              assertThat(status.state()).isEqualTo(RankState.FAILED);
              assertThat(status.exitCode()).isEqualTo(137);
              assertThat(status.reason()).startsWith("OOMKilled: the container ran out of memory");
            });
    assertThat(PodStates.failure(terminated("Failed", 2, "Error"), "trainer"))
        .isEqualTo("exit code 2");
    assertThat(PodStates.failure(terminated("Failed", 139, "Error"), "trainer"))
        .isEqualTo("exit code 139: killed by signal 11 (SIGSEGV)");
    Pod preempted =
        new PodBuilder(terminated("Failed", 143, "Error"))
            .editStatus()
            .addToConditions(
                new PodConditionBuilder()
                    .withType("DisruptionTarget")
                    .withStatus("True")
                    .withReason("PreemptionByScheduler")
                    .withMessage("preempted by a higher-priority pod")
                    .build())
            .endStatus()
            .build();
    assertThat(PodStates.failure(preempted, "trainer"))
        .isEqualTo("PreemptionByScheduler: preempted by a higher-priority pod (exit code 143)");
  }

  @Test
  void shouldReportAFailedContainerOfARunningPodAtOnce() {
    Pod running = new PodBuilder(terminated("Running", 1, "Error")).build();

    assertThat(PodStates.status(0, running, "trainer"))
        .isEqualTo(new RankStatus(0, RankState.FAILED, 1, "exit code 1"));
  }

  @Test
  void shouldJudgeAFailedPodAsTheJobsPodFailurePolicyWill() {
    io.fabric8.kubernetes.api.model.batch.v1.Job job =
        new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
            .withNewSpec()
            .withBackoffLimit(2)
            .withPodFailurePolicy(KubernetesPlanner.podFailurePolicy())
            .endSpec()
            .build();
    Pod disrupted =
        new PodBuilder(terminated("Failed", 143, "Error"))
            .editStatus()
            .addToConditions(
                new PodConditionBuilder().withType("DisruptionTarget").withStatus("True").build())
            .endStatus()
            .build();

    assertThat(PodStates.failureAction(job, terminated("Failed", 2, "Error")))
        .isEqualTo(PodStates.FailureAction.FAIL_JOB);
    assertThat(PodStates.failureAction(job, terminated("Failed", 1, "Error")))
        .isEqualTo(PodStates.FailureAction.COUNT);
    assertThat(PodStates.failureAction(job, terminated("Failed", 137, "OOMKilled")))
        .isEqualTo(PodStates.FailureAction.COUNT);
    assertThat(PodStates.failureAction(job, disrupted)).isEqualTo(PodStates.FailureAction.IGNORE);
    assertThat(PodStates.backoffLimit(job)).isEqualTo(2);
    assertThat(
            PodStates.failureAction(
                new io.fabric8.kubernetes.api.model.batch.v1.Job(),
                terminated("Failed", 2, "Error")))
        .as("no policy: every failure counts")
        .isEqualTo(PodStates.FailureAction.COUNT);
  }

  @Test
  void shouldReadCompletedIndexes() {
    assertThat(PodStates.indexes("0-2,5")).containsExactly(0, 1, 2, 5);
    assertThat(PodStates.indexes(null)).isEmpty();
    assertThat(PodStates.indexes("garbage")).isEmpty();
  }

  @Test
  void shouldDescribeRanksCompactly() {
    assertThat(RunFollower.describeRanks(List.of(3))).isEqualTo("rank 3");
    assertThat(RunFollower.describeRanks(List.of(0, 1, 2, 5, 7, 8))).isEqualTo("ranks 0-2, 5, 7-8");
  }

  @Test
  void shouldGiveAHintForEachKindOfWait() {
    assertThat(RunFollower.hint("Unschedulable", "Unschedulable: 1 Insufficient nvidia.com/gpu"))
        .contains("fewer GPUs");
    assertThat(RunFollower.hint("Unschedulable", "Unschedulable: node(s) had untolerated taint"))
        .contains("tolerations");
    assertThat(RunFollower.hint("ErrImagePull", "ErrImagePull: not found")).contains("image");
    assertThat(
            RunFollower.hint(
                "waiting for queue admission (queue q)", "waiting for queue admission (queue q)"))
        .contains("kubectl get localqueue,clusterqueue");
  }
}
