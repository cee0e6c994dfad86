package org.openautoglm.registry;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One event in an environment's history: one commit on the environment's ref. The history is the
 * audit trail, so an entry says who did what, when, why, and who approved it.
 *
 * @param seq position in the environment's history, 1 for the first entry; assigned by the registry
 * @param action what happened
 * @param version the model version concerned, or {@code null}
 * @param snapshot digest of the snapshot concerned, or {@code null}
 * @param actor who did it
 * @param approvers who approved it (for a promotion: the approvals of the request it consumed)
 * @param at when it happened
 * @param reason why, in the actor's words, or {@code null}
 * @param verified whether the environment's current snapshot counted as verified right after this
 *     entry (a passed health check sets it, a promotion or rollback clears it); filled in by the
 *     registry
 */
public record HistoryEntry(
    long seq,
    Action action,
    Integer version,
    String snapshot,
    String actor,
    List<String> approvers,
    Instant at,
    String reason,
    boolean verified) {

  public HistoryEntry {
    approvers = approvers == null ? List.of() : List.copyOf(approvers);
  }

  /**
   * An entry to {@linkplain Registry#append append}; {@code seq} and {@code verified} are filled in
   * by the registry, a {@code null} time by its clock.
   */
  public static HistoryEntry of(
      Action action,
      Integer version,
      String snapshot,
      String actor,
      List<String> approvers,
      Instant at,
      String reason) {
    return new HistoryEntry(0, action, version, snapshot, actor, approvers, at, reason, false);
  }

  HistoryEntry completed(
      long assignedSeq, String checkedActor, Instant time, boolean verifiedAfter) {
    return new HistoryEntry(
        assignedSeq,
        action,
        version,
        snapshot,
        checkedActor,
        approvers,
        time,
        reason,
        verifiedAfter);
  }

  /** A few words for conflict messages: {@code promote v6 by bob}. */
  public String summary() {
    StringBuilder text = new StringBuilder(action.json());
    if (action == Action.ROLLBACK) {
      text.append(" to");
    }
    if (version != null) {
      text.append(" v").append(version);
    } else if (snapshot != null) {
      text.append(' ').append(Digests.shorten(snapshot));
    }
    if (action == Action.VERIFY) {
      text.append(verified ? " (passed)" : " (failed)");
    }
    return text.append(" by ").append(actor).toString();
  }

  /** What happened in an entry. The JSON form is the lower-case name. */
  public enum Action {
    /** Someone asked for approval to promote a snapshot. */
    REQUEST,
    /** An approver approved a request. */
    APPROVE,
    /** An approver rejected a request. */
    REJECT,
    /** A snapshot became the environment's current one. */
    PROMOTE,
    /** The environment went back to an earlier (verified) snapshot. */
    ROLLBACK,
    /** A health check of the current snapshot ran; {@link HistoryEntry#verified} says how. */
    VERIFY;

    /** The name used in JSON and on the command line. */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The action with that JSON name. */
    public static Action fromJson(String name) {
      for (Action action : values()) {
        if (action.json().equals(name)) {
          return action;
        }
      }
      throw new IllegalArgumentException("unknown history action '" + name + "'");
    }
  }
}
