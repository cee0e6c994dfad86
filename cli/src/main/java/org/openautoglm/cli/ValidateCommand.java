package org.openautoglm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openautoglm.config.ConfigValidator;
import org.openautoglm.config.FileReport;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.source.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code autoglm validate}: render and check configs, report every error with its place. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Render templated configs per environment and check them against their schemas.",
      "Without FILES, checks the configs of the project (./autoglm.yaml or --project) in every"
          + " environment and compares the environments with each other. FILES are checked"
          + " against --schema (or the project's schema for them), with the project's values"
          + " when there is a project."
    },
    footer = {
      "",
      "Exit codes: 0 valid, 1 invalid (every error is listed), 2 usage error or a file that"
          + " cannot be read or was refused (too large, too deep, alias bomb, YAML tag,"
          + " duplicate key, template syntax)."
    })
final class ValidateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--project",
      paramLabel = "FILE",
      description = "Project descriptor (default: ./autoglm.yaml).")
  Path project;

  @Option(
      names = "--schema",
      paramLabel = "FILE",
      description = "Schema for FILES (JSON Schema or compact form); overrides the project's.")
  Path schema;

  @ArgGroup(exclusive = true)
  EnvironmentChoice environment = new EnvironmentChoice();

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "text, json or junit (default: ${DEFAULT-VALUE}).")
  ReportFormat format = ReportFormat.text;

  @Mixin ValueOptions values;

  @Parameters(paramLabel = "FILES", description = "Config files to check instead of the project's.")
  List<Path> files = new ArrayList<>();

  static final class EnvironmentChoice {
    @Option(names = "--env", paramLabel = "NAME", description = "Check one environment only.")
    String name;

    @Option(
        names = "--all-envs",
        description = "Check every environment and compare them (the default).")
    boolean all;
  }

  @Override
  public Integer call() {
    Workspace workspace;
    try {
      workspace = Workspace.resolve(project, files, schema, environment.name, values);
    } catch (ConfigException e) {
      // a refused descriptor or values file is reported in the chosen format like a refused
      // config, so that a JSON or JUnit consumer always gets a report
      FileReport refused =
          new FileReport(e.diagnostic().file(), null, true, List.of(e.diagnostic()), null);
      ValidationReport report = new ValidationReport(List.of(refused));
      format.writer().write(report, spec.commandLine().getOut());
      return report.exitCode();
    }
    ConfigValidator validator = new ConfigValidator(values.limits());
    ValidationReport report =
        validator.validate(
            workspace.targets(),
            workspace.environments(),
            workspace.mayDiffer(),
            environment.name == null);
    format.writer().write(report, spec.commandLine().getOut());
    return report.exitCode();
  }
}
