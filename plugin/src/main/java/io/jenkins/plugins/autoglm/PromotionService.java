package io.jenkins.plugins.autoglm;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.openautoglm.deploy.Deployer;
import org.openautoglm.deploy.DeployerConfig;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.promotion.EnvironmentTarget;
import org.openautoglm.promotion.ProjectRules;
import org.openautoglm.promotion.PromotionListener;
import org.openautoglm.promotion.Promotions;
import org.openautoglm.registry.Registry;

/**
 * Core's {@link Promotions} assembled from Jenkins' parts: the registry where the administrator put
 * it, the global policy with the project's rules on top, the project's deployers (commands run on
 * the build's agent, Kubernetes reached through the configured cloud or kubeconfig) and the
 * webhooks. Close it after use: it holds the registry and any client it opened.
 */
final class PromotionService implements AutoCloseable {
  private final Registry registry;
  private final Promotions promotions;
  private final List<KubernetesConnections.Connection> connections = new ArrayList<>();

  /** Where deploy commands run: the build's workspace and launcher; absent on a page. */
  record Agent(FilePath workspace, Launcher launcher, EnvVars environment) {}

  private PromotionService(
      ProjectDescriptor project,
      ProjectSource source,
      Agent agent,
      KubernetesConnections.Target kubernetes,
      Run<?, ?> run,
      Item item,
      TaskListener listener,
      PromotionListener log)
      throws IOException {
    this.registry = Registries.open(project.name(), listener);
    AutoglmConfiguration global = AutoglmConfiguration.get();
    Promotions.EnvironmentTargets targets =
        name -> {
          ProjectDescriptor.Environment environment =
              project
                  .environment(name)
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              Messages.PromotionService_NoEnvironment(name)));
          return new EnvironmentTarget(
              name,
              deployer(environment.deploy(), source, agent, kubernetes, run, item, listener),
              environment.healthCheck(),
              environment.deploy().timeout(),
              environment.rollbackTimeout(),
              environment.image(),
              environment.parameters(),
              environment.automaticRollback());
        };
    this.promotions =
        new Promotions(
            project.name(),
            registry,
            global.policy().withProjectRules(ProjectRules.of(project)),
            targets,
            global.notifier(project.notifier()),
            log,
            Clock.systemUTC());
  }

  /** For a build: deploy commands run on its agent when it has one. */
  static PromotionService forBuild(
      ProjectDescriptor project,
      ProjectSource source,
      Agent agent,
      KubernetesConnections.Target kubernetes,
      Run<?, ?> run,
      TaskListener listener,
      PromotionListener log)
      throws IOException {
    return new PromotionService(project, source, agent, kubernetes, run, null, listener, log);
  }

  /** For a page or REST call: no agent, so command deployers are refused before anything starts. */
  static PromotionService forItem(
      ProjectDescriptor project,
      ProjectSource source,
      Item item,
      TaskListener listener,
      PromotionListener log)
      throws IOException {
    return new PromotionService(
        project,
        source,
        null,
        new KubernetesConnections.Target(null, null, null),
        null,
        item,
        listener,
        log);
  }

  /**
   * Refuses an environment whose deploy command needs an agent when there is none, before the
   * registry records anything.
   */
  static void requireDeployable(ProjectDescriptor project, String environment, Agent agent)
      throws AbortException {
    ProjectDescriptor.Environment target =
        project
            .environment(environment)
            .orElseThrow(
                () -> new AbortException(Messages.PromotionService_NoEnvironment(environment)));
    if (target.deploy().type() == DeployerConfig.Type.COMMAND && agent == null) {
      throw new AbortException(Messages.PromotionService_NeedsAgent(environment));
    }
  }

  Promotions promotions() {
    return promotions;
  }

  Registry registry() {
    return registry;
  }

  private Deployer deployer(
      DeployerConfig config,
      ProjectSource source,
      Agent agent,
      KubernetesConnections.Target kubernetes,
      Run<?, ?> run,
      Item item,
      TaskListener listener) {
    switch (config.type()) {
      case COMMAND:
        if (agent == null) {
          throw new IllegalStateException(
              Messages.PromotionService_NeedsAgent(config.type().key()));
        }
        FilePath directory = projectDirectory(agent.workspace(), source);
        if (config.workingDirectory() != null) {
          directory = directory.child(config.workingDirectory());
        }
        return new AgentCommandDeployer(
            config.command(), directory, agent.launcher(), agent.environment(), listener);
      case KUBERNETES:
        return config.create(
            context -> {
              try {
                KubernetesConnections.Connection connection =
                    run != null
                        ? KubernetesConnections.connect(kubernetes, run)
                        : KubernetesConnections.connect(kubernetes, item);
                synchronized (connections) {
                  connections.add(connection);
                }
                return connection.client();
              } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
              }
            },
            null);
      default:
        return config.create(null, null);
    }
  }

  /** The directory of {@code autoglm.yaml} on the agent. */
  private static FilePath projectDirectory(FilePath workspace, ProjectSource source) {
    FilePath descriptor = new FilePath(workspace.getChannel(), source.path());
    FilePath parent = descriptor.getParent();
    return parent != null ? parent : workspace;
  }

  @Override
  public void close() {
    synchronized (connections) {
      connections.forEach(KubernetesConnections.Connection::close);
      connections.clear();
    }
    registry.close();
  }
}
