package org.openautoglm.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Deploys by running a command the operator configured (helm, kubectl, a script): success is exit
 * code 0.
 *
 * <p>The command is an argument list run directly, never through a shell, so nothing in a release
 * (a parameter value, a URI) can inject shell syntax. It inherits this process's environment (PATH,
 * KUBECONFIG, credentials the build wrapper set) and gets the release in these variables:
 *
 * <ul>
 *   <li>{@code AUTOGLM_ENVIRONMENT}, {@code AUTOGLM_SNAPSHOT}, {@code AUTOGLM_MODEL_VERSION},
 *       {@code AUTOGLM_MODEL_URI};
 *   <li>{@code AUTOGLM_IMAGE}, only when the release names an image;
 *   <li>{@code AUTOGLM_PARAM_<NAME>} for each parameter, the name upper-cased with {@code -} and
 *       {@code .} turned into {@code _}.
 * </ul>
 *
 * Inherited variables of these names are removed first, so a stale value from an outer step never
 * leaks in. Output (stdout and stderr merged) goes line by line to the listener. On timeout or
 * interruption the command and all its child processes are stopped: SIGTERM, then SIGKILL after a
 * grace period.
 */
public final class CommandDeployer implements Deployer {
  /** Longest output line passed on; longer lines are cut so one line cannot exhaust memory. */
  static final int MAX_LINE_CHARS = 16 * 1024;

  static final String PARAMETER_PREFIX = "AUTOGLM_PARAM_";
  private static final List<String> RELEASE_VARIABLES =
      List.of(
          "AUTOGLM_ENVIRONMENT",
          "AUTOGLM_SNAPSHOT",
          "AUTOGLM_MODEL_VERSION",
          "AUTOGLM_MODEL_URI",
          "AUTOGLM_IMAGE");
  private static final long GRACE_MILLIS = 3_000;
  private static final int MAX_LAST_LINE_CHARS = 300;

  private final List<String> command;
  private final Path workingDirectory;

  /**
   * @param command the program and its arguments
   * @param workingDirectory where the command runs, or {@code null} for this process's directory
   */
  public CommandDeployer(List<String> command, Path workingDirectory) {
    if (command == null || command.isEmpty() || command.get(0).isBlank()) {
      throw new IllegalArgumentException("the deploy command is empty");
    }
    this.command = List.copyOf(command);
    this.workingDirectory = workingDirectory;
  }

  public List<String> command() {
    return command;
  }

  public Path workingDirectory() {
    return workingDirectory;
  }

