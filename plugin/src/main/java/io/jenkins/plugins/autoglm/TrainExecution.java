package io.jenkins.plugins.autoglm;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.io.Serializable;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.status.RunKind;
import org.openautoglm.status.RunRecorder;
import org.openautoglm.status.RunState;
import org.openautoglm.training.Metric;
import org.openautoglm.training.RankStatus;
import org.openautoglm.training.TrainingListener;
import org.openautoglm.training.TrainingResult;
import org.openautoglm.training.TrainingSpec;
import org.openautoglm.training.TrainingState;
import org.openautoglm.training.kubernetes.KubernetesLauncher;
import org.openautoglm.training.kubernetes.KubernetesPlanner;
import org.openautoglm.training.kubernetes.TrainingPlan;

/**
 * A training run as a durable step: {@link #start} returns at once and a worker thread validates,
 * submits and follows the run. What a restart needs is a few strings (the run id, the namespace,
 * the record's id), so {@link #onResume} finds the Job again by its labels and follows it to the
 * end; {@link #stop} deletes the workload.
 */
final class TrainExecution extends StepExecution {
  private static final long serialVersionUID = 1L;
  private static final SecureRandom RANDOM = new SecureRandom();

  record Request(
      String project,
      TrainStep.Backend backend,
      String environment,
      Integer nodes,
      Integer procsPerNode,
      List<String> command,
      KubernetesConnections.Target kubernetes)
      implements Serializable {}

  private final Request request;
  private String runId;
  private String recordId;
  private String actor;

  /** Set once the workload may exist on the cluster: from then on a restart re-attaches. */
  private String namespace;

  private volatile boolean finished;

  private transient volatile Future<?> worker;

  TrainExecution(StepContext context, Request request) {
    super(context);
    this.request = request;
  }

  @Override
  public boolean start() throws Exception {
    Run<?, ?> run = getContext().get(Run.class);
    runId = newRunId(run);
    worker = StepThreads.submit(Jenkins.getAuthentication2(), this::train);
    return false;
  }

  @Override
  public void onResume() {
    if (finished) {
      return;
    }
    worker = StepThreads.submit(null, this::reattach);
  }

  @Override
  public void stop(Throwable cause) throws Exception {
    finished = true;
    Future<?> running = worker;
    if (running != null) {
      running.cancel(true); // the launchers stop and delete what they started when interrupted
    }
    if (request.backend() == TrainStep.Backend.KUBERNETES && namespace != null) {
      StepThreads.submit(null, this::deleteWorkload);
    }
    getContext().onFailure(cause);
  }

  @Override
  public String getStatus() {
    return (finished ? "finished " : "running ")
        + request.backend().name().toLowerCase(Locale.ROOT)
        + " training run "
        + runId
        + (namespace == null ? "" : " in namespace " + namespace);
  }

  private void train() {
    StepContext context = getContext();
    try {
      Run<?, ?> run = context.get(Run.class);
      TaskListener listener = context.get(TaskListener.class);
      FilePath workspace = context.get(FilePath.class);
      Authorization.require(run, AutoglmPermissions.TRAIN);
      actor = actorName(run);
      ProjectSource source = ProjectSource.find(run, workspace, request.project());
      ProjectDescriptor project = source.load();
      TrainingSpec spec = spec(project);
      RunRecorder recorder =
          RunRecorder.start(
              BuildRecords.store(run),
              project.name(),
              RunKind.TRAINING,
              "train "
                  + spec.nodes()
                  + "×"
                  + spec.procsPerNode()
                  + " ("
                  + request.backend().name().toLowerCase(Locale.ROOT)
                  + ")",
              actor,
              Clock.systemUTC());
      recordId = recorder.id();
      context.saveState();
      BuildLog log = new BuildLog(listener);
      recorder.moveTo(RunState.VALIDATING, actor, "rendering the configs");
      RenderCallable.Rendered rendered =
          workspace.act(new RenderCallable(request.project(), request.environment(), null));
      if (!rendered.valid()) {
        rendered.errors().forEach(log::print);
        recorder.moveTo(RunState.FAILED, actor, "the configs are invalid; not training");
        throw new AbortException(Messages.TrainStep_InvalidConfigs());
      }
      recorder.moveTo(RunState.TRAINING, actor, "run " + runId);
      TrainingListener ranks = recorder.training(spec.worldSize(), log);
      TrainingResult result;
      if (request.backend() == TrainStep.Backend.LOCAL) {
        result = local(context, workspace, source, spec, rendered, ranks);
      } else {
        try (KubernetesConnections.Connection connection =
            KubernetesConnections.connect(request.kubernetes(), run)) {
          TrainingPlan plan =
              new KubernetesPlanner().plan(spec, connection.namespace(), runId, rendered.configs());
          namespace = connection.namespace();
          context.saveState();
          log.event("run " + runId + " in namespace " + namespace);
          result = new KubernetesLauncher(connection.client(), ranks).run(plan, spec);
        }
      }
      finish(recorder, result, log);
    } catch (Exception e) {
      fail(e);
    }
  }

