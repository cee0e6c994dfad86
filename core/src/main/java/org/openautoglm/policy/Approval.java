package org.openautoglm.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * A recorded approval of one snapshot for one environment.
 *
 * <p>The approver's groups are those recorded when the approval was given; the approver's roles are
 * worked out again from the current policy each time the approval is counted, so removing someone
 * from a role also withdraws the weight of their pending approvals.
 *
 * @param approver who approved
 * @param environment the environment the approval is for
 * @param snapshotDigest the digest of the approved snapshot; an approval never carries over to
 *     another snapshot
 * @param version the version label of that snapshot ({@code v5}), or {@code null}
 * @param approvedAt when it was given; the environment's {@code approvalExpiry} counts from here
 */
public record Approval(
    Actor approver, String environment, String snapshotDigest, String version, Instant approvedAt) {

  public Approval {
    Objects.requireNonNull(approver, "approver");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(snapshotDigest, "snapshotDigest");
    Objects.requireNonNull(approvedAt, "approvedAt");
  }

  SnapshotRef snapshot() {
    return new SnapshotRef(snapshotDigest, version);
  }
}
