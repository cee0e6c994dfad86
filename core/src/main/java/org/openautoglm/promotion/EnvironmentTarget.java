package org.openautoglm.promotion;

import java.time.Duration;
import java.util.Map;
import org.openautoglm.deploy.Deployer;
import org.openautoglm.deploy.HealthCheck;

/**
 * How one environment is deployed to and checked: what {@code autoglm.yaml} says under the
 * environment's {@code deploy}, {@code healthCheck} and {@code rollback}.
 *
 * @param health the health check, or {@code null}: then a deploy that succeeds is verified
 * @param image the serving image recorded in snapshots for this environment
 * @param parameters deploy parameters recorded in snapshots (and passed to the deployer)
 * @param rollbackTimeout the time budget of a rollback, deploy and health check included
 * @param automaticRollback whether a failed promotion rolls back to the last verified snapshot
 */
public record EnvironmentTarget(
    String name,
    Deployer deployer,
    HealthCheck health,
    Duration deployTimeout,
    Duration rollbackTimeout,
    String image,
    Map<String, String> parameters,
    boolean automaticRollback) {

  public static final Duration DEFAULT_ROLLBACK_TIMEOUT = Duration.ofSeconds(300);

  public EnvironmentTarget {
    parameters = Map.copyOf(parameters);
  }
}
