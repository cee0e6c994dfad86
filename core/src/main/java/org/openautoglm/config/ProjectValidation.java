package org.openautoglm.config;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.openautoglm.config.values.Values;
import org.openautoglm.config.values.ValuesFiles;
import org.openautoglm.project.ProjectDescriptor;

/**
 * Turns a project descriptor into what {@link ConfigValidator} checks: its config files and, per
 * environment, the values they render with.
 *
 * <p>Values layer lowest to highest: the project's values files, the environment's values files,
 * then the caller's overrides (extra values files, {@code --set} or step parameters, and the
 * environment variables the caller named).
 */
public final class ProjectValidation {
  private ProjectValidation() {}

  public static List<ConfigTarget> targets(ProjectDescriptor project) {
    List<ConfigTarget> targets = new ArrayList<>();
    for (ProjectDescriptor.ConfigFile config : project.configs()) {
      targets.add(
          new ConfigTarget(
              project.resolve(config.file()),
              project.display(config.file()),
              config.schema() == null ? null : project.resolve(config.schema()),
              config.schema() == null ? null : project.display(config.schema())));
    }
    return targets;
  }

  /**
   * The environments to render, each with its layered values.
   *
   * @param only one environment's name, or {@code null} for all of them
   * @throws IllegalArgumentException when {@code only} names no environment of the project
   */
  public static List<EnvironmentValues> environments(
      ProjectDescriptor project, String only, Values overrides, ValuesFiles files) {
    Values base = files.loadAll(named(project, project.values()));
    if (project.environments().isEmpty()) {
      if (only != null) {
        throw new IllegalArgumentException(
            "the project defines no environments, so --env " + only + " cannot be chosen");
      }
      return List.of(new EnvironmentValues(null, base.overlay(overrides)));
    }
    List<EnvironmentValues> result = new ArrayList<>();
    for (ProjectDescriptor.Environment environment : project.environments()) {
      if (only != null && !only.equals(environment.name())) {
        continue;
      }
      Values values = base.overlay(files.loadAll(named(project, environment.values())));
      result.add(new EnvironmentValues(environment.name(), values.overlay(overrides)));
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown environment '"
              + only
              + "'; the project defines "
              + project.environments().stream()
                  .map(ProjectDescriptor.Environment::name)
                  .collect(Collectors.joining(", ")));
    }
    return result;
  }

  private static List<ValuesFiles.NamedPath> named(ProjectDescriptor project, List<String> files) {
    List<ValuesFiles.NamedPath> named = new ArrayList<>();
    for (String file : files) {
      named.add(new ValuesFiles.NamedPath(project.resolve(file), project.display(file)));
    }
    return named;
  }
}
