package io.jenkins.plugins.autoglm;

import hudson.model.Job;
import hudson.model.Run;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openautoglm.status.RunPage;
import org.openautoglm.status.RunRecord;
import org.openautoglm.status.RunSource;
import org.openautoglm.status.RunStoreException;

/**
 * A job's run records, read from its builds newest first: a page opens only the builds it needs
 * (offset plus limit records' worth), never every build of the job. The total is therefore what was
 * seen, plus one when older builds remain ("more").
 */
final class BuildRunSource implements RunSource {
  /** Most builds one lookup by id walks back through. */
  static final int SCAN_BUILDS = 200;

  private final Job<?, ?> job;

  BuildRunSource(Job<?, ?> job) {
    this.job = job;
  }

  @Override
  public RunPage page(int limit, int offset) {
    int capped = Math.min(Math.max(limit, 0), MAX_PAGE);
    List<RunRecord> runs = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    int seen = 0;
    Run<?, ?> build = job.getLastBuild();
    while (build != null && runs.size() < capped) {
      for (RunRecord record : records(build, unreadable)) {
        if (seen++ >= offset && runs.size() < capped) {
          runs.add(record);
        }
      }
      build = build.getPreviousBuild();
    }
    return new RunPage(seen + (build != null ? 1 : 0), capped, offset, runs, unreadable);
  }

  @Override
  public Optional<RunRecord> find(String id) {
    Run<?, ?> build = job.getLastBuild();
    for (int i = 0; build != null && i < SCAN_BUILDS; i++) {
      if (Files.isDirectory(BuildRecords.directory(build))) {
        Optional<RunRecord> found = BuildRecords.store(build).find(id);
        if (found.isPresent()) {
          return found;
        }
      }
      build = build.getPreviousBuild();
    }
    return Optional.empty();
  }

  /** The build that holds a record, or {@code null}. */
  Run<?, ?> buildOf(String id) {
    Run<?, ?> build = job.getLastBuild();
    for (int i = 0; build != null && i < SCAN_BUILDS; i++) {
      if (Files.isDirectory(BuildRecords.directory(build))
          && BuildRecords.store(build).find(id).isPresent()) {
        return build;
      }
      build = build.getPreviousBuild();
    }
    return null;
  }

  private static List<RunRecord> records(Run<?, ?> build, List<String> unreadable) {
    if (!Files.isDirectory(BuildRecords.directory(build))) {
      return List.of();
    }
    try {
      RunPage page = BuildRecords.store(build).page(MAX_PAGE, 0);
      unreadable.addAll(page.unreadable());
      return page.runs();
    } catch (RunStoreException e) {
      unreadable.add(build.getExternalizableId());
      return List.of();
    }
  }
}