  private TrainingResult local(
      StepContext context,
      FilePath workspace,
      ProjectSource source,
      TrainingSpec spec,
      RenderCallable.Rendered rendered,
      TrainingListener ranks)
      throws IOException, InterruptedException {
    Launcher launcher = context.get(Launcher.class);
    EnvVars environment = new EnvVars(context.get(EnvVars.class));
    FilePath descriptor = new FilePath(workspace.getChannel(), source.path());
    FilePath directory = descriptor.getParent() == null ? workspace : descriptor.getParent();
    if (spec.workingDir() != null) {
      directory = directory.child(spec.workingDir());
    }
    FilePath configs = null;
    try {
      if (!rendered.configs().isEmpty()) {
        configs = workspace.createTempDir("autoglm-configs", "");
        for (Map.Entry<String, String> config : rendered.configs().entrySet()) {
          configs.child(config.getKey()).write(config.getValue(), "UTF-8");
        }
        environment.put(KubernetesPlanner.CONFIG_DIR_ENV, configs.getRemote());
      }
      return new LocalRanks(launcher, directory, environment, spec, ranks).run();
    } finally {
      if (configs != null) {
        configs.deleteRecursive();
      }
    }
  }

  private void reattach() {
    StepContext context = getContext();
    try {
      TaskListener listener = context.get(TaskListener.class);
      Run<?, ?> run = context.get(Run.class);
      BuildLog log = new BuildLog(listener);
      if (request.backend() == TrainStep.Backend.LOCAL) {
        throw new AbortException(Messages.TrainStep_LocalRestart());
      }
      if (namespace == null) {
        throw new AbortException(Messages.TrainStep_NotSubmitted(runId));
      }
      RunRecorder recorder =
          RunRecorder.resume(BuildRecords.store(run), recordId, Clock.systemUTC());
      TrainingListener ranks = recorder.training(0, log);
      try (KubernetesConnections.Connection connection =
          KubernetesConnections.connect(
              new KubernetesConnections.Target(
                  request.kubernetes().cloud(), request.kubernetes().credentialsId(), namespace),
              run)) {
        TrainingResult result =
            new KubernetesLauncher(connection.client(), ranks).attach(namespace, runId);
        finish(recorder, result, log);
      }
    } catch (Exception e) {
      fail(e);
    }
  }

  private void deleteWorkload() {
    try {
      Run<?, ?> run = getContext().get(Run.class);
      TaskListener listener = getContext().get(TaskListener.class);
      try (KubernetesConnections.Connection connection =
          KubernetesConnections.connect(
              new KubernetesConnections.Target(
                  request.kubernetes().cloud(), request.kubernetes().credentialsId(), namespace),
              run)) {
        new KubernetesLauncher(connection.client(), new BuildLog(listener))
            .cancel(namespace, runId);
      }
      if (recordId != null) {
        RunRecorder.resume(BuildRecords.store(run), recordId, Clock.systemUTC())
            .moveIfAllowed(RunState.ABORTED, actor == null ? "jenkins" : actor, "build aborted");
      }
    } catch (Exception e) {
      // best effort: the Job's own deadline and TTL remove it in any case
    }
  }

