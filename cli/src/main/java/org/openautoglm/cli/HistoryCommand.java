package org.openautoglm.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.registry.EnvironmentState;
import org.openautoglm.registry.HistoryEntry;
import org.openautoglm.registry.Registry;
import org.openautoglm.registry.RegistryJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code autoglm history}: the audit trail of an environment, newest first. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description =
        "Show what happened in an environment, newest first: who, what, when, why, approved by whom.",
    footer = {"", "Exit codes: 0 shown, 2 usage error.", "Docs: docs/promotion.md"})
final class HistoryCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin PromotionOptions options;

  @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment.")
  String environment;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Entries to show (default: ${DEFAULT-VALUE}).")
  int limit = 20;

  @Option(
      names = "--offset",
      paramLabel = "N",
      description = "Entries to skip (default: ${DEFAULT-VALUE}).")
  int offset = 0;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  TrainCommand.OutputFormat format = TrainCommand.OutputFormat.text;

  @Override
  public Integer call() {
    if (limit < 1 || offset < 0) {
      throw new IllegalArgumentException("--limit must be at least 1 and --offset at least 0");
    }
    ProjectDescriptor project = options.loadProject();
    PrintWriter out = spec.commandLine().getOut();
    try (Registry registry = options.openRegistry(project)) {
      EnvironmentState state = registry.state(environment);
      if (state.seq() == 0) {
        // an environment since removed from the project keeps its history; a typo has none
        PromotionOptions.requireEnvironment(project, environment);
      }
      List<HistoryEntry> entries = registry.history(environment, limit, offset);
      if (format == TrainCommand.OutputFormat.json) {
        out.println(RegistryJson.history(state, entries).toPrettyString());
      } else {
        out.println(current(state));
        for (HistoryEntry entry : entries) {
          out.println(line(entry));
        }
      }
      out.flush();
      return 0;
    }
  }

  private static String current(EnvironmentState state) {
    if (state.snapshot() == null) {
      return state.environment() + ": nothing promoted yet";
    }
    return state.environment()
        + ": v"
        + state.version()
        + " ("
        + state.snapshot().substring(0, Math.min(19, state.snapshot().length()))
        + ") since "
        + state.since()
        + " by "
        + state.by()
        + (state.verified() ? ", verified" : ", NOT verified");
  }

  static String line(HistoryEntry entry) {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            java.util.Locale.ROOT,
            "%5d  %s  %-8s",
            entry.seq(),
            entry.at(),
            entry.action().name().toLowerCase(java.util.Locale.ROOT)));
    if (entry.version() != null) {
      text.append(" v").append(entry.version());
    }
    text.append(" by ").append(entry.actor());
    if (!entry.approvers().isEmpty()) {
      text.append(", approved by ").append(String.join(", ", entry.approvers()));
    }
    if (entry.action() == HistoryEntry.Action.VERIFY) {
      text.append(entry.verified() ? " — passed" : " — FAILED");
    }
    if (entry.reason() != null) {
      text.append(": ").append(entry.reason());
    }
    return text.toString();
  }
}
