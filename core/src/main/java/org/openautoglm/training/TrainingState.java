package org.openautoglm.training;

/** How a training run ended. */
public enum TrainingState {
  SUCCEEDED,
  FAILED,
  ABORTED
}
