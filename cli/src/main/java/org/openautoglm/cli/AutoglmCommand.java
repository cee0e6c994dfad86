package org.openautoglm.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.promotion.PromotionOutcome;
import org.openautoglm.registry.RegistryConflictException;
import org.openautoglm.registry.RegistryException;
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
      TrainCommand.class,
      RegisterCommand.class,
      PromoteCommand.class,
      ApproveCommand.class,
      RollbackCommand.class,
      HistoryCommand.class,
      PolicyCommand.class,
      UiCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 invalid input or failed (errors listed), 2 usage error or"
          + " unreadable / refused input; promote, approve and rollback: 3 denied by policy, 4"
          + " conflict, 5 waiting for approval; any other command: 3 internal error.",
      "Docs: docs/validation.md"
    })
public final class AutoglmCommand implements Runnable {
  /** Exit code for a bug in autoglm itself, never for bad input. */
  static final int INTERNAL_ERROR = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    Interrupts.install();
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    Interrupts.finished();
    System.exit(code);
  }

  /** Runs a command line with the given streams and returns its exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, System.getenv());
  }

  /**
   * Runs a command line with the given streams and environment variables (the only ones {@code
   * --env-values} can read) and returns its exit code.
   */
  static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
    CommandLine commandLine =
        new CommandLine(new AutoglmCommand(), new EnvironmentFactory(environment));
    // sub-commands have --version too (mixinStandardHelpOptions) but no version of their own
    commandLine
        .getSubcommands()
        .values()
        .forEach(command -> command.getCommandSpec().versionProvider(new Version()));
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
          // The registry's refusals are worded for the person at the command line, never bugs:
          // a write that lost a race is the documented conflict, anything else refused input.
          if (exception instanceof RegistryConflictException conflict) {
            cmd.getErr().println("autoglm: conflict: " + conflict.getMessage());
            return PromotionOutcome.CONFLICT.exitCode();
          }
          if (exception instanceof RegistryException) {
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

  /** Creates the value options of every command with the given environment variables. */
  private static final class EnvironmentFactory implements CommandLine.IFactory {
    private final CommandLine.IFactory defaults = CommandLine.defaultFactory();
    private final Map<String, String> environment;

    EnvironmentFactory(Map<String, String> environment) {
      this.environment = environment;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == ValueOptions.class) {
        return type.cast(new ValueOptions(environment));
      }
      if (type == PromotionOptions.class) {
        return type.cast(new PromotionOptions(environment));
      }
      if (type == UiCommand.class) {
        return type.cast(new UiCommand(environment));
      }
      if (type == TrainCommand.class) {
        return type.cast(new TrainCommand(environment));
      }
      return defaults.create(type);
    }
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
