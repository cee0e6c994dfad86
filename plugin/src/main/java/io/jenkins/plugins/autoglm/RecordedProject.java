package io.jenkins.plugins.autoglm;

import hudson.model.InvisibleAction;
import hudson.model.Run;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The project descriptor a build used, kept in the build: steps that run without a workspace, and
 * the project page (which has none either), read it from here.
 */
public final class RecordedProject extends InvisibleAction {
  private static final Logger LOGGER = Logger.getLogger(RecordedProject.class.getName());

  private final String path;
  private final String name;
  private final String text;
  private final String project;

  RecordedProject(ProjectSource source, String project) {
    this.path = source.path();
    this.name = source.name();
    this.text = source.text();
    this.project = project;
  }

  ProjectSource source() {
    return new ProjectSource(path, name, text);
  }

  /** The project's name, or {@code null} when the descriptor did not load. */
  public String getProject() {
    return project;
  }

  /** Records (or replaces) the descriptor on the build. */
  static void record(Run<?, ?> run, ProjectSource source) {
    String project;
    try {
      project = source.load().name();
    } catch (IOException e) {
      project = null; // the step that loads it reports the error
    }
    synchronized (run) {
      RecordedProject old = run.getAction(RecordedProject.class);
      if (old != null && old.text.equals(source.text()) && old.path.equals(source.path())) {
        return;
      }
      if (old != null) {
        run.removeAction(old);
      }
      run.addAction(new RecordedProject(source, project));
    }
    try {
      run.save();
    } catch (IOException e) {
      LOGGER.log(Level.WARNING, "cannot save " + run, e);
    }
  }
}
