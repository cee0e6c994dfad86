package org.openautoglm.status;

import java.time.Duration;
import java.time.Instant;

/**
 * One phase of a run: the time it spent in one state.
 *
 * @param state the state
 * @param start when the run entered it
 * @param end when it left, or {@code null} while the run is still in it (a final state's phase ends
 *     when it starts)
 * @param actor who moved the run into this state
 * @param reason why, in words, or {@code null}
 */
public record Phase(RunState state, Instant start, Instant end, String actor, String reason) {

  /** The phase closed at {@code at}. */
  Phase closedAt(Instant at) {
    return end != null ? this : new Phase(state, start, at, actor, reason);
  }

  /** How long the phase took, or has taken up to {@code now}. */
  public Duration duration(Instant now) {
    return Duration.between(start, end != null ? end : now);
  }
}
