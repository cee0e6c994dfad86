package org.openautoglm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openautoglm.config.ConfigValidator;
import org.openautoglm.config.FileReport;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.status.RunKind;
import org.openautoglm.status.RunRecorder;
import org.openautoglm.status.RunState;
import org.openautoglm.status.RunStore;
import org.openautoglm.training.LocalJob;
import org.openautoglm.training.LocalLauncher;
import org.openautoglm.training.Metric;
import org.openautoglm.training.MetricLine;
import org.openautoglm.training.TrainingListener;
import org.openautoglm.training.TrainingResult;
import org.openautoglm.training.TrainingSpec;
import org.openautoglm.training.TrainingState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code autoglm demo}: the main job on the example project — validate and render every config for
 * every environment, compare the environments, and print what came out.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the main job on the example project: validate and render every config for every"
          + " environment, compare the environments, then train the example locally with 2"
          + " nodes × 2 processes."
    },
    footer = {
      "",
      "Exit codes: 0 valid, 1 invalid (every error is listed), 2 usage error or a file that"
          + " cannot be read or was refused."
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--project",
      paramLabel = "FILE",
      description = "Project to run (default: examples/autoglm.yaml of this installation).")
  Path project;

  @Mixin ValueOptions values;

  @Option(names = "--skip-training", description = "Validate and render only; do not train.")
  boolean skipTraining;

  @Option(
      names = "--skip-promotion",
      description = "Stop after training: no registry, promotion or rollback.")
  boolean skipPromotion;

  @Option(
      names = "--no-ui",
      description = "Exit when the story ends instead of serving its dashboard.")
  boolean noUi;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port of the dashboard at the end (default: ${DEFAULT-VALUE}; 0: a free one).")
  int port = 8080;

  @Override
  public Integer call() throws IOException {
    Path descriptor = project == null ? defaultProject() : project;
    Workspace workspace = Workspace.resolve(descriptor, List.of(), null, null, values);
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "Open-AutoGLM demo: project '" + workspace.project().name() + "' (" + descriptor + ")");
    out.println();
    ValidationReport report =
        new ConfigValidator(values.limits())
            .validate(workspace.targets(), workspace.environments(), workspace.mayDiffer(), true);
    for (FileReport file : report.files()) {
      String environment = file.environment() == null ? "all environments" : file.environment();
      out.println(
          "== "
              + file.file()
              + " ["
              + environment
              + "]: "
              + (file.valid() ? "valid" : file.errors().size() + " error(s)"));
      for (Diagnostic error : file.errors()) {
        out.println("   " + TextReport.line(file, error));
      }
      if (file.valid() && file.rendered() != null) {
        file.rendered().lines().forEach(line -> out.println("   | " + line));
      }
      out.println();
    }
    out.println(TextReport.summary(report));
    out.flush();
    if (report.exitCode() != 0 || workspace.project().training() == null || skipTraining) {
      return report.exitCode();
    }
    ProjectDescriptor project = workspace.project();
    Path work;
    try {
      work = Files.createTempDirectory("autoglm-demo-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the demo's work directory", e);
    }
    try (DemoStory story = new DemoStory(project, work, out)) {
      int played = play(story, project, work, out, skipPromotion);
      if (played != 0 || skipPromotion || noUi) {
        return played;
      }
      return serve(story, out);
    }
  }

  /**
   * Trains the example with 2 nodes × 2 processes into {@code work} and, unless {@code trainOnly},
   * plays the promotion story on it; the story stays open for its dashboard.
   *
   * @return 0 when everything went as the demo expects
   */
  static int play(
      DemoStory story, ProjectDescriptor project, Path work, PrintWriter out, boolean trainOnly) {
    Path model = work.resolve("model-v1.json");
    TrainingSpec spec = TrainingRun.spec(project, List.of(), 2, 2);
    RunRecorder run = startTraining(story.runs(), project, spec, "bob");
    int trained = train(project, spec, model, out, run, "bob");
    if (trained != 0 || trainOnly) {
      return trained;
    }
    return story.run(model, run.id());
  }

  /** Ends the demo with its dashboard, until Ctrl-C. */
  private int serve(DemoStory story, PrintWriter out) throws IOException {
    DashboardServer.Options options = DashboardServer.Options.loopback(port);
    out.println();
    out.println("== the dashboard of this demo (docs/dashboard.md)");
    out.println("   sign in with one of these tokens (new for every demo):");
    story
        .tokens()
        .forEach(
            (person, token) ->
                out.println(
                    "     "
                        + person
                        + " ("
                        + String.join(", ", story.roles(person))
                        + "): "
                        + token));
    out.println("   --no-ui ends the demo here instead");
    out.flush();
    try {
      return UiCommand.serve(story.dashboard(), story.apiTokens(), options, out);
    } catch (java.net.BindException e) {
      out.println("autoglm: port " + port + " is in use; serving on a free port instead");
      return UiCommand.serve(
          story.dashboard(), story.apiTokens(), DashboardServer.Options.loopback(0), out);
    }
  }

  /** Opens the run record of a demo training run, validated already, now training. */
  static RunRecorder startTraining(
      RunStore runs, ProjectDescriptor project, TrainingSpec spec, String user) {
    RunRecorder run =
        RunRecorder.start(
            runs,
            project.name(),
            RunKind.TRAINING,
            "train "
                + String.join(" ", spec.command())
                + " ("
                + spec.nodes()
                + "×"
                + spec.procsPerNode()
                + ")",
            user,
            Clock.systemUTC());
    run.moveTo(RunState.VALIDATING, user, "configs validated for every environment");
    run.moveTo(
        RunState.TRAINING, user, spec.nodes() * spec.procsPerNode() + " ranks on this machine");
    return run;
  }

  /** Trains locally, showing every tenth step's loss; rank 0 writes the model to {@code model}. */
  static int train(
      ProjectDescriptor project,
      TrainingSpec spec,
      Path model,
      PrintWriter out,
      RunRecorder recorder,
      String user) {
    out.println();
    out.println(
        "== training "
            + String.join(" ", spec.command())
            + " locally: "
            + spec.nodes()
            + " nodes × "
            + spec.procsPerNode()
            + " processes");
    TrainingRun run = new TrainingRun(project, spec, out);
    TrainingListener shown = run.listener();
    TrainingListener listener =
        new TrainingListener() {
          @Override
          public void log(int rank, String line) {
            if (!line.startsWith(MetricLine.MARKER)) {
              shown.log(rank, line);
            }
          }

          @Override
          public void event(String message) {
            shown.event(message);
          }

          @Override
          public void metric(Metric metric) {
            if (metric.step() % 10 == 0) {
              shown.log(
                  metric.rank(),
                  String.format(
                      java.util.Locale.ROOT,
                      "step %d: %s %.4f",
                      metric.step(),
                      metric.name(),
                      metric.value()));
            }
          }
        };
    LocalJob base = run.localJob();
    Map<String, String> env = new LinkedHashMap<>(base.environment());
    env.put("AUTOGLM_OUTPUT", model.toString());
    LocalJob job =
        new LocalJob(
            base.command(),
            base.workingDirectory(),
            env,
            base.nodes(),
            base.procsPerNode(),
            base.timeout(),
            base.maxRestarts());
    TrainingListener recording = recorder.training(spec.nodes() * spec.procsPerNode(), listener);
    TrainingResult result = new LocalLauncher(job, recording).run();
    recorder.trained(result, user);
    if (result.state() == TrainingState.SUCCEEDED) {
      recorder.moveTo(RunState.VERIFIED, user, "every rank succeeded");
    }
    out.println(TrainingReport.summary(result));
    out.flush();
    if (result.state() == TrainingState.ABORTED) {
      return Interrupts.EXIT_INTERRUPTED;
    }
    return result.state() == TrainingState.SUCCEEDED ? 0 : 1;
  }

  private static Path defaultProject() {
    String home = System.getenv("AUTOGLM_HOME");
    Path base = home == null ? Path.of("") : Path.of(home);
    Path candidate = base.resolve("examples").resolve("autoglm.yaml");
    if (!Files.exists(candidate)) {
      throw new IllegalArgumentException(
          "no example project at " + candidate + "; pass --project FILE");
    }
    return home == null
        ? candidate
        : Path.of("").toAbsolutePath().relativize(candidate.toAbsolutePath());
  }
}
