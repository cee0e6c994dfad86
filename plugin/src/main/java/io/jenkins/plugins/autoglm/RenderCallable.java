package io.jenkins.plugins.autoglm;

import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.MasterToSlaveFileCallable;
import org.openautoglm.config.ConfigTarget;
import org.openautoglm.config.ConfigValidator;
import org.openautoglm.config.EnvironmentValues;
import org.openautoglm.config.FileReport;
import org.openautoglm.config.ProjectValidation;
import org.openautoglm.config.ValidationReports;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.values.Values;
import org.openautoglm.config.values.ValuesFiles;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.project.ProjectLoader;

/**
 * Renders the project's configs for one environment on the agent, validated first (nothing trains
 * or deploys on a config that breaks its schema), and optionally writes them into a directory
 * there. Sends back the rendered text by file name, or the errors.
 */
final class RenderCallable extends MasterToSlaveFileCallable<RenderCallable.Rendered> {
  private static final long serialVersionUID = 1L;

  /**
   * @param environment the environment that rendered them
   * @param configs rendered text by file name (empty when invalid)
   * @param errors {@code file:line:column} lines; empty when valid
   */
  record Rendered(String environment, Map<String, String> configs, List<String> errors)
      implements Serializable {
    boolean valid() {
      return errors.isEmpty();
    }
  }

  private final String project;
  private final String environment;
  private final String outputDirectory;

  /**
   * @param environment the environment, or {@code null} for the project's first
   * @param outputDirectory an absolute directory on the agent to write the configs into, or {@code
   *     null}
   */
  RenderCallable(String project, String environment, String outputDirectory) {
    this.project = project;
    this.environment = environment;
    this.outputDirectory = outputDirectory;
  }

  @Override
  public Rendered invoke(File directory, VirtualChannel channel) throws IOException {
    Path workspace = directory.toPath().toAbsolutePath().normalize();
    LoadLimits limits = LoadLimits.DEFAULT;
    ProjectDescriptor descriptor;
    try {
      descriptor = new ProjectLoader(limits).load(workspace.resolve(project).normalize());
    } catch (ConfigException e) {
      return new Rendered(environment, Map.of(), List.of(e.diagnostic().toString()));
    }
    String chosen =
        environment != null || descriptor.environments().isEmpty()
            ? environment
            : descriptor.environments().get(0).name();
    Map<String, String> rendered = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    try {
      EnvironmentValues values =
          ProjectValidation.environments(
                  descriptor, chosen, Values.empty(), new ValuesFiles(limits))
              .get(0);
      ConfigValidator validator = new ConfigValidator(limits);
      for (ConfigTarget target : ProjectValidation.targets(descriptor)) {
        FileReport report = validator.render(target, values);
        for (Diagnostic error : report.errors()) {
          errors.add(ValidationReports.line(report, error));
        }
        if (report.valid()
            && rendered.put(target.file().getFileName().toString(), report.rendered()) != null) {
          errors.add(Messages.RenderCallable_DuplicateName(target.file().getFileName()));
        }
      }
    } catch (ConfigException e) {
      errors.add(e.diagnostic().toString());
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
    }
    if (!errors.isEmpty()) {
      return new Rendered(chosen, Map.of(), errors);
    }
    if (outputDirectory != null) {
      Path output = Path.of(outputDirectory);
      Files.createDirectories(output);
      for (Map.Entry<String, String> config : rendered.entrySet()) {
        Files.writeString(
            output.resolve(config.getKey()), config.getValue(), StandardCharsets.UTF_8);
      }
    }
    return new Rendered(chosen, new LinkedHashMap<>(rendered), new ArrayList<>());
  }
}
