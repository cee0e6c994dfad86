package org.openautoglm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openautoglm.config.ConfigTarget;
import org.openautoglm.config.EnvironmentValues;
import org.openautoglm.config.ProjectValidation;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.values.Values;
import org.openautoglm.config.values.ValuesFiles;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.project.ProjectLoader;

/**
 * What a command works on: the project (if any), the files to check and the environments to render
 * them for, resolved from the command line.
 */
record Workspace(
    ProjectDescriptor project, List<ConfigTarget> targets, List<EnvironmentValues> environments) {

  static final Path DEFAULT_DESCRIPTOR = Path.of("autoglm.yaml");

  /**
   * Resolves the workspace.
   *
   * @param projectOption {@code --project}, or {@code null}
   * @param files files named on the command line; empty means "the project's configs"
   * @param schema {@code --schema}, or {@code null}; overrides the project's schemas
   * @param environment {@code --env}, or {@code null} for all environments
   */
  static Workspace resolve(
      Path projectOption, List<Path> files, Path schema, String environment, ValueOptions options) {
    LoadLimits limits = options.limits();
    ValuesFiles valuesFiles = new ValuesFiles(limits);
    Values overrides = options.overrides(valuesFiles);
    Path descriptor = projectOption;
    if (descriptor == null && Files.exists(DEFAULT_DESCRIPTOR)) {
      descriptor = DEFAULT_DESCRIPTOR;
    }
    if (descriptor == null && files.isEmpty()) {
      throw new IllegalArgumentException(
          "no autoglm.yaml in this directory; pass --project FILE, or name the files to check");
    }
    ProjectDescriptor project =
        descriptor == null ? null : new ProjectLoader(limits).load(descriptor);
    List<ConfigTarget> targets = new ArrayList<>();
    if (files.isEmpty()) {
      for (ConfigTarget target : ProjectValidation.targets(project)) {
        targets.add(
            schema == null
                ? target
                : new ConfigTarget(target.file(), target.displayName(), schema, schema.toString()));
      }
    } else {
      for (Path file : files) {
        targets.add(
            schema == null && project != null
                ? projectTarget(project, file)
                : new ConfigTarget(
                    file, file.toString(), schema, schema == null ? null : schema.toString()));
      }
    }
    List<EnvironmentValues> environments =
        project == null
            ? List.of(new EnvironmentValues(environment, overrides))
            : ProjectValidation.environments(project, environment, overrides, valuesFiles);
    return new Workspace(project, targets, environments);
  }

  /** A named file checked against the project's schema for it, if the project lists it. */
  private static ConfigTarget projectTarget(ProjectDescriptor project, Path file) {
    Path wanted = file.toAbsolutePath().normalize();
    for (ConfigTarget target : ProjectValidation.targets(project)) {
      if (target.file().toAbsolutePath().normalize().equals(wanted)) {
        return new ConfigTarget(file, file.toString(), target.schema(), target.schemaDisplayName());
      }
    }
    return new ConfigTarget(file, file.toString(), null, null);
  }

  List<String> mayDiffer() {
    return project == null ? List.of() : project.mayDiffer();
  }
}
