package org.openautoglm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.openautoglm.config.ConfigTarget;
import org.openautoglm.config.ConfigValidator;
import org.openautoglm.config.FileReport;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.source.Diagnostic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code autoglm render}: print a config as one environment will see it. */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = {
      "Render one templated config for one environment and print it.",
      "The rendered text is printed only when the file renders and parses; errors go to"
          + " standard error, as with validate."
    },
    footer = {
      "",
      "Exit codes: 0 rendered, 1 missing or invalid values, 2 usage or unreadable input."
    })
final class RenderCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--project",
      paramLabel = "FILE",
      description =
          "Project descriptor for environment values (default: ./autoglm.yaml when present).")
  Path project;

  @Option(names = "--env", paramLabel = "NAME", description = "The environment to render for.")
  String environment;

  @Option(
      names = "--schema",
      paramLabel = "FILE",
      description =
          "Check the result against this schema (default: the project's schema for FILE).")
  Path schema;

  @Mixin ValueOptions values;

  @Parameters(paramLabel = "FILE", description = "The template to render.")
  Path file;

  @Override
  public Integer call() {
    Workspace workspace = Workspace.resolve(project, List.of(file), schema, environment, values);
    if (workspace.environments().size() > 1) {
      throw new IllegalArgumentException(
          "choose the environment to render with --env (the project defines "
              + workspace.project().environments().size()
              + ")");
    }
    ConfigTarget target = workspace.targets().get(0);
    FileReport report =
        new ConfigValidator(values.limits()).render(target, workspace.environments().get(0));
    for (Diagnostic error : report.errors()) {
      spec.commandLine().getErr().println(error);
    }
    if (report.valid() && report.rendered() != null) {
      spec.commandLine().getOut().print(report.rendered());
      spec.commandLine().getOut().flush();
    }
    return new ValidationReport(List.of(report)).exitCode();
  }
}
