package org.openautoglm.training.kubernetes;

import java.util.Map;

/**
 * The labels that tie every Kubernetes object of a run together: how the launcher finds a run's
 * pods again after a restart, and how a cluster admin finds (and cleans up) what autoglm made.
 */
public final class TrainingLabels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "autoglm";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String COMPONENT_VALUE = "training";
  public static final String PROJECT = "autoglm.io/project";
  public static final String RUN = "autoglm.io/run";

  /** Set by the Job controller on the pods of an Indexed Job (Kubernetes 1.28+). */
  public static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

  /** The same index as an annotation, on every Kubernetes version with Indexed Jobs. */
  public static final String COMPLETION_INDEX_ANNOTATION =
      "batch.kubernetes.io/job-completion-index";

  private TrainingLabels() {}

  /** The labels of every object of a run. */
  public static Map<String, String> of(String project, String runId) {
    return Map.of(
        MANAGED_BY, MANAGED_BY_VALUE,
        COMPONENT, COMPONENT_VALUE,
        PROJECT, project,
        RUN, runId);
  }

  /** The selector that finds one run's objects. */
  public static Map<String, String> selector(String runId) {
    return Map.of(MANAGED_BY, MANAGED_BY_VALUE, RUN, runId);
  }
}
