package org.openautoglm.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.openautoglm.config.ConfigValidator;
import org.openautoglm.config.FileReport;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.source.Diagnostic;
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
          + " environment, then compare the environments."
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--project",
      paramLabel = "FILE",
      description = "Project to run (default: examples/autoglm.yaml of this installation).")
  Path project;

  @Mixin ValueOptions values;

  @Override
  public Integer call() {
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
    return report.exitCode();
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
