package org.openautoglm.status;

import java.util.Locale;

/**
 * Where a run stands. A run moves forward along {@code PENDING → VALIDATING → TRAINING →
 * AWAITING_APPROVAL → DEPLOYING → VERIFIED}, skipping phases it has no work for (a promotion run
 * neither validates nor trains), and leaves through {@link #FAILED}, {@link #ABORTED} or {@link
 * #ROLLED_BACK}.
 *
 * <p>{@link #VERIFIED} means everything the run was asked to do passed its check: a training run
 * whose ranks all succeeded, a deploy whose health check passed. A verified deploy can still become
 * {@link #ROLLED_BACK} later, when someone rolls its environment back; nothing else leaves a final
 * state.
 */
public enum RunState {
  PENDING,
  VALIDATING,
  TRAINING,
  AWAITING_APPROVAL,
  DEPLOYING,
  VERIFIED,
  FAILED,
  ABORTED,
  ROLLED_BACK;

  /** Whether the run is over (a verified run can still be rolled back, see the class comment). */
  public boolean finished() {
    return this == VERIFIED || this == FAILED || this == ABORTED || this == ROLLED_BACK;
  }

  /** Whether the run ended without doing what it was asked to. */
  public boolean unsuccessful() {
    return this == FAILED || this == ABORTED || this == ROLLED_BACK;
  }

  /** Whether a run in this state may move to {@code next}. */
  public boolean canMoveTo(RunState next) {
    if (this == VERIFIED) {
      return next == ROLLED_BACK;
    }
    if (finished()) {
      return false;
    }
    if (next == FAILED || next == ABORTED) {
      return true;
    }
    if (next == ROLLED_BACK) {
      // An automatic rollback after a failed deploy or health check.
      return this == DEPLOYING;
    }
    // Forward along the chain, skipping what the run has no work for; never back.
    return next.ordinal() > ordinal() && next.ordinal() <= VERIFIED.ordinal();
  }

  /** The JSON form: the name in upper case, as in the docs. */
  public String json() {
    return name();
  }

  /** Reads the JSON form. */
  public static RunState fromJson(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
