package org.openautoglm.promotion;

import java.time.Duration;
import org.openautoglm.registry.EnvironmentState;

/**
 * The end of a promotion, approval or rollback.
 *
 * @param message one or two sentences saying what happened and where the environment stands
 * @param state the environment afterwards (as far as this call changed it)
 * @param requestId the open approval request, for {@link PromotionOutcome#WAITING_FOR_APPROVAL}
 * @param timeToRestore how long a rollback took from its start to a verified environment, or {@code
 *     null} when no rollback finished
 */
public record PromotionResult(
    PromotionOutcome outcome,
    String message,
    EnvironmentState state,
    String requestId,
    Duration timeToRestore) {

  static PromotionResult of(PromotionOutcome outcome, String message, EnvironmentState state) {
    return new PromotionResult(outcome, message, state, null, null);
  }
}
