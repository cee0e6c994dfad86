package org.openautoglm.cli;

import java.io.PrintWriter;
import org.openautoglm.config.source.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code autoglm} command: sub-commands over the core engine. */
@Command(
    name = "autoglm",
    mixinStandardHelpOptions = true,
    versionProvider = AutoglmCommand.Version.class,
    description = "Validate, render and ship ML configs and models.",
    subcommands = {
      ValidateCommand.class,
      RenderCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 invalid input (errors listed), 2 usage error or unreadable /"
          + " refused input, 3 internal error.",
      "Docs: docs/validation.md"
    })
public final class AutoglmCommand implements Runnable {
  /** Exit code for a bug in autoglm itself, never for bad input. */
  static final int INTERNAL_ERROR = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line with the given streams and returns its exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new AutoglmCommand());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> {
          if (exception instanceof ConfigException config) {
            cmd.getErr().println(config.diagnostic());
            return 2;
          }
          if (exception instanceof IllegalArgumentException) {
            cmd.getErr().println("autoglm: " + exception.getMessage());
            return 2;
          }
          cmd.getErr().println("autoglm: internal error: " + exception);
          if (System.getenv("AUTOGLM_DEBUG") != null) {
            exception.printStackTrace(cmd.getErr());
          }
          return INTERNAL_ERROR;
        });
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar manifest, so it is never out of step with the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = AutoglmCommand.class.getPackage().getImplementationVersion();
      return new String[] {"autoglm " + (version == null ? "development build" : version)};
    }
  }
}
