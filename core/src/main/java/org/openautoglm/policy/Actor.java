package org.openautoglm.policy;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who asks: a user name and the groups the authenticating system (Jenkins, the CLI's operator
 * configuration) says the user belongs to. Never taken from the project repository.
 *
 * @param user the user name as the authenticating system spells it
 * @param groups the user's groups, possibly empty
 */
public record Actor(String user, Set<String> groups) {

  public Actor {
    Objects.requireNonNull(user, "user");
    if (user.isBlank()) {
      throw new IllegalArgumentException("an actor needs a user name");
    }
    groups = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(groups)));
  }

  /** An actor with the given groups (none when omitted). */
  public static Actor of(String user, String... groups) {
    return new Actor(user, new LinkedHashSet<>(Arrays.asList(groups)));
  }

  /**
   * Whether {@code other} names the same person; case is ignored (as Jenkins' default user id
   * strategy does) so that {@code Bob} cannot approve {@code bob}'s request.
   */
  public boolean isSameUser(String other) {
    return other != null && user.equalsIgnoreCase(other);
  }
}