  private void finish(RunRecorder recorder, TrainingResult result, BuildLog log)
      throws AbortException {
    String by = actor == null ? "jenkins" : actor;
    recorder.trained(result, by);
    String summary = summary(result);
    log.print("autoglm: " + summary);
    if (finished) {
      return; // stopped meanwhile: the failure is reported already
    }
    finished = true;
    if (result.state() == TrainingState.SUCCEEDED) {
      recorder.moveIfAllowed(RunState.VERIFIED, by, "every rank succeeded");
      getContext().onSuccess(resultMap(result));
    } else {
      throw new AbortException(summary);
    }
  }

  private void fail(Exception e) {
    if (!finished) {
      finished = true;
      getContext().onFailure(e);
    }
  }

  private TrainingSpec spec(ProjectDescriptor project) {
    TrainingSpec spec = project.training();
    if (spec == null) {
      throw new IllegalArgumentException(Messages.TrainStep_NoTraining(request.project()));
    }
    if (!request.command().isEmpty()) {
      spec = spec.withCommand(request.command());
    }
    if (request.nodes() != null || request.procsPerNode() != null) {
      int nodes = request.nodes() == null ? spec.nodes() : request.nodes();
      int procs = request.procsPerNode() == null ? spec.procsPerNode() : request.procsPerNode();
      int gpus = spec.gpusPerNode() == spec.procsPerNode() ? procs : spec.gpusPerNode();
      spec = spec.withShape(nodes, procs, gpus);
    }
    return spec;
  }

  private Map<String, Object> resultMap(TrainingResult result) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("state", result.state().name());
    map.put("runId", runId);
    map.put("recordId", recordId);
    map.put("attempts", result.attempts());
    List<Map<String, Object>> ranks = new ArrayList<>();
    for (RankStatus rank : result.ranks()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("rank", rank.rank());
      entry.put("state", rank.state().name());
      entry.put("exitCode", rank.exitCode());
      entry.put("reason", rank.reason());
      ranks.add(entry);
    }
    map.put("ranks", ranks);
    Map<String, Object> metrics = new LinkedHashMap<>();
    for (Map.Entry<String, List<Metric>> series : result.metrics().entrySet()) {
      if (!series.getValue().isEmpty()) {
        metrics.put(series.getKey(), series.getValue().get(series.getValue().size() - 1).value());
      }
    }
    map.put("metrics", metrics);
    return map;
  }

  /** {@code SUCCEEDED: 4 ranks; loss 0.69 → 0.31} or {@code FAILED: 4 ranks; rank 2 …}. */
  static String summary(TrainingResult result) {
    StringBuilder text = new StringBuilder(result.state().name());
    text.append(": ").append(result.ranks().size()).append(" ranks");
    if (result.firstFailure() != null) {
      RankStatus failure = result.firstFailure();
      text.append("; ")
          .append(failure.rank() >= 0 ? "rank " + failure.rank() + " " : "")
          .append(failure.reason());
    }
    for (Map.Entry<String, List<Metric>> series : result.metrics().entrySet()) {
      List<Metric> points = series.getValue();
      if (!points.isEmpty()) {
        text.append("; ")
            .append(series.getKey())
            .append(' ')
            .append(String.format(Locale.ROOT, "%.4g", points.get(0).value()))
            .append(" → ")
            .append(String.format(Locale.ROOT, "%.4g", points.get(points.size() - 1).value()));
      }
    }
    return text.toString();
  }

  private static String actorName(Run<?, ?> run) {
    try {
      return Actors.ofBuild(run).user();
    } catch (AbortException e) {
      return "jenkins"; // a timer build may train; only promotions need a person
    }
  }

  /** A label value: the job, the build number and randomness, at most 63 characters. */
  static String newRunId(Run<?, ?> run) {
    String job = run.getParent().getName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    job = job.replaceAll("^-+|-+$", "");
    if (job.length() > 30) {
      job = job.substring(0, 30).replaceAll("-+$", "");
    }
    String random = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
    return (job.isEmpty() ? "run" : job)
        + "-"
        + run.getNumber()
        + "-"
        + random.substring(0, Math.min(6, random.length()));
  }
}
