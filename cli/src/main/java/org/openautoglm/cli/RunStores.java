package org.openautoglm.cli;

import java.nio.file.Path;
import java.util.Map;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.status.RunRecord;
import org.openautoglm.status.RunStore;

/** Where the CLI keeps run records: {@code .autoglm/runs} next to the project descriptor. */
final class RunStores {
  static final String DEFAULT = ".autoglm/runs";

  private RunStores() {}

  /**
   * @param override {@code --runs}, or {@code null}
   */
  static RunStore open(ProjectDescriptor project, Path override) {
    return RunStore.open(override != null ? override : project.resolve(DEFAULT));
  }

  /** Who started a run: {@code $AUTOGLM_USER}, else {@code $USER}, else "unknown". */
  static String user(Map<String, String> environment) {
    String user = environment.getOrDefault("AUTOGLM_USER", environment.get("USER"));
    return user == null || user.isBlank() ? "unknown" : user;
  }

  /** A training run's final metrics, for the version it produced (none when the run is unknown). */
  static Map<String, Double> finalMetrics(RunStore runs, String runId) {
    return runId == null
        ? Map.of()
        : runs.find(runId).map(RunRecord::finalMetrics).orElse(Map.of());
  }
}
