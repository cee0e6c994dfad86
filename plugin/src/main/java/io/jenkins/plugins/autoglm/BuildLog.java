package io.jenkins.plugins.autoglm;

import hudson.model.TaskListener;
import java.io.PrintStream;
import org.openautoglm.deploy.DeployListener;
import org.openautoglm.promotion.PromotionListener;
import org.openautoglm.training.TrainingListener;

/**
 * The build's console as core's listeners: launcher and deployer threads write whole lines, one at
 * a time, so that the ranks' output does not interleave mid-line.
 */
final class BuildLog implements TrainingListener, PromotionListener, DeployListener {
  private final PrintStream out;

  BuildLog(TaskListener listener) {
    this.out = listener.getLogger();
  }

  @Override
  public void log(int rank, String line) {
    print("[rank " + rank + "] " + line);
  }

  @Override
  public void event(String message) {
    print("autoglm: " + message);
  }

  @Override
  public void log(String line) {
    print("autoglm: " + line);
  }

  void print(String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
