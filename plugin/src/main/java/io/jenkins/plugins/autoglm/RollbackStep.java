package io.jenkins.plugins.autoglm;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.openautoglm.policy.Actor;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.promotion.PromotionOutcome;
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.status.RunKind;
import org.openautoglm.status.RunRecorder;
import org.openautoglm.status.RunState;

/**
 * {@code autoglmRollback}: returns an environment to its last verified snapshot (or a named one
 * that was verified there), deploys and health-checks it within the time budget, and records the
 * time to restore. A rollback is bounded by its budget, so it runs as a plain non-blocking step.
 */
public final class RollbackStep extends Step {
  private final String env;
  private String project = ProjectSource.DEFAULT;
  private String to;
  private String reason;
  private int timeoutSeconds;
  private String cloud;
  private String kubeconfigCredentialsId;

  @DataBoundConstructor
  public RollbackStep(String env) {
    this.env = Util.fixEmptyAndTrim(env);
  }

  public String getEnv() {
    return env;
  }

  public String getProject() {
    return project;
  }

  @DataBoundSetter
  public void setProject(String project) {
    String trimmed = Util.fixEmptyAndTrim(project);
    this.project = trimmed == null ? ProjectSource.DEFAULT : trimmed;
  }

  public String getTo() {
    return to;
  }

  /** A snapshot digest or unique prefix; default: the last verified one. */
  @DataBoundSetter
  public void setTo(String to) {
    this.to = Util.fixEmptyAndTrim(to);
  }

  public String getReason() {
    return reason;
  }

  @DataBoundSetter
  public void setReason(String reason) {
    this.reason = Util.fixEmptyAndTrim(reason);
  }

  public int getTimeoutSeconds() {
    return timeoutSeconds;
  }

  /** The time budget; 0 (default) takes the environment's {@code rollback.timeout}. */
  @DataBoundSetter
  public void setTimeoutSeconds(int timeoutSeconds) {
    this.timeoutSeconds = Math.max(0, timeoutSeconds);
  }

  public String getCloud() {
    return cloud;
  }

  @DataBoundSetter
  public void setCloud(String cloud) {
    this.cloud = Util.fixEmptyAndTrim(cloud);
  }

  public String getKubeconfigCredentialsId() {
    return kubeconfigCredentialsId;
  }

  @DataBoundSetter
  public void setKubeconfigCredentialsId(String kubeconfigCredentialsId) {
    this.kubeconfigCredentialsId = Util.fixEmptyAndTrim(kubeconfigCredentialsId);
  }

  @Override
  public StepExecution start(StepContext context) {
    return new Execution(context, this);
  }

  private static final class Execution
      extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;
    private final transient RollbackStep step;

    Execution(StepContext context, RollbackStep step) {
      super(context);
      this.step = step;
    }

    @Override
    protected Map<String, Object> run() throws Exception {
      StepContext context = getContext();
      Run<?, ?> run = context.get(Run.class);
      TaskListener listener = context.get(TaskListener.class);
      FilePath workspace = context.get(FilePath.class);
      Launcher launcher = workspace == null ? null : context.get(Launcher.class);
      EnvVars environment = workspace == null ? null : context.get(EnvVars.class);
      if (step.env == null) {
        throw new AbortException(Messages.PromoteStep_NoEnv());
      }
      Authorization.require(run, AutoglmPermissions.ROLLBACK);
      Actor actor = Actors.ofBuild(run);
      ProjectSource source = ProjectSource.find(run, workspace, step.project);
      ProjectDescriptor project = source.load();
      PromotionService.Agent agent =
          workspace == null || launcher == null
              ? null
              : new PromotionService.Agent(workspace, launcher, environment);
      PromotionService.requireDeployable(project, step.env, agent);
      Duration budget =
          step.timeoutSeconds > 0
              ? Duration.ofSeconds(step.timeoutSeconds)
              : project
                  .environment(step.env)
                  .map(ProjectDescriptor.Environment::rollbackTimeout)
                  .orElse(Duration.ofSeconds(300));
      RunRecorder recorder =
          RunRecorder.start(
              BuildRecords.store(run),
              project.name(),
              RunKind.ROLLBACK,
              "roll back " + step.env,
              actor.user(),
              Clock.systemUTC());
      BuildLog log = new BuildLog(listener);
      PromotionResult result;
      try (PromotionService service =
          PromotionService.forBuild(
              project,
              source,
              agent,
              new KubernetesConnections.Target(step.cloud, step.kubeconfigCredentialsId, null),
              run,
              listener,
              recorder.promotion(actor.user(), log))) {
        result = service.promotions().rollback(actor, step.env, step.to, step.reason, budget);
      } catch (IllegalArgumentException | IllegalStateException e) {
        // nothing to roll back to, an unknown snapshot: the record says so, the step fails
        recorder.moveIfAllowed(RunState.FAILED, actor.user(), e.getMessage());
        throw new AbortException(e.getMessage());
      }
      recorder.concerning(step.env, result.state() == null ? null : result.state().version());
      recorder.rolledBack(result, actor.user());
      log.log(result.outcome().name().toLowerCase(java.util.Locale.ROOT) + ": " + result.message());
      if (result.outcome() != PromotionOutcome.DONE) {
        throw new AbortException(result.message());
      }
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("outcome", result.outcome().name());
      map.put("message", result.message());
      map.put("environment", step.env);
      map.put("snapshot", result.state() == null ? null : result.state().snapshot());
      map.put("version", result.state() == null ? null : result.state().version());
      map.put(
          "timeToRestoreSeconds",
          result.timeToRestore() == null ? null : result.timeToRestore().toMillis() / 1000.0);
      map.put("runId", recorder.id());
      return map;
    }
  }

  @Extension
  @Symbol("autoglmRollback")
  public static final class DescriptorImpl extends StepDescriptor {
    @Override
    public Set<? extends Class<?>> getRequiredContext() {
      return Set.of(Run.class, TaskListener.class);
    }

    @Override
    public String getFunctionName() {
      return "autoglmRollback";
    }

    @NonNull
    @Override
    public String getDisplayName() {
      return Messages.RollbackStep_DisplayName();
    }
  }
}
