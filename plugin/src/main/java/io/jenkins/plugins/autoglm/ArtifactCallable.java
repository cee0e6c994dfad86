package io.jenkins.plugins.autoglm;

import hudson.AbortException;
import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import jenkins.MasterToSlaveFileCallable;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.project.ProjectDigests;
import org.openautoglm.project.ProjectLoader;

/**
 * What registering a model needs from the workspace, computed on the agent: the artifact's URI and
 * SHA-256 (a local file is hashed where it is, never copied) and the digest of the project's
 * configs and values.
 */
final class ArtifactCallable extends MasterToSlaveFileCallable<ArtifactCallable.Artifact> {
  private static final long serialVersionUID = 1L;

  record Artifact(String uri, String sha256, String configDigest) implements Serializable {}

  private final String project;
  private final String artifact;
  private final String sha256;

  ArtifactCallable(String project, String artifact, String sha256) {
    this.project = project;
    this.artifact = artifact;
    this.sha256 = sha256;
  }

  @Override
  public Artifact invoke(File directory, VirtualChannel channel) throws IOException {
    Path workspace = directory.toPath().toAbsolutePath().normalize();
    String configDigest;
    try {
      ProjectDescriptor descriptor =
          new ProjectLoader(LoadLimits.DEFAULT).load(workspace.resolve(project).normalize());
      configDigest = ProjectDigests.configDigest(descriptor);
    } catch (ConfigException e) {
      throw new AbortException(e.diagnostic().toString());
    }
    boolean remote = artifact.contains("://") && !artifact.startsWith("file:");
    if (remote) {
      if (sha256 == null) {
        throw new AbortException(Messages.RegisterStep_RemoteNeedsSha(artifact));
      }
      return new Artifact(artifact, sha256.toLowerCase(Locale.ROOT), configDigest);
    }
    Path local =
        artifact.startsWith("file:")
            ? Path.of(java.net.URI.create(artifact))
            : workspace.resolve(artifact).normalize();
    if (!Files.isRegularFile(local)) {
      throw new AbortException(Messages.RegisterStep_NoArtifact(artifact));
    }
    String computed = ProjectDigests.sha256(local);
    if (sha256 != null && !sha256.equalsIgnoreCase(computed)) {
      throw new AbortException(Messages.RegisterStep_ShaMismatch(sha256, computed));
    }
    return new Artifact(local.toUri().toString(), computed, configDigest);
  }
}
