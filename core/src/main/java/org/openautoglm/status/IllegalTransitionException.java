package org.openautoglm.status;

/** A run was asked to move to a state it cannot reach from where it stands. */
public final class IllegalTransitionException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final RunState from;
  private final RunState to;

  public IllegalTransitionException(String runId, RunState from, RunState to) {
    super(
        "run "
            + runId
            + " is "
            + from
            + (from.finished() ? " (finished)" : "")
            + " and cannot become "
            + to);
    this.from = from;
    this.to = to;
  }

  public RunState from() {
    return from;
  }

  public RunState to() {
    return to;
  }
}
