package io.jenkins.plugins.autoglm;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.listeners.RunListener;
import java.nio.file.Files;
import java.time.Clock;
import org.openautoglm.status.RunKind;
import org.openautoglm.status.RunPage;
import org.openautoglm.status.RunRecord;
import org.openautoglm.status.RunRecorder;
import org.openautoglm.status.RunSource;
import org.openautoglm.status.RunState;
import org.openautoglm.status.RunStore;

/**
 * Closes the wrapper's run records. The block's end does not say whether its body failed (a
 * Disposer is called either way), so the record is closed when the result is known: at the block's
 * end if the build is already marked, otherwise when the build completes.
 */
@Extension
public final class PipelineRecords extends RunListener<Run<?, ?>> {
  /** The block ended: close the record now if the build's result already says how. */
  static void blockEnded(Run<?, ?> build, String recordId) {
    Result result = build.getResult();
    if (result != null && result.isWorseThan(Result.SUCCESS)) {
      close(BuildRecords.store(build), recordId, result);
    }
  }

  @Override
  public void onCompleted(Run<?, ?> run, @NonNull TaskListener listener) {
    if (!Files.isDirectory(BuildRecords.directory(run))) {
      return;
    }
    RunStore store = BuildRecords.store(run);
    RunPage page = store.page(RunSource.MAX_PAGE, 0);
    Result result = run.getResult() == null ? Result.SUCCESS : run.getResult();
    for (RunRecord record : page.runs()) {
      if (record.kind() == RunKind.PIPELINE && !record.state().finished()) {
        close(store, record.id(), result);
      }
    }
  }

  private static void close(RunStore store, String recordId, Result result) {
    RunRecorder recorder = RunRecorder.resume(store, recordId, Clock.systemUTC());
    // an unstable build did not do all it was asked to: the record says FAILED, with why
    RunState state =
        result == Result.ABORTED
            ? RunState.ABORTED
            : result.isWorseThan(Result.SUCCESS) ? RunState.FAILED : RunState.VERIFIED;
    String reason = "the build ended " + result;
    recorder.moveIfAllowed(state, "jenkins", reason);
  }
}
