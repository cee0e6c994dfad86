package org.openautoglm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.training.LocalJob;
import org.openautoglm.training.LocalLauncher;
import org.openautoglm.training.TrainingListener;
import org.openautoglm.training.TrainingResult;
import org.openautoglm.training.TrainingSpec;

/** Glue between {@code autoglm train} / {@code demo} and the launchers in core. */
final class TrainingRun {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ProjectDescriptor project;
  private final TrainingSpec spec;
  private final PrintWriter log;

  TrainingRun(ProjectDescriptor project, TrainingSpec spec, PrintWriter log) {
    this.project = project;
    this.spec = spec;
    this.log = log;
  }

  /** The project's spec with the command line's overrides. */
  static TrainingSpec spec(
      ProjectDescriptor project, List<String> command, Integer nodes, Integer procsPerNode) {
    TrainingSpec spec = project.training();
    if (spec == null) {
      throw new IllegalArgumentException(
          "the project has no training section; add one to "
              + project.descriptor()
              + " (see docs/training.md)");
    }
    if (!command.isEmpty()) {
      spec = spec.withCommand(command);
    }
    if (nodes != null || procsPerNode != null) {
      int newNodes = nodes == null ? spec.nodes() : nodes;
      int newProcs = procsPerNode == null ? spec.procsPerNode() : procsPerNode;
      if (newNodes < 1 || newProcs < 1) {
        throw new IllegalArgumentException("--nodes and --procs-per-node must be at least 1");
      }
      int gpus = spec.gpusPerNode() == spec.procsPerNode() ? newProcs : spec.gpusPerNode();
      spec = spec.withShape(newNodes, newProcs, gpus);
    }
    return spec;
  }

  /** A run id: the project's name, a timestamp and randomness, valid as a label value. */
  static String newRunId(String projectName) {
    String stamp = Long.toString(System.currentTimeMillis() / 1000, 36);
    String random = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
    String prefix = projectName.length() > 30 ? projectName.substring(0, 30) : projectName;
    return (prefix + "-" + stamp + "-" + random.substring(0, Math.min(6, random.length())))
        .toLowerCase(Locale.ROOT);
  }

  LocalJob localJob() {
    Path directory = project.resolve(spec.workingDir() == null ? "." : spec.workingDir());
    return new LocalJob(
        spec.command(),
        directory,
        spec.env(),
        spec.nodes(),
        spec.procsPerNode(),
        spec.timeout(),
        spec.maxRestarts());
  }

  String localPlan() {
    LocalJob job = localJob();
    return "local: "
        + job.worldSize()
        + " processes ("
        + job.nodes()
        + " nodes × "
        + job.procsPerNode()
        + ") of "
        + String.join(" ", job.command())
        + " in "
        + job.workingDirectory()
        + ", timeout "
        + job.timeout().toSeconds()
        + " s, max restarts "
        + job.maxRestarts();
  }

  TrainingResult local() {
    return new LocalLauncher(localJob(), listener()).run();
  }

  TrainingListener listener() {
    return new TrainingListener() {
      @Override
      public void log(int rank, String line) {
        synchronized (log) {
          log.println("[rank " + rank + "] " + line);
          log.flush();
        }
      }

      @Override
      public void event(String message) {
        synchronized (log) {
          log.println("autoglm: " + message);
          log.flush();
        }
      }
    };
  }

  Map<String, String> renderedConfigs() {
    return Map.of();
  }

  String kubernetesManifest(String namespace, String runId) {
    throw new IllegalArgumentException("the kubernetes backend is not wired yet");
  }

  TrainingResult kubernetes(Path kubeconfig, String namespace, String runId) {
    throw new IllegalArgumentException("the kubernetes backend is not wired yet");
  }
}
