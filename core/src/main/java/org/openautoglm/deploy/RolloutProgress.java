package org.openautoglm.deploy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

/**
 * Where a Deployment's rollout stands, judged from its status the way {@code kubectl rollout
 * status} does: complete once the controller has seen the change (observed generation at least the
 * one we wrote), every desired replica runs the new template and is available, and no old replica
 * is left; failed once the controller reports {@code ProgressDeadlineExceeded}.
 */
record RolloutProgress(
    boolean observed,
    long observedGeneration,
    long generation,
    int desired,
    int updated,
    int available,
    int total,
    boolean paused,
    String deadlineExceeded) {

  static final String DEADLINE_REASON = "ProgressDeadlineExceeded";

  /**
   * @param generation the generation our change produced; older observations do not count
   */
  static RolloutProgress of(Deployment deployment, long generation) {
    DeploymentStatus status = deployment.getStatus();
    Integer specReplicas = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
    int desired = specReplicas == null ? 1 : specReplicas;
    boolean paused =
        deployment.getSpec() != null && Boolean.TRUE.equals(deployment.getSpec().getPaused());
    if (status == null) {
      return new RolloutProgress(false, 0, generation, desired, 0, 0, 0, paused, null);
    }
    long observedGeneration =
        status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
    String deadline = null;
    if (status.getConditions() != null) {
      for (DeploymentCondition condition : status.getConditions()) {
        if ("Progressing".equals(condition.getType())
            && DEADLINE_REASON.equals(condition.getReason())) {
          deadline = condition.getMessage() == null ? "" : condition.getMessage();
        }
      }
    }
    return new RolloutProgress(
        observedGeneration >= generation,
        observedGeneration,
        generation,
        desired,
        count(status.getUpdatedReplicas()),
        count(status.getAvailableReplicas()),
        count(status.getReplicas()),
        paused,
        deadline);
  }

  private static int count(Integer value) {
    return value == null ? 0 : value;
  }

  boolean complete() {
    return observed
        && deadlineExceeded == null
        && updated >= desired
        && available >= desired
        && total <= updated;
  }

  boolean failed() {
    return observed && deadlineExceeded != null;
  }

  /** {@code 1 of 3 replicas updated, 3 available, 3 old replicas still running}, and so on. */
  String describe() {
    if (!observed) {
      return "the deployment controller has not yet picked up the change (observed generation "
          + observedGeneration
          + ", expected "
          + generation
          + ")"
          + (paused ? "; the deployment is paused" : "");
    }
    StringBuilder text = new StringBuilder();
    text.append(updated)
        .append(" of ")
        .append(desired)
        .append(desired == 1 ? " replica" : " replicas")
        .append(" updated, ")
        .append(available)
        .append(" available");
    if (total > updated) {
      int old = total - updated;
      text.append(", ").append(old).append(old == 1 ? " old replica" : " old replicas");
      text.append(" still running");
    }
    if (paused) {
      text.append("; the deployment is paused");
    }
    if (deadlineExceeded != null) {
      text.append(", ").append(DEADLINE_REASON);
      if (!deadlineExceeded.isBlank()) {
        text.append(": ").append(deadlineExceeded);
      }
    }
    return text.toString();
  }
}
