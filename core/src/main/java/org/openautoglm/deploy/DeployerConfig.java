package org.openautoglm.deploy;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.SourcePosition;

/**
 * How one environment deploys: the {@code deploy} section of an environment in {@code
 * autoglm.yaml}, read into a value from which {@link #create} builds the {@link Deployer}.
 *
 * <pre>{@code
 * environments:
 *   - name: production
 *     deploy:
 *       type: kubernetes            # kubernetes | command | none (default: none)
 *       timeout: 10m                # the whole deployment, rollout included (default: 10m)
 *
 *       # type: kubernetes -- update an existing Deployment and wait for its rollout
 *       context: prod-cluster       # kubeconfig context (default: the current one)
 *       namespace: serving          # default: the context's namespace
 *       deployment: sentiment-api   # required
 *       container: server           # default: the first container
 *       modelUriEnv: MODEL_URI      # variable names set on the container; "" sets none
 *       modelVersionEnv: MODEL_VERSION
 *       snapshotEnv: AUTOGLM_SNAPSHOT
 *
 *       # type: command -- run a program; exit code 0 is success
 *       command: [helm, upgrade, --install, sentiment, charts/sentiment]   # a list, never a string
 *       workingDir: deploy          # relative to the project directory (default: that directory)
 * }</pre>
 *
 * Durations are written {@code 90} (seconds), {@code 90s}, {@code 45m}, {@code 2h} or {@code
 * 1h30m}. Keys of another type, and unknown keys, are refused, since they are most often typos.
 *
 * @param type which deployer
 * @param timeout the limit a caller passes to {@link Deployer#deploy}
 * @param context the kubeconfig context (kubernetes), or {@code null} for the current one
 * @param target the Deployment to update (kubernetes), otherwise {@code null}
 * @param command the program and its arguments (command), otherwise empty
 * @param workingDirectory where the command runs (command), relative to the project directory, or
 *     {@code null}
 */
public record DeployerConfig(
    Type type,
    Duration timeout,
    String context,
    KubernetesDeployer.Target target,
    List<String> command,
    String workingDirectory) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private static final List<String> KUBERNETES_KEYS =
      List.of(
          "type",
          "timeout",
          "context",
          "namespace",
          "deployment",
          "container",
          "modelUriEnv",
          "modelVersionEnv",
          "snapshotEnv");
  private static final List<String> COMMAND_KEYS =
      List.of("type", "timeout", "command", "workingDir");
  private static final List<String> NONE_KEYS = List.of("type", "timeout");

  /** The kinds of deployer, named in {@code type} in lower case. */
  public enum Type {
    KUBERNETES,
    COMMAND,
    NONE;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public DeployerConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timeout, "timeout");
    command = command == null ? List.of() : List.copyOf(command);
    if (type == Type.KUBERNETES && target == null) {
      throw new IllegalArgumentException("a kubernetes deployer needs a target Deployment");
    }
    if (type == Type.COMMAND && command.isEmpty()) {
      throw new IllegalArgumentException("a command deployer needs a command");
    }
  }

  /** Registry only: what an environment without a {@code deploy} section gets. */
  public static DeployerConfig none() {
    return new DeployerConfig(Type.NONE, DEFAULT_TIMEOUT, null, null, List.of(), null);
  }

  /**
   * Reads a {@code deploy} section.
   *
   * @param section the section as parsed YAML (maps, lists, scalars); {@code null} means {@link
   *     #none()}
   * @param pointer the section's JSON pointer in the descriptor, such as {@code
   *     /environments/2/deploy}
   * @param positions the source position of a JSON pointer into the descriptor
   * @throws ConfigException naming the offending key's position when the section is wrong
   */
  public static DeployerConfig read(
      Map<String, ?> section, String pointer, Function<String, SourcePosition> positions) {
    if (section == null) {
      return none();
    }
    SectionReader reader = new SectionReader(section, pointer, positions);
    String typeName = reader.text("type", "none").trim();
    Type type =
        switch (typeName) {
          case "kubernetes" -> Type.KUBERNETES;
          case "command" -> Type.COMMAND;
          case "none" -> Type.NONE;
          default ->
              throw reader.error(
                  "type",
                  "unknown deployer type '" + typeName + "'; expected kubernetes, command or none");
        };
    Duration timeout = reader.duration("timeout", DEFAULT_TIMEOUT);
    return switch (type) {
      case NONE -> {
        reader.allowOnly("deployer type none", NONE_KEYS);
        yield new DeployerConfig(Type.NONE, timeout, null, null, List.of(), null);
      }
      case COMMAND -> {
        reader.allowOnly("a command deployer", COMMAND_KEYS);
        List<String> command =
            reader.strings(
                "command",
                "write the program and its arguments as a list, such as [helm, upgrade, app];"
                    + " it is run directly, never through a shell");
        if (command.isEmpty() || command.get(0).isBlank()) {
          throw reader.error(
              reader.has("command") ? "command" : null,
              "a command deployer needs 'command': the program and its arguments as a list");
        }
        yield new DeployerConfig(
            Type.COMMAND, timeout, null, null, command, reader.text("workingDir", null));
      }
      case KUBERNETES -> {
        reader.allowOnly("a kubernetes deployer", KUBERNETES_KEYS);
        String deployment = reader.requiredText("deployment", "a kubernetes deployer");
        KubernetesDeployer.Target target;
        try {
          target =
              new KubernetesDeployer.Target(
                  reader.text("namespace", null),
                  deployment,
                  reader.text("container", null),
                  reader.text("modelUriEnv", KubernetesDeployer.Target.DEFAULT_MODEL_URI_VARIABLE),
                  reader.text(
                      "modelVersionEnv", KubernetesDeployer.Target.DEFAULT_MODEL_VERSION_VARIABLE),
                  reader.text("snapshotEnv", KubernetesDeployer.Target.DEFAULT_SNAPSHOT_VARIABLE));
        } catch (IllegalArgumentException e) {
          throw reader.error(null, e.getMessage());
        }
        yield new DeployerConfig(
            Type.KUBERNETES, timeout, reader.text("context", null), target, List.of(), null);
      }
    };
  }

  /**
   * Builds the deployer.
   *
   * @param clients makes a Kubernetes client for a kubeconfig context ({@code null}: the current
   *     one); called only for type kubernetes. The clients stay the caller's to close.
   * @param projectDirectory the directory of {@code autoglm.yaml}; a command runs there or in its
   *     {@code workingDir} below it
   */
  public Deployer create(Function<String, KubernetesClient> clients, Path projectDirectory) {
    return switch (type) {
      case NONE -> new NoneDeployer();
      case COMMAND ->
          new CommandDeployer(
              command,
              workingDirectory == null
                  ? projectDirectory
                  : projectDirectory == null
                      ? Path.of(workingDirectory)
                      : projectDirectory.resolve(workingDirectory).normalize());
      case KUBERNETES -> {
        KubernetesClient client = clients == null ? null : clients.apply(context);
        if (client == null) {
          throw new IllegalStateException(
              "no Kubernetes client for context " + (context == null ? "(current)" : context));
        }
        yield new KubernetesDeployer(client, target);
      }
    };
  }
}
