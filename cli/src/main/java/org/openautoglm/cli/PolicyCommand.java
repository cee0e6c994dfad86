package org.openautoglm.cli;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.openautoglm.policy.Action;
import org.openautoglm.policy.Policy;
import org.openautoglm.policy.Route;
import org.openautoglm.policy.SnapshotRef;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.promotion.ProjectRules;
import org.openautoglm.registry.Registry;
import org.openautoglm.registry.Snapshot;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code autoglm policy who-can}: who could do this, and how. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Ask the policy.",
    subcommands = {PolicyCommand.WhoCan.class})
final class PolicyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "who-can",
      mixinStandardHelpOptions = true,
      description =
          "Who could promote (roll back, approve) in an environment, and how: directly, after approvals, after verifying elsewhere first.",
      footer = {"", "Exit codes: 0 answered, 2 usage error.", "Docs: docs/promotion.md"})
  static final class WhoCan implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin PromotionOptions options;

    @Option(
        names = "--action",
        paramLabel = "ACTION",
        description = "promote, rollback, approve, train or read (default: ${DEFAULT-VALUE}).")
    String action = "promote";

    @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment.")
    String environment;

    @Option(
        names = "--version",
        paramLabel = "N",
        description = "A model version: also says where it must be verified first.")
    Integer version;

    @Override
    public Integer call() {
      Action asked;
      try {
        asked = Action.valueOf(action.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown action '" + action + "'; use promote, rollback, approve, train or read");
      }
      ProjectDescriptor project = options.loadProject();
      if (asked.perEnvironment()) {
        PromotionOptions.requireEnvironment(project, environment);
      }
      Policy policy = options.loadPolicy().withProjectRules(ProjectRules.of(project));
      PrintWriter out = spec.commandLine().getOut();
      SnapshotRef snapshot = null;
      Set<String> verifiedIn = new HashSet<>();
      if (version != null) {
        try (Registry registry = options.openRegistry(project)) {
          if (registry.version(version).isEmpty()) {
            throw new IllegalArgumentException(
                "v" + version + " is not registered; see autoglm register");
          }
          for (String name : registry.environments()) {
            for (String digest : registry.state(name).lastVerified()) {
              Snapshot candidate = registry.snapshotByDigest(digest).orElse(null);
              if (candidate != null && candidate.version() == version) {
                verifiedIn.add(name);
                snapshot = new SnapshotRef(digest, "v" + version);
              }
            }
          }
        }
      }
      for (Route route : policy.whoCan(asked, environment, snapshot, verifiedIn)) {
        out.println("- " + route.description());
      }
      out.flush();
      return 0;
    }
  }
}
