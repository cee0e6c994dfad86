package org.openautoglm.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Who holds a role: named users, and everyone in the named groups.
 *
 * @param users user names, matched exactly
 * @param groups group names, matched exactly against {@link Actor#groups()}
 */
public record RoleMembers(List<String> users, List<String> groups) {
  public static final RoleMembers NOBODY = new RoleMembers(List.of(), List.of());

  public RoleMembers {
    users = List.copyOf(users);
    groups = List.copyOf(groups);
  }

  /** Whether {@code actor} is one of the users or in one of the groups. */
  public boolean holds(Actor actor) {
    return users.contains(actor.user()) || groups.stream().anyMatch(actor.groups()::contains);
  }

  public boolean isEmpty() {
    return users.isEmpty() && groups.isEmpty();
  }

  /** {@code users alice, bob; groups ml-platform}, or {@code nobody holds it}. */
  String describe() {
    List<String> parts = new ArrayList<>();
    if (!users.isEmpty()) {
      parts.add((users.size() == 1 ? "user " : "users ") + String.join(", ", users));
    }
    if (!groups.isEmpty()) {
      parts.add((groups.size() == 1 ? "group " : "groups ") + String.join(", ", groups));
    }
    return parts.isEmpty() ? "nobody holds it yet" : String.join("; ", parts);
  }
}
