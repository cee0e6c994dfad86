package io.jenkins.plugins.autoglm;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code autoglmPromote}: promotes a registered model version to an environment. The policy decides
 * for the user who triggered the build; where approvals are missing the step waits for them without
 * holding a thread or, outside {@code node}, an executor, and survives a restart; then the version
 * is deployed, health-checked and marked verified (or rolled back automatically).
 */
public final class PromoteStep extends Step {
  private final String env;
  private final int version;
  private String project = ProjectSource.DEFAULT;
  private String reason;
  private boolean waitForApproval = true;
  private int approvalTimeoutMinutes = 24 * 60;
  private int pollSeconds = 30;
  private String cloud;
  private String kubeconfigCredentialsId;

  @DataBoundConstructor
  public PromoteStep(String env, int version) {
    this.env = Util.fixEmptyAndTrim(env);
    this.version = version;
  }

  public String getEnv() {
    return env;
  }

  public int getVersion() {
    return version;
  }

  public String getProject() {
    return project;
  }

  @DataBoundSetter
  public void setProject(String project) {
    String trimmed = Util.fixEmptyAndTrim(project);
    this.project = trimmed == null ? ProjectSource.DEFAULT : trimmed;
  }

  public String getReason() {
    return reason;
  }

  @DataBoundSetter
  public void setReason(String reason) {
    this.reason = Util.fixEmptyAndTrim(reason);
  }

  public boolean isWaitForApproval() {
    return waitForApproval;
  }

  /** Wait for missing approvals (default); otherwise return at once with the open request. */
  @DataBoundSetter
  public void setWaitForApproval(boolean waitForApproval) {
    this.waitForApproval = waitForApproval;
  }

  public int getApprovalTimeoutMinutes() {
    return approvalTimeoutMinutes;
  }

  @DataBoundSetter
  public void setApprovalTimeoutMinutes(int approvalTimeoutMinutes) {
    this.approvalTimeoutMinutes = Math.max(1, approvalTimeoutMinutes);
  }

  public int getPollSeconds() {
    return pollSeconds;
  }

  /**
   * How often a waiting promotion looks for new approvals (an approval on the page is immediate).
   */
  @DataBoundSetter
  public void setPollSeconds(int pollSeconds) {
    this.pollSeconds = Math.max(5, pollSeconds);
  }

  public String getCloud() {
    return cloud;
  }

  /** The Kubernetes cloud a {@code kubernetes} deployer uses; default: the global one. */
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
    if (env == null) {
      throw new IllegalArgumentException(Messages.PromoteStep_NoEnv());
    }
    return new PromoteExecution(
        context,
        new PromoteExecution.Request(
            project,
            env,
            version,
            reason,
            waitForApproval,
            approvalTimeoutMinutes * 60_000L,
            pollSeconds * 1_000L,
            new KubernetesConnections.Target(cloud, kubeconfigCredentialsId, null)));
  }

  @Extension
  @Symbol("autoglmPromote")
  public static final class DescriptorImpl extends StepDescriptor {
    @Override
    public Set<? extends Class<?>> getRequiredContext() {
      // no FilePath: outside node the step waits without an executor
      return Set.of(Run.class, TaskListener.class);
    }

    @Override
    public String getFunctionName() {
      return "autoglmPromote";
    }

    @NonNull
    @Override
    public String getDisplayName() {
      return Messages.PromoteStep_DisplayName();
    }
  }
}