  /**
   * The variables a command gets for a release.
   *
   * @throws IllegalArgumentException when two parameter names map to the same variable
   */
  public static Map<String, String> environment(Release release) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AUTOGLM_ENVIRONMENT", release.environment());
    env.put("AUTOGLM_SNAPSHOT", release.snapshotDigest());
    env.put("AUTOGLM_MODEL_VERSION", Integer.toString(release.modelVersion()));
    env.put("AUTOGLM_MODEL_URI", release.modelUri());
    if (release.image() != null) {
      env.put("AUTOGLM_IMAGE", release.image());
    }
    Map<String, String> origin = new LinkedHashMap<>();
    release
        .parameters()
        .forEach(
            (name, value) -> {
              String variable = parameterVariable(name);
              String before = origin.putIfAbsent(variable, name);
              if (before != null) {
                throw new IllegalArgumentException(
                    "parameters '" + before + "' and '" + name + "' both become " + variable);
              }
              env.put(variable, value);
            });
    return env;
  }

  static String parameterVariable(String name) {
    return PARAMETER_PREFIX + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
  }

  @Override
  public DeployOutcome deploy(Release release, Duration timeout, DeployListener listener) {
    long start = System.nanoTime();
    Map<String, String> releaseEnv;
    try {
      releaseEnv = environment(release);
    } catch (IllegalArgumentException e) {
      return DeployOutcome.failed(
          "command " + name() + " was not started: " + e.getMessage(), Seconds.since(start));
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (workingDirectory != null) {
      builder.directory(workingDirectory.toFile());
    }
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith(PARAMETER_PREFIX));
    RELEASE_VARIABLES.forEach(env::remove);
    env.putAll(releaseEnv);

    Process process;
    try {
      process = builder.start();
      process.getOutputStream().close();
    } catch (IOException | IllegalArgumentException e) {
      return DeployOutcome.failed(
          "command " + name() + " could not be started: " + e.getMessage(), Seconds.since(start));
    }
    listener.log("running " + name() + " for " + release.environment() + ": " + release.describe());
    AtomicReference<String> lastLine = new AtomicReference<>();
    Thread reader =
        new Thread(() -> read(process, listener, lastLine), "autoglm-deploy-command-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stopTree(process);
        awaitReader(reader);
        return DeployOutcome.failed(
            "command "
                + name()
                + " timed out after "
                + Seconds.format(timeout)
                + "; it was stopped with its child processes"
                + lastOutput(lastLine),
            Seconds.since(start));
      }
    } catch (InterruptedException e) {
      stopTree(process);
      Thread.currentThread().interrupt();
      return DeployOutcome.failed(
          "command " + name() + " was stopped: the deployment was interrupted",
          Seconds.since(start));
    }
    // A background child can hold the output open after the command exits; do not wait for it.
    awaitReader(reader);
    int code = process.exitValue();
    Duration took = Seconds.since(start);
    if (code == 0) {
      return DeployOutcome.succeeded(
          "command " + name() + " deployed " + release.describe() + " in " + Seconds.format(took),
          took);
    }
    return DeployOutcome.failed(
        "command " + name() + " " + describeExit(code) + lastOutput(lastLine), took);
  }

  @Override
  public String describe() {
    return "command " + name();
  }

  /**
   * The program as configured, for messages; its arguments may carry secrets, so they are left out.
   */
  private String name() {
    return "'" + command.get(0) + "'";
  }

  private static void read(Process process, DeployListener listener, AtomicReference<String> last) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          emit(line, listener, last);
          line.setLength(0);
        } else if (line.length() < MAX_LINE_CHARS) {
          line.append((char) c);
        }
      }
      if (line.length() > 0) {
        emit(line, listener, last);
      }
    } catch (IOException e) {
      // the process was killed while we read; its output ends here
    }
  }

  private static void emit(
      StringBuilder buffer, DeployListener listener, AtomicReference<String> last) {
    int end = buffer.length();
    if (end > 0 && buffer.charAt(end - 1) == '\r') {
      end--;
    }
    String line = buffer.substring(0, end);
    if (!line.isBlank()) {
      last.set(line);
    }
    listener.log(line);
  }

  private static String lastOutput(AtomicReference<String> lastLine) {
    String line = lastLine.get();
    if (line == null) {
      return "";
    }
    line = line.strip();
    if (line.length() > MAX_LAST_LINE_CHARS) {
      line = line.substring(0, MAX_LAST_LINE_CHARS) + "…";
    }
    return "; last output: " + line;
  }

  static String describeExit(int code) {
    if (code > 128 && code < 160) {
      return "was killed by signal " + (code - 128) + " (exit code " + code + ")";
    }
    return "exited with code " + code;
  }

  /**
   * Stops the command and every process it started: TERM to all, a grace period, then KILL to what
   * is left; waits for the command itself so it is not left a zombie. The descendants are listed
   * before anything is stopped, since a child whose parent died is no longer found through it.
   * Waiting ignores interrupts; the flag is restored afterwards.
   */
  private static void stopTree(Process process) {
    List<ProcessHandle> tree = process.descendants().toList();
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    boolean interrupted = false;
    long until = System.currentTimeMillis() + GRACE_MILLIS;
    while (true) {
      try {
        long left = Math.max(0, until - System.currentTimeMillis());
        if (!process.waitFor(left, TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor();
        }
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        until = System.currentTimeMillis();
      }
    }
    for (ProcessHandle child : tree) {
      try {
        long left = Math.max(0, until - System.currentTimeMillis());
        child.onExit().get(left, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
        until = System.currentTimeMillis();
        child.destroyForcibly();
      } catch (TimeoutException | ExecutionException e) {
        child.destroyForcibly();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitReader(Thread reader) {
    try {
      reader.join(GRACE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
