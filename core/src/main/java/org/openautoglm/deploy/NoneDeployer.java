package org.openautoglm.deploy;

import java.time.Duration;

/**
 * Deploys nothing: for environments where recording the version in the registry is the whole
 * promotion (something else picks it up from there).
 */
public final class NoneDeployer implements Deployer {
  @Override
  public DeployOutcome deploy(Release release, Duration timeout, DeployListener listener) {
    return DeployOutcome.succeeded(
        "nothing to deploy for "
            + release.environment()
            + " (deployer none): the registry records "
            + release.describe(),
        Duration.ZERO);
  }

  @Override
  public String describe() {
    return "none (registry only)";
  }
}
