package org.openautoglm.cli;

import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openautoglm.policy.Policy;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.promotion.ProjectRules;
import org.openautoglm.registry.Registry;
import org.openautoglm.status.RunStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code autoglm ui}: the dashboard and the REST API of a project, until Ctrl-C. */
@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the project's dashboard and REST API (docs/dashboard.md, docs/rest-api.md) from the"
          + " local registry and run records. Reading needs nothing; every POST needs"
          + " 'Authorization: Bearer <token>' with a token from the tokens file, and the policy"
          + " decides what its user may do."
    },
    footer = {
      "",
      "Exit codes: 0 stopped, 2 usage error (bad tokens file, port in use).",
      "Docs: docs/dashboard.md, docs/rest-api.md"
    })
final class UiCommand implements Callable<Integer> {
  private final Map<String, String> environment;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin PromotionOptions options;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port = 8080;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}). Anything but loopback exposes the"
              + " API to the network: put it behind TLS.")
  String bind = "127.0.0.1";

  @Option(
      names = "--tokens",
      paramLabel = "FILE",
      description =
          "API tokens file (default: $AUTOGLM_TOKENS; without one the server is read-only).")
  Path tokens;

  @Option(
      names = "--allowed-host",
      paramLabel = "HOST",
      description = "A Host name to answer besides loopback (a DNS name pointing here).")
  List<String> allowedHosts = List.of();

  @Option(
      names = "--cors-origin",
      paramLabel = "ORIGIN",
      description = "An origin allowed to call the API from a browser (default: none).")
  String corsOrigin;

  @Option(
      names = "--max-body",
      paramLabel = "BYTES",
      description = "Largest request body (default: ${DEFAULT-VALUE}).")
  int maxBody = DashboardServer.DEFAULT_MAX_BODY;

  UiCommand() {
    this(System.getenv());
  }

  UiCommand(Map<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws Exception {
    ProjectDescriptor project = options.loadProject();
    Policy policy = options.loadPolicy();
    ApiTokens apiTokens = loadTokens();
    PrintWriter out = spec.commandLine().getOut();
    DashboardServer.Options serverOptions =
        new DashboardServer.Options(
            InetAddress.getByName(bind),
            port,
            maxBody,
            new HashSet<>(allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList()),
            corsOrigin);
    try (Registry registry = options.openRegistry(project)) {
      RunStore runs = options.runStore(project);
      DashboardBackend backend =
          new DashboardBackend(
              project,
              registry,
              runs,
              policy.withProjectRules(ProjectRules.of(project)),
              listener -> PromotionOptions.promotions(project, registry, policy, listener),
              PromotionOptions.console(out),
              Clock.systemUTC());
      try {
        return serve(backend, apiTokens, serverOptions, out);
      } catch (BindException e) {
        // a port in use is the person's choice to change, not a bug (exit 2, not 3)
        throw new IllegalArgumentException(
            "cannot listen on "
                + serverOptions.bind().getHostAddress()
                + ":"
                + serverOptions.port()
                + ": "
                + e.getMessage()
                + "; choose another --port (0 picks a free one) or --bind",
            e);
      }
    }
  }

  /**
   * Serves until the thread is interrupted (Ctrl-C).
   *
   * @throws BindException when the port is taken (the demo then picks a free one)
   */
  static int serve(
      DashboardBackend backend, ApiTokens tokens, DashboardServer.Options options, PrintWriter out)
      throws java.io.IOException {
    try (DashboardServer server = DashboardServer.start(backend, tokens, options)) {
      out.println("autoglm: dashboard on " + server.uri() + " (Ctrl-C stops it)");
      if (tokens.isEmpty()) {
        out.println("autoglm: no tokens file: read-only (see --tokens)");
      }
      if (!options.bind().isLoopbackAddress()) {
        out.println(
            "autoglm: listening on "
                + options.bind().getHostAddress()
                + ", not loopback: anyone who can reach it can read the project; use TLS in"
                + " front of it");
      }
      out.flush();
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.println("autoglm: dashboard stopped");
      out.flush();
      return 0;
    }
  }

  private ApiTokens loadTokens() {
    Path file = tokens;
    if (file == null && environment.get("AUTOGLM_TOKENS") != null) {
      file = Path.of(environment.get("AUTOGLM_TOKENS"));
    }
    return file == null ? ApiTokens.none() : ApiTokens.load(file);
  }
}
