package org.openautoglm.policy;

import java.util.List;
import java.util.Objects;

/**
 * One way an action could be done, for the dry-run "who could promote v7 to production, and how?".
 *
 * @param role the role whose holders could do it
 * @param users the users who hold the role by name
 * @param groups the groups whose members hold the role
 * @param approvalsNeeded how many distinct approvals they would need (promotion only)
 * @param approverRoles whose approvals would count
 * @param verifyFirst environments the snapshot must still be verified in, earliest first
 * @param description the whole route as a sentence
 */
public record Route(
    String role,
    List<String> users,
    List<String> groups,
    int approvalsNeeded,
    List<String> approverRoles,
    List<String> verifyFirst,
    String description) {

  public Route {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(description, "description");
    users = List.copyOf(users);
    groups = List.copyOf(groups);
    approverRoles = List.copyOf(approverRoles);
    verifyFirst = List.copyOf(verifyFirst);
  }

  /** Whether the role's holders could do it now, with nobody else involved. */
  public boolean direct() {
    return approvalsNeeded == 0 && verifyFirst.isEmpty();
  }
}
