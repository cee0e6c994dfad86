package org.openautoglm.project;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openautoglm.deploy.DeployerConfig;
import org.openautoglm.deploy.HealthCheck;
import org.openautoglm.notify.Notifier;
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
 * @param registry where model versions and environment history are kept
 * @param notifier the webhooks told about approvals, promotions and rollbacks
 */
public record ProjectDescriptor(
    Path descriptor,
    String name,
    String description,
    List<ConfigFile> configs,
    List<String> values,
    List<Environment> environments,
    List<String> mayDiffer,
    TrainingSpec training,
    RegistryLocation registry,
    Notifier notifier) {

  /** A templated config file and the schema it must satisfy ({@code null}: syntax only). */
  public record ConfigFile(String file, String schema) {}

  /**
   * An environment: its values files (laid over the project's own), the promotion rules the project
   * adds (it can only tighten the operator's policy), and how it is deployed and checked.
   *
   * @param healthCheck the health check, or {@code null}
   * @param image the serving image recorded in snapshots, or {@code null} for the model version's
   */
  public record Environment(
      String name,
      List<String> values,
      List<String> requires,
      int approvals,
      DeployerConfig deploy,
      HealthCheck healthCheck,
      Duration rollbackTimeout,
      boolean automaticRollback,
      String image,
      Map<String, String> parameters) {

    /** An environment with values only: no rules, no deployer, automatic rollback on. */
    public static Environment of(String name, List<String> values) {
      return new Environment(
          name,
          values,
          List.of(),
          0,
          DeployerConfig.none(),
          null,
          Duration.ofSeconds(300),
          true,
          null,
          Map.of());
    }
  }

  /**
   * Where the registry lives.
   *
   * @param path the local bare repository, relative to the project
   * @param remote a remote Git repository (URL or path) the registry pushes to, or {@code null}
   */
  public record RegistryLocation(String path, String remote) {
    public static final RegistryLocation DEFAULT =
        new RegistryLocation(".autoglm/registry.git", null);
  }

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
