package org.openautoglm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.values.Values;
import org.openautoglm.config.values.ValuesFiles;
import picocli.CommandLine.Option;

/** Options shared by commands that render templates: where values come from, and limits. */
final class ValueOptions {
  /** Where {@code --env-values} looks names up; injected so that tests need no real variables. */
  private final Map<String, String> environment;

  ValueOptions() {
    this(System.getenv());
  }

  ValueOptions(Map<String, String> environment) {
    this.environment = environment;
  }

  @Option(
      names = "--values",
      paramLabel = "FILE",
      description = "Extra values file, laid over the project's and environment's (repeatable).")
  List<Path> valuesFiles = new ArrayList<>();

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "A value, highest precedence after environment variables (repeatable).")
  List<String> assignments = new ArrayList<>();

  @Option(
      names = "--env-values",
      paramLabel = "NAME",
      split = ",",
      description =
          "Environment variables to use as values (highest precedence). None are read unless"
              + " named.")
  List<String> environmentVariables = new ArrayList<>();

  @Option(
      names = "--max-bytes",
      paramLabel = "N",
      description = "Largest file accepted, in bytes (default: ${DEFAULT-VALUE}).")
  long maxBytes = LoadLimits.DEFAULT.maxBytes();

  @Option(
      names = "--max-depth",
      paramLabel = "N",
      description = "Deepest nesting accepted (default: ${DEFAULT-VALUE}).")
  int maxDepth = LoadLimits.DEFAULT.maxDepth();

  LoadLimits limits() {
    return LoadLimits.DEFAULT.withMaxBytes(maxBytes).withMaxDepth(maxDepth);
  }

  /** The caller's layers: values files, then --set, then named environment variables. */
  Values overrides(ValuesFiles files) {
    List<ValuesFiles.NamedPath> named = new ArrayList<>();
    for (Path file : valuesFiles) {
      named.add(new ValuesFiles.NamedPath(file, file.toString()));
    }
    return files
        .loadAll(named)
        .overlay(Values.fromAssignments(assignments))
        .overlay(Values.fromEnvironment(environmentVariables, environment));
  }
}
