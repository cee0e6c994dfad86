package org.openautoglm.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Policy;
import org.openautoglm.policy.PolicyLoader;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.project.ProjectLoader;
import org.openautoglm.promotion.EnvironmentTarget;
import org.openautoglm.promotion.ProjectRules;
import org.openautoglm.promotion.PromotionListener;
import org.openautoglm.promotion.Promotions;
import org.openautoglm.registry.Registry;
import org.openautoglm.status.RecordedPromotions;
import org.openautoglm.status.RunStore;
import picocli.CommandLine.Option;

/**
 * Options shared by the registry and promotion commands: the project, the registry, who is acting,
 * and the operator's policy (never the project's: anyone who can push could grant themselves
 * admin).
 */
final class PromotionOptions {
  private final Map<String, String> environment;

  PromotionOptions() {
    this(System.getenv());
  }

  PromotionOptions(Map<String, String> environment) {
    this.environment = environment;
  }

  @Option(
      names = "--project",
      paramLabel = "FILE",
      description = "Project descriptor (default: ./autoglm.yaml).")
  Path project;

  @Option(
      names = "--registry",
      paramLabel = "DIR",
      description =
          "Registry (a bare Git repository; default: the project's registry.path, else .autoglm/registry.git).")
  Path registry;

  @Option(
      names = "--user",
      paramLabel = "USER",
      description = "Who is acting (default: $AUTOGLM_USER, else $USER).")
  String user;

  @Option(
      names = "--group",
      paramLabel = "GROUP",
      split = ",",
      description = "Groups the user belongs to, for group members in the policy.")
  java.util.List<String> groups = new java.util.ArrayList<>();

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "The operator's policy file (default: $AUTOGLM_POLICY; without one, the default roles"
              + " apply and nobody holds one).")
  Path policy;

  @Option(
      names = "--runs",
      paramLabel = "DIR",
      description = "Run records (default: .autoglm/runs next to the project descriptor).")
  Path runs;

  ProjectDescriptor loadProject() {
    return new ProjectLoader(LoadLimits.DEFAULT)
        .load(project == null ? Workspace.DEFAULT_DESCRIPTOR : project);
  }

  Actor actor() {
    String name =
        user != null ? user : environment.getOrDefault("AUTOGLM_USER", environment.get("USER"));
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("who is acting? pass --user NAME (or set AUTOGLM_USER)");
    }
    return Actor.of(name, groups.toArray(String[]::new));
  }

  Policy loadPolicy() {
    Path file = policy;
    if (file == null && environment.get("AUTOGLM_POLICY") != null) {
      file = Path.of(environment.get("AUTOGLM_POLICY"));
    }
    return new PolicyLoader(LoadLimits.DEFAULT).loadOrDefaults(file);
  }

  RunStore runStore(ProjectDescriptor project) {
    return RunStores.open(project, runs);
  }

  Registry openRegistry(ProjectDescriptor project) {
    Path directory = registry != null ? registry : project.resolve(project.registry().path());
    return Registry.open(directory);
  }

  /**
   * Refuses an environment the project does not define, so that a typo is an error rather than an
   * empty answer.
   */
  static void requireEnvironment(ProjectDescriptor project, String name) {
    if (project.environment(name).isEmpty()) {
      throw new IllegalArgumentException(
          "the project has no environment '"
              + name
              + "'; its environments: "
              + String.join(", ", project.environments().stream().map(e -> e.name()).toList()));
    }
  }

  /** The promotion service over the project's environments; close the registry after use. */
  static Promotions promotions(
      ProjectDescriptor project, Registry registry, Policy policy, PrintWriter log) {
    return promotions(project, registry, policy, console(log));
  }

  /** Promotions that leave run records, logging to {@code log}. */
  static RecordedPromotions recorded(
      ProjectDescriptor project, Registry registry, Policy policy, RunStore runs, PrintWriter log) {
    return new RecordedPromotions(
        project.name(),
        registry,
        policy.withProjectRules(ProjectRules.of(project)),
        runs,
        listener -> promotions(project, registry, policy, listener),
        console(log),
        Clock.systemUTC());
  }

  /** Prints what a promotion does, prefixed like every autoglm message. */
  static PromotionListener console(PrintWriter log) {
    return line -> {
      log.println("autoglm: " + line);
      log.flush();
    };
  }

  /** The promotion service over the project's environments, reporting to {@code listener}. */
  static Promotions promotions(
      ProjectDescriptor project, Registry registry, Policy policy, PromotionListener listener) {
    Policy withRules = policy.withProjectRules(ProjectRules.of(project));
    Promotions.EnvironmentTargets targets =
        name -> {
          ProjectDescriptor.Environment environment =
              project
                  .environment(name)
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "the project has no environment '" + name + "'"));
          return new EnvironmentTarget(
              name,
              environment.deploy().create(PromotionOptions::kubernetes, project.resolve(".")),
              environment.healthCheck(),
              environment.deploy().timeout(),
              environment.rollbackTimeout(),
              environment.image(),
              environment.parameters(),
              environment.automaticRollback());
        };
    return new Promotions(
        project.name(),
        registry,
        withRules,
        targets,
        project.notifier(),
        listener,
        Clock.systemUTC());
  }

  private static KubernetesClient kubernetes(String context) {
    return new KubernetesClientBuilder().withConfig(Config.autoConfigure(context)).build();
  }
}
