package org.openautoglm.deploy;

import java.time.Duration;
import java.util.Objects;

/**
 * How a deployment ended.
 *
 * @param success whether the target now runs the release
 * @param message one sentence a person understands, naming the target and, on failure, what was
 *     seen (an exit code, replica counts, a Kubernetes condition)
 * @param duration how long the deployment took
 */
public record DeployOutcome(boolean success, String message, Duration duration) {
  public DeployOutcome {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(duration, "duration");
  }

  public static DeployOutcome succeeded(String message, Duration duration) {
    return new DeployOutcome(true, message, duration);
  }

  public static DeployOutcome failed(String message, Duration duration) {
    return new DeployOutcome(false, message, duration);
  }
}
