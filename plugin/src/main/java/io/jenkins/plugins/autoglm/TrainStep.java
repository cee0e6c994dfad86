package io.jenkins.plugins.autoglm;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code autoglmTrain}: runs the project's distributed training job with the rank contract, on
 * Kubernetes (an Indexed Job through a cloud or a kubeconfig credential) or on the current agent
 * ({@code backend: 'local'}). Every rank's log streams into the build; ranks and metrics are
 * recorded on the build; the step survives a restart of Jenkins (Kubernetes) and deletes the
 * workload when the build is aborted. Returns the result map.
 */
public final class TrainStep extends Step {
  /** Where the ranks run. */
  public enum Backend {
    LOCAL,
    KUBERNETES
  }

  private String project = ProjectSource.DEFAULT;
  private String backend = "kubernetes";
  private String env;
  private Integer nodes;
  private Integer procsPerNode;
  private List<String> command = new ArrayList<>();
  private String cloud;
  private String namespace;
  private String kubeconfigCredentialsId;

  @DataBoundConstructor
  public TrainStep() {}

  public String getProject() {
    return project;
  }

  @DataBoundSetter
  public void setProject(String project) {
    String trimmed = Util.fixEmptyAndTrim(project);
    this.project = trimmed == null ? ProjectSource.DEFAULT : trimmed;
  }

  public String getBackend() {
    return backend;
  }

  /** {@code kubernetes} (default) or {@code local}. */
  @DataBoundSetter
  public void setBackend(String backend) {
    String trimmed = Util.fixEmptyAndTrim(backend);
    this.backend = trimmed == null ? "kubernetes" : trimmed.toLowerCase(Locale.ROOT);
  }

  Backend backend() {
    try {
      return Backend.valueOf(backend.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Messages.TrainStep_BadBackend(backend), e);
    }
  }

  public String getEnv() {
    return env;
  }

  /** The environment whose values render the configs the ranks get; default: the first. */
  @DataBoundSetter
  public void setEnv(String env) {
    this.env = Util.fixEmptyAndTrim(env);
  }

  public Integer getNodes() {
    return nodes;
  }

  @DataBoundSetter
  public void setNodes(Integer nodes) {
    this.nodes = nodes;
  }

  public Integer getProcsPerNode() {
    return procsPerNode;
  }

  @DataBoundSetter
  public void setProcsPerNode(Integer procsPerNode) {
    this.procsPerNode = procsPerNode;
  }

  public List<String> getCommand() {
    return command;
  }

  /** The command instead of the spec's, as a list (never a shell string). */
  @DataBoundSetter
  public void setCommand(List<String> command) {
    this.command = command == null ? new ArrayList<>() : new ArrayList<>(command);
  }

  public String getCloud() {
    return cloud;
  }

  @DataBoundSetter
  public void setCloud(String cloud) {
    this.cloud = Util.fixEmptyAndTrim(cloud);
  }

  public String getNamespace() {
    return namespace;
  }

  @DataBoundSetter
  public void setNamespace(String namespace) {
    this.namespace = Util.fixEmptyAndTrim(namespace);
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
    if (nodes != null && nodes < 1 || procsPerNode != null && procsPerNode < 1) {
      throw new IllegalArgumentException(Messages.TrainStep_BadShape());
    }
    return new TrainExecution(
        context,
        new TrainExecution.Request(
            project,
            backend(),
            env,
            nodes,
            procsPerNode,
            new ArrayList<>(command),
            new KubernetesConnections.Target(cloud, kubeconfigCredentialsId, namespace)));
  }

  @Extension
  @Symbol("autoglmTrain")
  public static final class DescriptorImpl extends StepDescriptor {
    @Override
    public Set<? extends Class<?>> getRequiredContext() {
      return Set.of(Run.class, TaskListener.class, FilePath.class, Launcher.class, EnvVars.class);
    }

    @Override
    public String getFunctionName() {
      return "autoglmTrain";
    }

    @NonNull
    @Override
    public String getDisplayName() {
      return Messages.TrainStep_DisplayName();
    }

    @POST
    public ListBoxModel doFillBackendItems() {
      ListBoxModel items = new ListBoxModel();
      items.add("kubernetes");
      items.add("local");
      return items;
    }

    @POST
    public ListBoxModel doFillCloudItems(
        @org.kohsuke.stapler.AncestorInPath hudson.model.Item item) {
      ListBoxModel items = new ListBoxModel();
      items.add(Messages.AutoglmConfiguration_NoCloud(), "");
      if (JenkinsFacade.hasPermission(item, hudson.model.Item.CONFIGURE)) {
        KubernetesConnections.cloudNames().forEach(items::add);
      }
      return items;
    }
  }
}
