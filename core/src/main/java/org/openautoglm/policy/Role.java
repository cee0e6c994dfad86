package org.openautoglm.policy;

import java.util.List;
import java.util.Objects;

/**
 * What the holders of a role may do.
 *
 * @param name the role's name ({@code admin}, {@code researcher}, {@code guest} by default)
 * @param read whether holders may read projects, runs and history
 * @param train whether holders may start training runs
 * @param promote environment name patterns holders may promote to ({@code *}, {@code test-*})
 * @param rollback environment name patterns holders may roll back
 * @param approve environment name patterns holders may approve promotions to
 */
public record Role(
    String name,
    boolean read,
    boolean train,
    List<String> promote,
    List<String> rollback,
    List<String> approve) {

  public Role {
    Objects.requireNonNull(name, "name");
    promote = List.copyOf(promote);
    rollback = List.copyOf(rollback);
    approve = List.copyOf(approve);
  }

  /**
   * Whether this role allows {@code action}; {@code environment} matters for per-environment ones.
   */
  public boolean allows(Action action, String environment) {
    return switch (action) {
      case READ -> read;
      case TRAIN -> train;
      default -> Globs.anyMatches(patterns(action), environment);
    };
  }

  /** The environment patterns granted for a per-environment action; empty for the others. */
  public List<String> patterns(Action action) {
    return switch (action) {
      case PROMOTE -> promote;
      case ROLLBACK -> rollback;
      case APPROVE -> approve;
      default -> List.of();
    };
  }
}
