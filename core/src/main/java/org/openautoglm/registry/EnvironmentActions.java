package org.openautoglm.registry;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The changes people make to an environment (promote, roll back, verify, request, approve, reject)
 * as plans for {@link EnvironmentHistory#append}: each checks the state it is applied to, which is
 * exactly the state at the caller's expected seq, and says what entry and state follow.
 */
final class EnvironmentActions {
  private final SnapshotStore snapshots;
  private final Supplier<Instant> clock;

  EnvironmentActions(SnapshotStore snapshots, Supplier<Instant> clock) {
    this.snapshots = snapshots;
    this.clock = clock;
  }

  Function<EnvironmentState, EnvironmentHistory.Change> promote(
      Snapshot snapshot, String actor, String reason, String approvalId) {
    return state -> {
      Snapshot stored = stored(snapshot.digest());
      Instant at = clock.get();
      EnvironmentState next = state;
      List<String> approvers = List.of();
      if (approvalId != null) {
        ApprovalRequest request = request(state, approvalId);
        if (request.state() != ApprovalRequest.State.APPROVED) {
          throw new RegistryException(
              "approval request #"
                  + approvalId
                  + " in "
                  + state.environment()
                  + " is "
                  + describe(request)
                  + "; it cannot be used for a promotion");
        }
        if (!request.snapshot().equals(stored.digest())) {
          throw new RegistryException(
              "approval request #"
                  + approvalId
                  + " approves "
                  + Digests.shorten(request.snapshot())
                  + " (v"
                  + request.version()
                  + "), not "
                  + stored.shortDigest()
                  + " (v"
                  + stored.version()
                  + ")");
        }
        approvers = request.approvers();
        next = next.withRequest(request.withState(ApprovalRequest.State.CONSUMED));
      }
      next = next.deployed(stored.digest(), stored.version(), actor, at);
      return new EnvironmentHistory.Change(
          new HistoryEntry(
              0,
              HistoryEntry.Action.PROMOTE,
              stored.version(),
              stored.digest(),
              actor,
              approvers,
              at,
              reason,
              false),
          next,
          approvalId);
    };
  }

  Function<EnvironmentState, EnvironmentHistory.Change> rollback(
      String targetDigest, String actor, String reason) {
    return state -> {
      String target =
          targetDigest != null
              ? targetDigest
              : state
                  .rollbackTarget()
                  .orElseThrow(
                      () ->
                          new RegistryException(
                              state.environment()
                                  + " has no earlier verified snapshot to roll back to"
                                  + (state.snapshot() == null
                                      ? " (nothing was ever deployed there)"
                                      : "; name a snapshot to roll back to")));
      Snapshot snapshot = stored(target);
      if (snapshot.digest().equals(state.snapshot())) {
        throw new RegistryException(
            state.environment()
                + " runs "
                + snapshot.shortDigest()
                + " already; nothing to roll back");
      }
      Instant at = clock.get();
      return new EnvironmentHistory.Change(
          HistoryEntry.of(
              HistoryEntry.Action.ROLLBACK,
              snapshot.version(),
              snapshot.digest(),
              actor,
              List.of(),
              at,
              reason),
          state.deployed(snapshot.digest(), snapshot.version(), actor, at),
          null);
    };
  }

  Function<EnvironmentState, EnvironmentHistory.Change> verify(
      String snapshotDigest, boolean passed, String actor, String reason) {
    return state -> {
      if (state.snapshot() == null) {
        throw new RegistryException(
            state.environment() + " has nothing deployed; there is no health check to record");
      }
      String hex = Digests.hexOf(snapshotDigest);
      if (hex == null
          || hex.length() < Digests.MIN_PREFIX
          || !Digests.hexOf(state.snapshot()).startsWith(hex)) {
        throw new RegistryException(
            state.environment()
                + " runs "
                + Digests.shorten(state.snapshot())
                + " now, not "
                + Digests.shorten(snapshotDigest)
                + "; the health check was of a deployment that is no longer current");
      }
      return new EnvironmentHistory.Change(
          HistoryEntry.of(
              HistoryEntry.Action.VERIFY,
              state.version(),
              state.snapshot(),
              actor,
              List.of(),
              clock.get(),
              reason),
          state.checked(passed),
          null);
    };
  }

  Function<EnvironmentState, EnvironmentHistory.Change> request(
      Snapshot snapshot, int required, String requester, String reason) {
    return state -> {
      if (required < 0) {
        throw new RegistryException("an approval request cannot need " + required + " approvals");
      }
      Snapshot stored = stored(snapshot.digest());
      Instant at = clock.get();
      String id = Long.toString(state.seq() + 1);
      EnvironmentState next = state;
      // One request per environment at a time: a new one supersedes those still pending.
      for (ApprovalRequest pending : state.pendingApprovals()) {
        next = next.withRequest(pending.withState(ApprovalRequest.State.EXPIRED));
      }
      ApprovalRequest request =
          new ApprovalRequest(
              id,
              state.environment(),
              stored.digest(),
              stored.version(),
              requester,
              reason,
              at,
              required,
              List.of(),
              required == 0 ? ApprovalRequest.State.APPROVED : ApprovalRequest.State.OPEN);
      return new EnvironmentHistory.Change(
          HistoryEntry.of(
              HistoryEntry.Action.REQUEST,
              stored.version(),
              stored.digest(),
              requester,
              List.of(),
              at,
              reason),
          next.withRequest(request),
          id);
    };
  }

  Function<EnvironmentState, EnvironmentHistory.Change> approve(
      String requestId, String approver, String reason) {
    return state -> {
      ApprovalRequest request = request(state, requestId);
      if (!request.pending()) {
        throw new RegistryException(
            "approval request #"
                + requestId
                + " is "
                + describe(request)
                + "; it cannot be approved");
      }
      if (request.approvers().contains(approver)) {
        throw new RegistryException(
            approver
                + " has approved request #"
                + requestId
                + " already; it needs another approver");
      }
      Instant at = clock.get();
      ApprovalRequest approved = request.withApproval(approver, at);
      return new EnvironmentHistory.Change(
          HistoryEntry.of(
              HistoryEntry.Action.APPROVE,
              request.version(),
              request.snapshot(),
              approver,
              approved.approvers(),
              at,
              reason),
          state.withRequest(approved),
          requestId);
    };
  }

  Function<EnvironmentState, EnvironmentHistory.Change> reject(
      String requestId, String approver, String reason) {
    return state -> {
      ApprovalRequest request = request(state, requestId);
      if (!request.pending()) {
        throw new RegistryException(
            "approval request #"
                + requestId
                + " is "
                + describe(request)
                + "; it cannot be rejected");
      }
      return new EnvironmentHistory.Change(
          HistoryEntry.of(
              HistoryEntry.Action.REJECT,
              request.version(),
              request.snapshot(),
              approver,
              request.approvers(),
              clock.get(),
              reason),
          state.withRequest(request.withState(ApprovalRequest.State.REJECTED)),
          requestId);
    };
  }

  private Snapshot stored(String digest) {
    return snapshots
        .read(digest)
        .orElseThrow(
            () ->
                new RegistryException(
                    "no snapshot "
                        + Digests.shorten(digest)
                        + " in the registry; create it with the model version first"));
  }

  private static ApprovalRequest request(EnvironmentState state, String id) {
    return state
        .approval(id)
        .orElseThrow(
            () ->
                new RegistryException(
                    state.environment()
                        + " has no pending approval request #"
                        + id
                        + (state.pendingApprovals().isEmpty()
                            ? ""
                            : "; pending: "
                                + String.join(
                                    ", ",
                                    state.pendingApprovals().stream()
                                        .map(r -> "#" + r.id())
                                        .toList()))));
  }

  private static String describe(ApprovalRequest request) {
    return switch (request.state()) {
      case OPEN ->
          "waiting for approvals ("
              + request.approvals().size()
              + " of "
              + request.required()
              + ")";
      case APPROVED -> "approved";
      case REJECTED -> "rejected";
      case EXPIRED -> "expired (a newer request superseded it)";
      case CONSUMED -> "used by a promotion already";
    };
  }
}
