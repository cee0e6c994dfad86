package org.openautoglm.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openautoglm.config.ConfigTarget;
import org.openautoglm.config.ConfigValidator;
import org.openautoglm.config.EnvironmentValues;
import org.openautoglm.config.FileReport;
import org.openautoglm.config.ProjectValidation;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.values.Values;
import org.openautoglm.config.values.ValuesFiles;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.status.RunRecorder;
import org.openautoglm.training.LocalJob;
import org.openautoglm.training.LocalLauncher;
import org.openautoglm.training.TrainingListener;
import org.openautoglm.training.TrainingResult;
import org.openautoglm.training.TrainingSpec;
import org.openautoglm.training.kubernetes.KubernetesLauncher;
import org.openautoglm.training.kubernetes.KubernetesManifests;
import org.openautoglm.training.kubernetes.KubernetesPlanner;
import org.openautoglm.training.kubernetes.TrainingPlan;

/** Glue between {@code autoglm train} / {@code demo} and the launchers in core. */
final class TrainingRun {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ProjectDescriptor project;
  private final TrainingSpec spec;
  private final PrintWriter log;
  private RunRecorder recorder;

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

  /**
   * Runs locally with the configs rendered into a temporary directory named by {@code
   * AUTOGLM_CONFIG_DIR}, removed afterwards.
   */
  TrainingResult local(Map<String, String> configs) {
    Path directory = null;
    try {
      LocalJob job = localJob();
      if (!configs.isEmpty()) {
        directory = Files.createTempDirectory("autoglm-configs-");
        for (Map.Entry<String, String> config : configs.entrySet()) {
          Files.writeString(directory.resolve(config.getKey()), config.getValue());
        }
        Map<String, String> env = new LinkedHashMap<>(job.environment());
        env.put("AUTOGLM_CONFIG_DIR", directory.toString());
        job =
            new LocalJob(
                job.command(),
                job.workingDirectory(),
                env,
                job.nodes(),
                job.procsPerNode(),
                job.timeout(),
                job.maxRestarts());
      }
      return new LocalLauncher(job, launcherListener()).run();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the rendered configs", e);
    } finally {
      deleteQuietly(directory);
    }
  }

  private static void deleteQuietly(Path directory) {
    if (directory == null) {
      return;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; the OS cleans it up eventually
    }
  }

  /** Records ranks and metrics in {@code recorder} as well as printing them. */
  TrainingRun recordingTo(RunRecorder recorder) {
    this.recorder = recorder;
    return this;
  }

  private TrainingListener launcherListener() {
    int worldSize = spec.nodes() * spec.procsPerNode();
    return recorder == null ? listener() : recorder.training(worldSize, listener());
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

  /**
   * The project's configs rendered for one environment, by file name, after validation: training
   * never starts on a config that breaks its schema.
   *
   * @param environment the environment, or {@code null} for the project's first
   * @throws ConfigsInvalidException when a config does not render or validate
   */
  Map<String, String> renderedConfigs(String environment) {
    if (project.configs().isEmpty()) {
      return Map.of();
    }
    LoadLimits limits = LoadLimits.DEFAULT;
    String chosen =
        environment != null || project.environments().isEmpty()
            ? environment
            : project.environments().get(0).name();
    EnvironmentValues values =
        ProjectValidation.environments(project, chosen, Values.empty(), new ValuesFiles(limits))
            .get(0);
    ConfigValidator validator = new ConfigValidator(limits);
    Map<String, String> rendered = new LinkedHashMap<>();
    List<FileReport> failed = new ArrayList<>();
    for (ConfigTarget target : ProjectValidation.targets(project)) {
      FileReport report = validator.render(target, values);
      if (!report.valid()) {
        failed.add(report);
        continue;
      }
      String key = target.file().getFileName().toString();
      if (rendered.put(key, report.rendered()) != null) {
        throw new IllegalArgumentException(
            "two configs are named " + key + "; config file names must be unique to be mounted");
      }
    }
    if (!failed.isEmpty()) {
      throw new ConfigsInvalidException(new ValidationReport(List.copyOf(failed)));
    }
    return rendered;
  }

  /** The configs did not validate; training does not start. */
  static final class ConfigsInvalidException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ValidationReport report;

    ConfigsInvalidException(ValidationReport report) {
      super("the configs are invalid; not training");
      this.report = report;
    }

    ValidationReport report() {
      return report;
    }
  }

  /** The run's Kubernetes objects as one multi-document YAML for {@code kubectl apply -f -}. */
  String kubernetesManifest(String namespace, String runId, Map<String, String> configs) {
    return KubernetesManifests.yaml(new KubernetesPlanner().plan(spec, namespace, runId, configs));
  }

  /**
   * Submits the run to Kubernetes and follows it to its end.
   *
   * @param kubeconfig the kubeconfig file, or {@code null} for the usual discovery ($KUBECONFIG,
   *     ~/.kube/config, in-cluster service account)
   * @param namespace the namespace, or {@code null} for the kubeconfig's (else "default")
   */
  TrainingResult kubernetes(
      Path kubeconfig, String namespace, String runId, Map<String, String> configs) {
    Config config = kubernetesConfig(kubeconfig);
    String target = namespace(config, namespace);
    TrainingPlan plan = new KubernetesPlanner().plan(spec, target, runId, configs);
    listener().event("run " + runId + " in namespace " + target);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      return new KubernetesLauncher(client, launcherListener()).run(plan, spec);
    }
  }

  /** Follows a run started earlier (by this machine or another) to its end. */
  static TrainingResult attach(
      Path kubeconfig, String namespace, String runId, TrainingListener listener) {
    Config config = kubernetesConfig(kubeconfig);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      return new KubernetesLauncher(client, listener).attach(namespace(config, namespace), runId);
    }
  }

  private static Config kubernetesConfig(Path kubeconfig) {
    try {
      return kubeconfig == null
          ? Config.autoConfigure(null)
          : Config.fromKubeconfig(Files.readString(kubeconfig));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the kubeconfig " + kubeconfig + ": " + e);
    }
  }

  private static String namespace(Config config, String namespace) {
    if (namespace != null) {
      return namespace;
    }
    return config.getNamespace() != null ? config.getNamespace() : "default";
  }
}
