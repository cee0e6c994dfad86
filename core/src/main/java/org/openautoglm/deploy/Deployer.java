package org.openautoglm.deploy;

import java.time.Duration;

/**
 * Puts a {@link Release} into one environment's serving target and reports whether it got there.
 *
 * <p>A deployer never throws for what can go wrong out there (a failing command, a stalled rollout,
 * an unreachable API server): it returns a failed {@link DeployOutcome} whose message says what was
 * seen. It returns within the timeout plus a short grace period for clean-up. When the calling
 * thread is interrupted it stops what it started, returns a failure and sets the interrupt flag
 * again.
 */
public interface Deployer {
  /**
   * Deploys the release and waits until the target runs it, fails, or the time is up.
   *
   * @param timeout the whole deployment's limit
   * @param listener receives progress and output lines
   */
  DeployOutcome deploy(Release release, Duration timeout, DeployListener listener);

  /** Deploys without reporting progress. */
  default DeployOutcome deploy(Release release, Duration timeout) {
    return deploy(release, timeout, DeployListener.NONE);
  }

  /** What this deployer deploys to, for messages: {@code kubernetes deployment serving/web}. */
  String describe();
}
