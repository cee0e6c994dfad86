package org.openautoglm.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request to promote a snapshot into an environment, and the approvals it has collected. It lives
 * in the environment's state; every change to it is an entry in the environment's history.
 *
 * <p>Who may approve, and how many approvals a promotion needs, is the policy's decision: the
 * registry records {@link #required()} as the policy set it and counts distinct approvers.
 *
 * @param id the request's number in its environment: the seq of the entry that opened it
 * @param environment the environment to promote into
 * @param snapshot digest of the snapshot to promote
 * @param version its model version
 * @param requester who asked
 * @param reason why, or {@code null}
 * @param requestedAt when
 * @param required approvals needed before the request counts as approved
 * @param approvals the approvals so far, oldest first, one per approver
 * @param state where the request stands
 */
public record ApprovalRequest(
    String id,
    String environment,
    String snapshot,
    int version,
    String requester,
    String reason,
    Instant requestedAt,
    int required,
    List<Approval> approvals,
    State state) {

  public ApprovalRequest {
    approvals = approvals == null ? List.of() : List.copyOf(approvals);
  }

  /** Whether the request still waits for approvals or for its promotion. */
  public boolean pending() {
    return state == State.OPEN || state == State.APPROVED;
  }

  /** The users who approved, oldest first. */
  public List<String> approvers() {
    return approvals.stream().map(Approval::user).toList();
  }

  /** The request with one more approval; it counts as approved once it has {@link #required()}. */
  public ApprovalRequest withApproval(String user, Instant at) {
    List<Approval> more = new ArrayList<>(approvals);
    more.add(new Approval(user, at));
    State next = more.size() >= required ? State.APPROVED : State.OPEN;
    return with(more, next);
  }

  /** The request in another state (consumed by a promotion, rejected, expired by a policy). */
  public ApprovalRequest withState(State next) {
    return with(approvals, next);
  }

  private ApprovalRequest with(List<Approval> newApprovals, State next) {
    return new ApprovalRequest(
        id,
        environment,
        snapshot,
        version,
        requester,
        reason,
        requestedAt,
        required,
        newApprovals,
        next);
  }

  /** One approval: who and when. */
  public record Approval(String user, Instant at) {}

  /** Where a request stands. The JSON form is the lower-case name. */
  public enum State {
    /** Waiting for approvals. */
    OPEN,
    /** Has the approvals it needs; waiting to be promoted. */
    APPROVED,
    /** An approver said no. */
    REJECTED,
    /** Superseded or too old; the policy decides when. */
    EXPIRED,
    /** The promotion it allowed has happened. */
    CONSUMED;

    /** The name used in JSON. */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The state with that JSON name. */
    public static State fromJson(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }
}
