package org.openautoglm.cli;

import java.nio.file.Path;
import org.openautoglm.project.ProjectDescriptor;
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
  static String user(java.util.Map<String, String> environment) {
    String user = environment.getOrDefault("AUTOGLM_USER", environment.get("USER"));
    return user == null || user.isBlank() ? "unknown" : user;
  }
}
