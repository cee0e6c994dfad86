package org.openautoglm.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.project.ProjectLoader;
import org.openautoglm.status.RunKind;
import org.openautoglm.status.RunRecorder;
import org.openautoglm.status.RunState;
import org.openautoglm.training.TrainingListener;
import org.openautoglm.training.TrainingResult;
import org.openautoglm.training.TrainingSpec;
import org.openautoglm.training.TrainingState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code autoglm train}: run the project's distributed training job, locally or on Kubernetes. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Run the training job of the project (the training section of autoglm.yaml).",
      "Every rank gets MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK, LOCAL_WORLD_SIZE,"
          + " NODE_RANK and NNODES; its output is printed with a [rank N] prefix; lines"
          + " 'AUTOGLM_METRIC {json}' become metrics. When one rank fails, the others are stopped."
    },
    footer = {
      "",
      "Exit codes: 0 succeeded, 1 training failed (the first failing rank is named), 2 usage"
          + " error or invalid spec, 130 interrupted (every rank is stopped first).",
      "Docs: docs/training.md"
    })
final class TrainCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--project",
      paramLabel = "FILE",
      description = "Project descriptor (default: ./autoglm.yaml).")
  Path project;

  @Option(
      names = "--backend",
      paramLabel = "BACKEND",
      description = "local (processes on this machine) or kubernetes (default: ${DEFAULT-VALUE}).")
  Backend backend = Backend.local;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      description = "Number of nodes (overrides the spec).")
  Integer nodes;

  @Option(
      names = "--procs-per-node",
      paramLabel = "P",
      description = "Processes per node (overrides the spec).")
  Integer procsPerNode;

  @Option(
      names = "--dry-run",
      description = "Print the plan (the Kubernetes manifest) instead of running it.")
  boolean dryRun;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description = "Kubernetes namespace (default: the kubeconfig's, else 'default').")
  String namespace;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig file (default: $KUBECONFIG or ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--env",
      paramLabel = "NAME",
      description =
          "Environment whose values render the configs given to the ranks (default: the"
              + " project's first).")
  String environment;

  @Option(
      names = "--attach",
      paramLabel = "RUN_ID",
      description =
          "Follow a run started earlier on Kubernetes (found by its labels) instead of starting"
              + " one.")
  String attach;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "Id of the run (default: generated); labels every Kubernetes object.")
  String runId;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  OutputFormat format = OutputFormat.text;

  @Option(
      names = "--runs",
      paramLabel = "DIR",
      description = "Run records (default: .autoglm/runs next to the project descriptor).")
  Path runs;

  @Parameters(
      paramLabel = "COMMAND",
      description = "After --: the command to run instead of the spec's.")
  List<String> command = new ArrayList<>();

  enum Backend {
    local,
    kubernetes
  }

  enum OutputFormat {
    text,
    json
  }

  private final Map<String, String> environmentVariables;

  TrainCommand() {
    this(System.getenv());
  }

  TrainCommand(Map<String, String> environmentVariables) {
    this.environmentVariables = environmentVariables;
  }

  @Override
  public Integer call() {
    try {
      return execute();
    } catch (KubernetesClientException e) {
      // the cluster could not be reached or refused a request autoglm could not work around
      Throwable cause = e.getCause() == null ? e : e.getCause();
      spec.commandLine()
          .getErr()
          .println(
              "autoglm: the Kubernetes API failed: "
                  + e.getMessage()
                  + (cause == e ? "" : " (" + cause + ")")
                  + "; check --kubeconfig, --namespace and your credentials");
      return 1;
    }
  }

  private int execute() {
    if (attach != null) {
      if (backend != Backend.kubernetes) {
        throw new IllegalArgumentException("--attach needs --backend kubernetes");
      }
      PrintWriter log =
          format == OutputFormat.json ? spec.commandLine().getErr() : spec.commandLine().getOut();
      TrainingListener listener = new TrainingRun(null, null, log).listener();
      return finish(
          TrainingRun.attach(kubeconfig, namespace, attach, listener), spec.commandLine().getOut());
    }
    Path descriptor = project == null ? Workspace.DEFAULT_DESCRIPTOR : project;
    ProjectDescriptor loaded = new ProjectLoader(new ValueOptions().limits()).load(descriptor);
    TrainingSpec training = TrainingRun.spec(loaded, command, nodes, procsPerNode);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter log = format == OutputFormat.json ? err : out;
    TrainingRun run = new TrainingRun(loaded, training, log);
    String user = RunStores.user(environmentVariables);
    RunRecorder recorder = null;
    if (!dryRun) {
      recorder =
          RunRecorder.start(
              RunStores.open(loaded, runs),
              loaded.name(),
              RunKind.TRAINING,
              "train " + training.nodes() + "×" + training.procsPerNode() + " (" + backend + ")",
              user,
              Clock.systemUTC());
      recorder.concerning(environment, null);
      log.println("autoglm: run " + recorder.id() + " (autoglm ui shows it)");
      log.flush();
      recorder.moveTo(RunState.VALIDATING, user, "rendering and checking the configs");
    }
    Map<String, String> configs;
    try {
      configs = run.renderedConfigs(environment);
    } catch (TrainingRun.ConfigsInvalidException e) {
      ReportFormat.text.writer().write(e.report(), err);
      err.println("autoglm: " + e.getMessage());
      if (recorder != null) {
        recorder.moveTo(RunState.FAILED, user, e.getMessage());
      }
      return e.report().exitCode();
    }
    if (dryRun) {
      if (backend == Backend.kubernetes) {
        String id = runId == null ? TrainingRun.newRunId(loaded.name()) : runId;
        out.print(run.kubernetesManifest(namespace == null ? "default" : namespace, id, configs));
      } else {
        out.println(run.localPlan());
      }
      out.flush();
      return 0;
    }
    recorder.moveTo(
        RunState.TRAINING,
        user,
        training.nodes() * training.procsPerNode() + " ranks on " + backend);
    run.recordingTo(recorder);
    TrainingResult result;
    try {
      result =
          backend == Backend.kubernetes
              ? run.kubernetes(
                  kubeconfig,
                  namespace,
                  runId == null ? TrainingRun.newRunId(loaded.name()) : runId,
                  configs)
              : run.local(configs);
    } catch (RuntimeException e) {
      recorder.moveIfAllowed(RunState.FAILED, user, e.getMessage());
      throw e;
    }
    recorder.trained(result, user);
    if (result.state() == TrainingState.SUCCEEDED) {
      recorder.moveTo(RunState.VERIFIED, user, "every rank succeeded");
    }
    return finish(result, out);
  }

  private int finish(TrainingResult result, PrintWriter out) {
    if (format == OutputFormat.json) {
      out.println(TrainingReport.json(result));
    } else {
      out.println(TrainingReport.summary(result));
    }
    out.flush();
    if (result.state() == TrainingState.ABORTED) {
      return Interrupts.EXIT_INTERRUPTED;
    }
    return result.state() == TrainingState.SUCCEEDED ? 0 : 1;
  }
}
