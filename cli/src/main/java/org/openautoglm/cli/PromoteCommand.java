package org.openautoglm.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Policy;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.promotion.PromotionOutcome;
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.registry.Registry;
import org.openautoglm.status.RecordedPromotions;
import org.openautoglm.status.RunRecorder;
import org.openautoglm.status.RunState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code autoglm promote}: policy, approvals, deploy, health check, verified. */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description = {
      "Promote a model version to an environment: the policy decides, approvals are asked for"
          + " where the environment needs them, then the version is deployed, health-checked and"
          + " marked verified. A failed health check rolls back to the last verified snapshot."
    },
    footer = {
      "",
      "Exit codes: 0 promoted and verified, 1 deploy or health check failed (rolled back where"
          + " possible), 2 usage error, 3 denied by policy (the message says why), 4 conflict (the"
          + " environment moved meanwhile), 5 waiting for approval.",
      "Docs: docs/promotion.md"
    })
final class PromoteCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin PromotionOptions options;

  @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment.")
  String environment;

  @Option(
      names = "--version",
      required = true,
      paramLabel = "N",
      description = "The model version.")
  int version;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded in the history).")
  String reason;

  @Option(
      names = "--wait",
      description =
          "When approvals are missing, wait for them (checking every 5 s) and then promote.")
  boolean waitForApproval;

  @Option(
      names = "--wait-timeout",
      paramLabel = "SECONDS",
      description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
  long waitSeconds = 3600;

  @Override
  public Integer call() throws InterruptedException {
    ProjectDescriptor project = options.loadProject();
    Policy policy = options.loadPolicy();
    PrintWriter out = spec.commandLine().getOut();
    try (Registry registry = options.openRegistry(project)) {
      RecordedPromotions promotions =
          PromotionOptions.recorded(project, registry, policy, options.runStore(project), out);
      Actor actor = options.actor();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(waitSeconds));
      PromotionOptions.requireEnvironment(project, environment);
      RunRecorder run = promotions.startPromotion(actor, environment, version);
      // the run's id is a diagnostic, like the progress lines: stdout stays the outcome
      spec.commandLine().getErr().println("autoglm: run " + run.id());
      spec.commandLine().getErr().flush();
      PromotionResult result = promotions.promote(run, actor, environment, version, reason);
      boolean announced = false;
      while (waitForApproval
          && result.outcome() == PromotionOutcome.WAITING_FOR_APPROVAL
          && Instant.now().isBefore(deadline)) {
        if (!announced) {
          out.println("autoglm: " + result.message() + "; waiting");
          out.flush();
          announced = true;
        }
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException e) {
          run.moveIfAllowed(RunState.ABORTED, actor.user(), "stopped while waiting for approval");
          throw e;
        }
        result = promotions.promote(run, actor, environment, version, reason);
      }
      return PromotionPrinter.print(result, out);
    }
  }
}
