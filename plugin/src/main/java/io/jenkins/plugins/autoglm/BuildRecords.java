package io.jenkins.plugins.autoglm;

import hudson.model.Run;
import java.nio.file.Path;
import org.openautoglm.status.RunStore;

/**
 * Where a build keeps its AutoGLM run records (phases, ranks, metrics): a run store in the build's
 * own directory, so they live and go with the build and a page can read them without touching any
 * other build.
 */
final class BuildRecords {
  static final String DIRECTORY = "autoglm-runs";

  private BuildRecords() {}

  static Path directory(Run<?, ?> run) {
    return run.getRootDir().toPath().resolve(DIRECTORY);
  }

  static RunStore store(Run<?, ?> run) {
    return RunStore.open(directory(run));
  }
}
