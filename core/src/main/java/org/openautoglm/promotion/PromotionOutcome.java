package org.openautoglm.promotion;

/** How a promotion, approval or rollback ended, with the CLI's exit code for it. */
public enum PromotionOutcome {
  /** Done: deployed and verified (or, for an approval, recorded). */
  DONE(0),
  /** The deploy or health check failed (after an automatic rollback, if there was one). */
  FAILED(1),
  /** The policy does not allow it; the message says why. */
  DENIED(3),
  /** The environment moved meanwhile; nothing was changed. */
  CONFLICT(4),
  /** Approvals are missing; a request is open. */
  WAITING_FOR_APPROVAL(5);

  private final int exitCode;

  PromotionOutcome(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
