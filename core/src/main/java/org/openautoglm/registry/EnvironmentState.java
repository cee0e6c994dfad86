package org.openautoglm.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where an environment stands now: what it runs, since when, whether that passed its health check,
 * what it can roll back to, and the approval requests in flight.
 *
 * <p>The registry keeps this small document in the tip commit of the environment's ref, so reading
 * it costs the same with ten entries of history as with ten thousand. Its size is bounded: at most
 * {@value #MAX_VERIFIED} verified snapshots and {@value #MAX_CLOSED_REQUESTS} closed requests are
 * kept (the history has them all).
 *
 * @param environment the environment's name
 * @param seq the seq of the newest history entry; {@code 0} before the first
 * @param snapshot digest of the current snapshot, or {@code null} if nothing was ever promoted
 * @param version model version of the current snapshot, or {@code null}
 * @param since when the current snapshot was deployed, or {@code null}
 * @param by who deployed it, or {@code null}
 * @param verified whether the current snapshot passed its health check here since it was deployed
 * @param lastVerified snapshots that passed a health check here, newest first, without repeats;
 *     rollback goes to the first that is not the current one
 * @param approvals requests still pending, then the most recent closed ones, in request order
 */
public record EnvironmentState(
    String environment,
    long seq,
    String snapshot,
    Integer version,
    Instant since,
    String by,
    boolean verified,
    List<String> lastVerified,
    List<ApprovalRequest> approvals) {

  /** Most verified snapshots remembered for rollback. */
  public static final int MAX_VERIFIED = 20;

  /** Most closed approval requests kept in the state (all stay in the history). */
  public static final int MAX_CLOSED_REQUESTS = 10;

  public EnvironmentState {
    lastVerified = lastVerified == null ? List.of() : List.copyOf(lastVerified);
    approvals = approvals == null ? List.of() : List.copyOf(approvals);
  }

  /** An environment nothing has happened in yet. */
  public static EnvironmentState empty(String environment) {
    return new EnvironmentState(
        environment, 0, null, null, null, null, false, List.of(), List.of());
  }

  /** The snapshot a rollback returns to: the newest verified one that is not current. */
  public Optional<String> rollbackTarget() {
    return lastVerified.stream().filter(digest -> !digest.equals(snapshot)).findFirst();
  }

  /** The approval request with that id. */
  public Optional<ApprovalRequest> approval(String id) {
    return approvals.stream().filter(request -> request.id().equals(id)).findFirst();
  }

  /** The requests still open or approved and not yet promoted. */
  public List<ApprovalRequest> pendingApprovals() {
    return approvals.stream().filter(ApprovalRequest::pending).toList();
  }

  /** The state after deploying a snapshot (promotion or rollback): not verified until checked. */
  public EnvironmentState deployed(String digest, int modelVersion, String actor, Instant at) {
    return new EnvironmentState(
        environment, seq, digest, modelVersion, at, actor, false, lastVerified, approvals);
  }

  /**
   * The state after a health check of the current snapshot: a pass marks it verified and puts it
   * first among the rollback targets; a failure marks it unverified.
   */
  public EnvironmentState checked(boolean passed) {
    List<String> verifiedStack = lastVerified;
    if (passed && snapshot != null) {
      List<String> stack = new ArrayList<>();
      stack.add(snapshot);
      lastVerified.stream().filter(digest -> !digest.equals(snapshot)).forEach(stack::add);
      verifiedStack = stack.subList(0, Math.min(stack.size(), MAX_VERIFIED));
    }
    return new EnvironmentState(
        environment, seq, snapshot, version, since, by, passed, verifiedStack, approvals);
  }

  /**
   * The state with an approval request added or replaced (same id); closed requests beyond {@value
   * #MAX_CLOSED_REQUESTS} are dropped, oldest first.
   */
  public EnvironmentState withRequest(ApprovalRequest request) {
    List<ApprovalRequest> all = new ArrayList<>();
    boolean replaced = false;
    for (ApprovalRequest existing : approvals) {
      if (existing.id().equals(request.id())) {
        all.add(request);
        replaced = true;
      } else {
        all.add(existing);
      }
    }
    if (!replaced) {
      all.add(request);
    }
    long closed = all.stream().filter(r -> !r.pending()).count();
    List<ApprovalRequest> kept = new ArrayList<>();
    for (ApprovalRequest r : all) {
      if (!r.pending() && closed > MAX_CLOSED_REQUESTS) {
        closed--;
        continue;
      }
      kept.add(r);
    }
    return new EnvironmentState(
        environment, seq, snapshot, version, since, by, verified, lastVerified, kept);
  }

  EnvironmentState atSeq(long newSeq) {
    return new EnvironmentState(
        environment, newSeq, snapshot, version, since, by, verified, lastVerified, approvals);
  }
}
