package org.openautoglm.project;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.openautoglm.training.TrainingSpec;

/**
 * What {@code autoglm.yaml} says about a project: its configs and schemas, its values, its
 * environments and which values may differ between them.
 *
 * <p>Paths are as written in the descriptor, relative to its directory; {@link #resolve} and {@link
 * #display} turn them into files to open and names to show.
 *
 * @param descriptor the descriptor file, as the user named it
 * @param training the {@code training} section, or {@code null} when the project has none
 */
public record ProjectDescriptor(
    Path descriptor,
    String name,
    String description,
    List<ConfigFile> configs,
    List<String> values,
    List<Environment> environments,
    List<String> mayDiffer,
    TrainingSpec training) {

  /** A templated config file and the schema it must satisfy ({@code null}: syntax only). */
  public record ConfigFile(String file, String schema) {}

  /** An environment and its values files, laid over the project's own. */
  public record Environment(String name, List<String> values) {}

  public Path resolve(String relative) {
    return directory().resolve(relative).normalize();
  }

  /** The name of a project file in messages: relative to where the user pointed us. */
  public String display(String relative) {
    Path parent = descriptor.getParent();
    return parent == null
        ? Path.of(relative).normalize().toString()
        : parent.resolve(relative).normalize().toString();
  }

  public Optional<Environment> environment(String environmentName) {
    return environments.stream().filter(e -> e.name().equals(environmentName)).findFirst();
  }

  private Path directory() {
    Path parent = descriptor.toAbsolutePath().getParent();
    return parent == null ? Path.of(".").toAbsolutePath() : parent;
  }
}
