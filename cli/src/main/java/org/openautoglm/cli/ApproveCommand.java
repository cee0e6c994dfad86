package org.openautoglm.cli;

import java.util.concurrent.Callable;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.promotion.Promotions;
import org.openautoglm.registry.Registry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code autoglm approve}: approve (or reject) an open promotion request. */
@Command(
    name = "approve",
    mixinStandardHelpOptions = true,
    description = {
      "Approve an open promotion request (or reject it with --reject). An approval is bound to"
          + " the snapshot requested: it cannot promote another version."
    },
    footer = {
      "",
      "Exit codes: 0 recorded, 2 usage error (no such request), 3 denied by policy (e.g. one's"
          + " own request), 4 conflict.",
      "Docs: docs/promotion.md"
    })
final class ApproveCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin PromotionOptions options;

  @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment.")
  String environment;

  @Option(names = "--request", required = true, paramLabel = "ID", description = "The request id.")
  String request;

  @Option(names = "--reject", description = "Reject the request instead.")
  boolean reject;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded in the history).")
  String reason;

  @Override
  public Integer call() {
    ProjectDescriptor project = options.loadProject();
    try (Registry registry = options.openRegistry(project)) {
      Promotions promotions =
          PromotionOptions.promotions(
              project, registry, options.loadPolicy(), spec.commandLine().getOut());
      PromotionResult result =
          reject
              ? promotions.reject(options.actor(), environment, request, reason)
              : promotions.approve(options.actor(), environment, request, reason);
      return PromotionPrinter.print(result, spec.commandLine().getOut());
    }
  }
}
