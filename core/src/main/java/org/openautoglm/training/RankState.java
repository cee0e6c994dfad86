package org.openautoglm.training;

/** Where one rank stands. */
public enum RankState {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  /** Stopped by autoglm because another rank failed, the run timed out or was cancelled. */
  STOPPED
}
