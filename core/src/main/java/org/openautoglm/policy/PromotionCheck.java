package org.openautoglm.policy;

import java.util.List;
import java.util.Objects;

/**
 * The answer to "may this snapshot be promoted now?".
 *
 * @param outcome allowed, waiting for approvals, or denied
 * @param reason a sentence that says why, naming what is missing
 * @param approvalsMissing how many more approvals are needed; 0 unless {@code NEEDS_APPROVAL}
 * @param approverRoles the roles whose holders' approvals count for this environment
 * @param countedApprovers the approvers whose approvals counted, each once
 * @param ignoredApprovals for each approval that did not count, why not
 */
public record PromotionCheck(
    Outcome outcome,
    String reason,
    int approvalsMissing,
    List<String> approverRoles,
    List<String> countedApprovers,
    List<String> ignoredApprovals) {

  /**
   * The three ways a promotion check ends; the CLI maps DENIED to exit 3 and NEEDS_APPROVAL to 5.
   */
  public enum Outcome {
    ALLOWED,
    NEEDS_APPROVAL,
    DENIED
  }

  public PromotionCheck {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
    approverRoles = List.copyOf(approverRoles);
    countedApprovers = List.copyOf(countedApprovers);
    ignoredApprovals = List.copyOf(ignoredApprovals);
  }

  static PromotionCheck denied(String reason) {
    return new PromotionCheck(Outcome.DENIED, reason, 0, List.of(), List.of(), List.of());
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOWED;
  }
}
