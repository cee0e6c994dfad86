package io.jenkins.plugins.autoglm;

import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Run;
import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import jenkins.MasterToSlaveFileCallable;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.project.ProjectLoader;

/**
 * The project descriptor as the controller sees it: read on the agent (where the workspace is),
 * parsed on the controller (where the registry and the policy are). The text is recorded on the
 * build, so a step outside {@code node} (waiting for approvals without an executor) still knows the
 * project.
 *
 * @param path where the descriptor is on the agent; anchors the project's relative paths
 * @param name the descriptor as the user named it, for messages
 * @param text its content
 */
record ProjectSource(String path, String name, String text) implements Serializable {
  static final String DEFAULT = "autoglm.yaml";

  /** Reads the descriptor from the workspace. */
  static ProjectSource read(FilePath workspace, String descriptor)
      throws IOException, InterruptedException {
    String relative = descriptor == null || descriptor.isBlank() ? DEFAULT : descriptor.trim();
    return workspace.act(new Reader(relative));
  }

  /** Reads the descriptor from the workspace when there is one, else the build's recorded one. */
  static ProjectSource find(Run<?, ?> run, FilePath workspace, String descriptor)
      throws IOException, InterruptedException {
    if (workspace != null) {
      ProjectSource source = read(workspace, descriptor);
      RecordedProject.record(run, source);
      return source;
    }
    RecordedProject recorded = run.getAction(RecordedProject.class);
    if (recorded == null) {
      throw new AbortException(Messages.ProjectSource_NoWorkspace());
    }
    return recorded.source();
  }

  /**
   * The parsed descriptor.
   *
   * @throws AbortException with the descriptor's {@code file:line:column} when it is invalid
   */
  ProjectDescriptor load() throws AbortException {
    try {
      return new ProjectLoader(LoadLimits.DEFAULT).load(Path.of(path), new SourceFile(name, text));
    } catch (ConfigException e) {
      throw new AbortException(e.diagnostic().toString());
    }
  }

  /** Reads and decodes the descriptor on the agent, refusing it above the load limit. */
  private static final class Reader extends MasterToSlaveFileCallable<ProjectSource> {
    private static final long serialVersionUID = 1L;
    private final String relative;

    Reader(String relative) {
      this.relative = relative;
    }

    @Override
    public ProjectSource invoke(File workspace, VirtualChannel channel) throws IOException {
      Path file = workspace.toPath().resolve(relative).normalize();
      if (!file.startsWith(workspace.toPath().normalize())) {
        throw new AbortException(Messages.ProjectSource_OutsideWorkspace(relative));
      }
      try {
        if (Files.size(file) > LoadLimits.DEFAULT.maxBytes()) {
          throw new AbortException(
              Messages.ProjectSource_TooLarge(relative, LoadLimits.DEFAULT.maxBytes()));
        }
        String text = SourceFile.decode(relative, Files.readAllBytes(file));
        return new ProjectSource(file.toString(), relative, text);
      } catch (NoSuchFileException e) {
        throw new AbortException(Messages.ProjectSource_Missing(relative));
      } catch (ConfigException e) {
        throw new AbortException(e.diagnostic().toString());
      }
    }
  }
}
