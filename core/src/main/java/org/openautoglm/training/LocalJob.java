package org.openautoglm.training;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the local launcher runs: {@code nodes × procsPerNode} copies of a command on this machine.
 *
 * @param command the program and its arguments, run directly (never through a shell)
 * @param environment extra variables, below the rank contract's
 * @param timeout the whole run's limit, restarts included
 * @param maxRestarts how often the whole group is restarted after a failure (0: never)
 */
public record LocalJob(
    List<String> command,
    Path workingDirectory,
    Map<String, String> environment,
    int nodes,
    int procsPerNode,
    Duration timeout,
    int maxRestarts) {

  public LocalJob {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the training command is empty");
    }
    if (nodes < 1 || procsPerNode < 1) {
      throw new IllegalArgumentException("nodes and processes per node must be at least 1");
    }
    if (nodes * procsPerNode > 256) {
      throw new IllegalArgumentException(
          "the local launcher runs at most 256 processes; use the kubernetes backend");
    }
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("maxRestarts must be 0 or more");
    }
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
  }

  public int worldSize() {
    return nodes * procsPerNode;
  }
}
