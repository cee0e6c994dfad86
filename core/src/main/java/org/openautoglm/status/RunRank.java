package org.openautoglm.status;

import org.openautoglm.training.RankStatus;

/**
 * One rank of a training run as the status shows it.
 *
 * @param state {@code PENDING}, {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED} or {@code
 *     STOPPED}
 * @param exitCode the process's exit code once it ended, else {@code null}
 * @param reason why it is pending, failed or was stopped, or {@code null}
 */
public record RunRank(int rank, String state, Integer exitCode, String reason) {

  /** The status of a rank as a launcher reported it. */
  public static RunRank of(RankStatus status) {
    return new RunRank(status.rank(), status.state().name(), status.exitCode(), status.reason());
  }
}
