package org.openautoglm.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.registry.Registry;
import org.openautoglm.status.RecordedPromotions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code autoglm rollback}: back to the last verified snapshot, within a time budget. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Roll an environment back to its last verified snapshot (or a named one that was verified"
          + " there), deploy it and check its health within the time budget. The time to restore"
          + " is recorded in the history."
    },
    footer = {
      "",
      "Exit codes: 0 restored and verified, 1 the rollback's deploy or health check failed (the"
          + " message says where the environment stands), 2 usage error, 3 denied by policy, 4"
          + " conflict.",
      "Docs: docs/rollback.md"
    })
final class RollbackCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin PromotionOptions options;

  @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment.")
  String environment;

  @Option(
      names = "--to",
      paramLabel = "SNAPSHOT",
      description = "Snapshot digest or unique prefix (default: the last verified one).")
  String to;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded in the history).")
  String reason;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "Time budget (default: the environment's rollback.timeout, else 300).")
  Long timeoutSeconds;

  @Override
  public Integer call() {
    ProjectDescriptor project = options.loadProject();
    try (Registry registry = options.openRegistry(project)) {
      RecordedPromotions promotions =
          PromotionOptions.recorded(
              project,
              registry,
              options.loadPolicy(),
              options.runStore(project),
              spec.commandLine().getOut());
      Duration timeout =
          timeoutSeconds != null
              ? Duration.ofSeconds(timeoutSeconds)
              : project
                  .environment(environment)
                  .map(ProjectDescriptor.Environment::rollbackTimeout)
                  .orElse(Duration.ofSeconds(300));
      PromotionOptions.requireEnvironment(project, environment);
      RecordedPromotions.Recorded done =
          promotions.rollback(options.actor(), environment, to, reason, timeout);
      if (done.run() != null) {
        spec.commandLine().getErr().println("autoglm: run " + done.run().id());
        spec.commandLine().getErr().flush();
      }
      return PromotionPrinter.print(done.result(), spec.commandLine().getOut());
    }
  }
}
