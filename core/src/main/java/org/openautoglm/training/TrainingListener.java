package org.openautoglm.training;

/**
 * Receives a run's output as it happens. Called from launcher threads; implementations must be
 * thread-safe and quick (a console writer, a build log).
 */
public interface TrainingListener {
  /**
   * Longest output line passed on, by every launcher; longer lines are cut so that one rank cannot
   * exhaust memory.
   */
  int MAX_LINE_CHARS = 16 * 1024;

  /** One line of a rank's output (stdout and stderr merged), without the line break. */
  void log(int rank, String line);

  /** A message from the launcher itself (starting, restarting, stopping). */
  default void event(String message) {}

  /** A metric line, already parsed (it was also passed to {@link #log}). */
  default void metric(Metric metric) {}
}
