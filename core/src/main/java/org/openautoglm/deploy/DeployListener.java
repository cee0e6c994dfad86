package org.openautoglm.deploy;

/**
 * Receives what a deployment prints and reports while it runs: a command's output lines, a
 * rollout's progress, each health-check attempt. Called from worker threads; implementations must
 * be thread-safe and quick (a console writer, a build log).
 */
@FunctionalInterface
public interface DeployListener {
  /** Discards everything. */
  DeployListener NONE = line -> {};

  /** One line, without its line break. */
  void log(String line);
}
