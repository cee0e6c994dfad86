package org.openautoglm.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The gates on promoting to one environment.
 *
 * @param environment the environment's name
 * @param requires environments a snapshot must be verified in before it may come here
 * @param approvals how many distinct people must approve the snapshot for this environment
 * @param approvers roles whose holders' approvals count; empty means every role with the approve
 *     right for this environment
 * @param approvalExpiry how long an approval counts after it was given, or {@code null} for ever
 * @param allowSelfApproval whether the person who asks for the promotion may also approve it
 */
public record EnvironmentRule(
    String environment,
    List<String> requires,
    int approvals,
    List<String> approvers,
    Duration approvalExpiry,
    boolean allowSelfApproval) {

  public EnvironmentRule {
    Objects.requireNonNull(environment, "environment");
    requires = List.copyOf(requires);
    approvers = List.copyOf(approvers);
    if (approvals < 0) {
      throw new IllegalArgumentException(
          environment + ": approvals must be 0 or more, not " + approvals);
    }
    if (approvalExpiry != null && (approvalExpiry.isNegative() || approvalExpiry.isZero())) {
      throw new IllegalArgumentException(environment + ": approvalExpiry must be positive");
    }
  }

  /** No gates: any holder of the promote right may promote at once. */
  public static EnvironmentRule none(String environment) {
    return new EnvironmentRule(environment, List.of(), 0, List.of(), null, false);
  }

  /** Whether this rule adds nothing to the role rights. */
  public boolean isEmpty() {
    return requires.isEmpty() && approvals == 0;
  }

  /**
   * This rule and {@code other} for the same environment, at least as strict as each: every
   * required environment of both, the larger number of approvals, only approver roles both accept,
   * the shorter expiry, and self-approval only if both allow it. A project's rules can so tighten
   * the operator's, never loosen them.
   *
   * @throws IllegalArgumentException when both restrict approvers and no role is in both lists
   */
  public EnvironmentRule merge(EnvironmentRule other) {
    if (!environment.equals(other.environment)) {
      throw new IllegalArgumentException(
          "cannot merge the rules of " + environment + " and " + other.environment);
    }
    Set<String> allRequired = new LinkedHashSet<>(requires);
    allRequired.addAll(other.requires);
    List<String> mergedApprovers;
    if (approvers.isEmpty()) {
      mergedApprovers = other.approvers;
    } else if (other.approvers.isEmpty()) {
      mergedApprovers = approvers;
    } else {
      mergedApprovers = new ArrayList<>(approvers);
      mergedApprovers.retainAll(other.approvers);
      if (mergedApprovers.isEmpty()) {
        throw new IllegalArgumentException(
            environment
                + ": one source lets "
                + Phrases.or(approvers)
                + " approve and the other "
                + Phrases.or(other.approvers)
                + "; no role is in both, so nobody could approve");
      }
    }
    Duration expiry;
    if (approvalExpiry == null) {
      expiry = other.approvalExpiry;
    } else if (other.approvalExpiry == null) {
      expiry = approvalExpiry;
    } else {
      expiry =
          approvalExpiry.compareTo(other.approvalExpiry) <= 0
              ? approvalExpiry
              : other.approvalExpiry;
    }
    return new EnvironmentRule(
        environment,
        List.copyOf(allRequired),
        Math.max(approvals, other.approvals),
        mergedApprovers,
        expiry,
        allowSelfApproval && other.allowSelfApproval);
  }
}
