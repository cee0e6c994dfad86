package org.openautoglm.policy;

import java.util.Objects;

/**
 * The answer to "may this person do this?", with the reason a person reads.
 *
 * @param allowed whether the action is allowed
 * @param reason a sentence that says why, naming the role and the rule that decided
 */
public record Decision(boolean allowed, String reason) {

  public Decision {
    Objects.requireNonNull(reason, "reason");
  }

  public static Decision allow(String reason) {
    return new Decision(true, reason);
  }

  public static Decision deny(String reason) {
    return new Decision(false, reason);
  }
}
