package io.jenkins.plugins.autoglm;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Proc;
import hudson.model.TaskListener;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openautoglm.deploy.CommandDeployer;
import org.openautoglm.deploy.DeployListener;
import org.openautoglm.deploy.DeployOutcome;
import org.openautoglm.deploy.Deployer;
import org.openautoglm.deploy.Release;

/**
 * A {@code command} deployer run the Jenkins way: on the build's agent, in the workspace, through
 * the build's {@link Launcher} (never a process on the controller), with the release in the same
 * {@code AUTOGLM_*} variables core's {@link CommandDeployer} sets.
 */
final class AgentCommandDeployer implements Deployer {
  private final List<String> command;
  private final FilePath directory;
  private final Launcher launcher;
  private final EnvVars environment;
  private final TaskListener listener;

  AgentCommandDeployer(
      List<String> command,
      FilePath directory,
      Launcher launcher,
      EnvVars environment,
      TaskListener listener) {
    this.command = List.copyOf(command);
    this.directory = directory;
    this.launcher = launcher;
    this.environment = environment;
    this.listener = listener;
  }

  @Override
  public DeployOutcome deploy(Release release, Duration timeout, DeployListener lines) {
    long start = System.nanoTime();
    Map<String, String> releaseEnvironment;
    try {
      releaseEnvironment = CommandDeployer.environment(release);
    } catch (IllegalArgumentException e) {
      return DeployOutcome.failed(describe() + " was not started: " + e.getMessage(), since(start));
    }
    EnvVars env = new EnvVars(environment);
    env.keySet().removeIf(name -> name.startsWith("AUTOGLM_PARAM_"));
    env.putAll(releaseEnvironment);
    try (LineForwarder out = new LineForwarder(lines::log)) {
      Proc process =
          launcher.launch().cmds(command).envs(env).pwd(directory).stdout(out).quiet(true).start();
      int code = process.joinWithTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS, listener);
      Duration took = since(start);
      if (code == 0) {
        return DeployOutcome.succeeded(describe() + " succeeded", took);
      }
      if (took.compareTo(timeout) >= 0) {
        return DeployOutcome.failed(
            describe() + " did not finish within " + timeout.toSeconds() + " s", took);
      }
      return DeployOutcome.failed(describe() + " exited with code " + code, took);
    } catch (IOException e) {
      return DeployOutcome.failed(describe() + " could not run: " + e.getMessage(), since(start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DeployOutcome.failed(describe() + " was interrupted", since(start));
    }
  }

  @Override
  public String describe() {
    return "command " + command.get(0) + " on " + directory.getRemote();
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
