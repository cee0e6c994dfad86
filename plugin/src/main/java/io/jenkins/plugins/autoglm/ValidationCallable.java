package io.jenkins.plugins.autoglm;

import hudson.FilePath;
import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jenkins.MasterToSlaveFileCallable;
import org.openautoglm.config.ConfigTarget;
import org.openautoglm.config.ConfigValidator;
import org.openautoglm.config.EnvironmentValues;
import org.openautoglm.config.FileReport;
import org.openautoglm.config.ProjectValidation;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.ValidationReports;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.values.Values;
import org.openautoglm.config.values.ValuesFiles;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.project.ProjectLoader;

/**
 * Validation where the files are: on the agent, in the workspace. Renders every config for every
 * environment (or one), checks it against its schema, compares environments, writes the JUnit
 * report, and sends back only the lines and counts.
 */
final class ValidationCallable extends MasterToSlaveFileCallable<ValidationCallable.Outcome> {
  private static final long serialVersionUID = 1L;

  /** What the step asked for; plain strings, so that it crosses the channel as it is. */
  record Request(
      String project,
      String files,
      String schema,
      String environment,
      List<String> values,
      List<String> assignments,
      Map<String, String> environmentValues,
      String junitReport)
      implements Serializable {}

  /** What came back: the report as lines, its summary and counts. */
  record Outcome(
      List<String> lines,
      String summary,
      int exitCode,
      int errors,
      int checks,
      int failing,
      String junitReport)
      implements Serializable {}

  private final Request request;

  ValidationCallable(Request request) {
    this.request = request;
  }

  @Override
  public Outcome invoke(File directory, VirtualChannel channel)
      throws IOException, InterruptedException {
    Path workspace = directory.toPath().toAbsolutePath().normalize();
    ValidationReport report;
    try {
      report = validate(workspace);
    } catch (ConfigException e) {
      // a refused descriptor or values file is a report like any other, so JUnit sees it too
      Diagnostic diagnostic = e.diagnostic();
      report =
          new ValidationReport(
              List.of(new FileReport(diagnostic.file(), null, true, List.of(diagnostic), null)));
    }
    List<String> lines = new ArrayList<>();
    for (FileReport file : report.files()) {
      for (Diagnostic error : file.errors()) {
        lines.add(ValidationReports.line(file, error));
      }
    }
    String junit = null;
    if (request.junitReport() != null) {
      Path target = inside(workspace, request.junitReport());
      Files.createDirectories(target.getParent());
      Files.writeString(target, ValidationReports.junit(report), StandardCharsets.UTF_8);
      junit = request.junitReport();
    }
    int failing = (int) report.files().stream().filter(f -> !f.valid()).count();
    return new Outcome(
        lines,
        ValidationReports.summary(report),
        report.exitCode(),
        report.errorCount(),
        report.files().size(),
        failing,
        junit);
  }

  private ValidationReport validate(Path workspace) throws IOException, InterruptedException {
    LoadLimits limits = LoadLimits.DEFAULT;
    ValuesFiles valuesFiles = new ValuesFiles(limits);
    List<ValuesFiles.NamedPath> extra = new ArrayList<>();
    for (String file : request.values()) {
      extra.add(new ValuesFiles.NamedPath(inside(workspace, file), file));
    }
    Values overrides =
        valuesFiles
            .loadAll(extra)
            .overlay(Values.fromAssignments(request.assignments()))
            .overlay(
                Values.fromEnvironment(
                    request.environmentValues().keySet(), request.environmentValues()));
    String descriptorName = request.project() == null ? ProjectSource.DEFAULT : request.project();
    Path descriptor = inside(workspace, descriptorName);
    boolean hasProject = Files.isRegularFile(descriptor);
    if (!hasProject && (request.project() != null || request.files() == null)) {
      throw ConfigException.forFile(descriptorName, Messages.ProjectSource_Missing(descriptorName));
    }
    ProjectDescriptor project = hasProject ? new ProjectLoader(limits).load(descriptor) : null;
    Path schema = request.schema() == null ? null : inside(workspace, request.schema());
    List<ConfigTarget> targets = new ArrayList<>();
    if (request.files() == null) {
      for (ConfigTarget target : ProjectValidation.targets(project)) {
        targets.add(
            new ConfigTarget(
                target.file(),
                relative(workspace, target.file()),
                schema != null ? schema : target.schema(),
                schema != null ? request.schema() : displaySchema(workspace, target)));
      }
    } else {
      FilePath[] matched = new FilePath(workspace.toFile()).list(request.files());
      if (matched.length == 0) {
        throw ConfigException.forFile(
            request.files(), Messages.ValidateStep_NoFiles(request.files()));
      }
      for (FilePath file : matched) {
        Path path = Path.of(file.getRemote());
        targets.add(target(workspace, project, path, schema));
      }
    }
    List<EnvironmentValues> environments =
        project == null
            ? List.of(new EnvironmentValues(request.environment(), overrides))
            : ProjectValidation.environments(
                project, request.environment(), overrides, valuesFiles);
    return new ConfigValidator(limits)
        .validate(
            targets,
            environments,
            project == null ? List.of() : project.mayDiffer(),
            request.environment() == null);
  }

  /** A file matched by the glob, with the project's schema for it unless one was given. */
  private ConfigTarget target(Path workspace, ProjectDescriptor project, Path file, Path schema) {
    String display = relative(workspace, file);
    if (schema != null) {
      return new ConfigTarget(file, display, schema, request.schema());
    }
    if (project != null) {
      for (ConfigTarget target : ProjectValidation.targets(project)) {
        if (target.file().toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())) {
          return new ConfigTarget(file, display, target.schema(), displaySchema(workspace, target));
        }
      }
    }
    return new ConfigTarget(file, display, null, null);
  }

  private static String displaySchema(Path workspace, ConfigTarget target) {
    return target.schema() == null ? null : relative(workspace, target.schema());
  }

  private static String relative(Path workspace, Path file) {
    Path normalized = file.toAbsolutePath().normalize();
    return normalized.startsWith(workspace)
        ? workspace.relativize(normalized).toString()
        : normalized.toString();
  }

  /** A path the pipeline named, which must stay inside the workspace. */
  private static Path inside(Path workspace, String relative) throws IOException {
    Path path = workspace.resolve(relative).normalize();
    if (!path.startsWith(workspace)) {
      throw new IOException(Messages.ProjectSource_OutsideWorkspace(relative));
    }
    return path;
  }
}
