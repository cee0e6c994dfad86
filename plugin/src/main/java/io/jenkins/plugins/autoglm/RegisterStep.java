package io.jenkins.plugins.autoglm;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
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
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.registry.ModelVersion;
import org.openautoglm.registry.Registry;

/**
 * {@code autoglmRegister}: records a trained model as the project's next model version, with the
 * artifact's SHA-256, the digest of the configs it was trained with, its metrics and the commit.
 * Returns the version number and what was recorded.
 */
public final class RegisterStep extends Step {
  private final String artifact;
  private String project = ProjectSource.DEFAULT;
  private String sha256;
  private String image;
  private String trainingRun;
  private Map<String, Object> metrics = new LinkedHashMap<>();
  private String commit;

  /**
   * @param artifact a file in the workspace, or a URI ({@code s3://…}, which needs {@code sha256})
   */
  @DataBoundConstructor
  public RegisterStep(String artifact) {
    this.artifact = Util.fixEmptyAndTrim(artifact);
  }

  public String getArtifact() {
    return artifact;
  }

  public String getProject() {
    return project;
  }

  @DataBoundSetter
  public void setProject(String project) {
    String trimmed = Util.fixEmptyAndTrim(project);
    this.project = trimmed == null ? ProjectSource.DEFAULT : trimmed;
  }

  public String getSha256() {
    return sha256;
  }

  @DataBoundSetter
  public void setSha256(String sha256) {
    this.sha256 = Util.fixEmptyAndTrim(sha256);
  }

  public String getImage() {
    return image;
  }

  /** The image the model was trained in; default: the training spec's image. */
  @DataBoundSetter
  public void setImage(String image) {
    this.image = Util.fixEmptyAndTrim(image);
  }

  public String getTrainingRun() {
    return trainingRun;
  }

  /** The id of the training run that produced it (what {@code autoglmTrain} returns). */
  @DataBoundSetter
  public void setTrainingRun(String trainingRun) {
    this.trainingRun = Util.fixEmptyAndTrim(trainingRun);
  }

  public Map<String, Object> getMetrics() {
    return metrics;
  }

  /** Result metrics by name, such as {@code [loss: 0.31]}; numbers or numeric strings. */
  @DataBoundSetter
  public void setMetrics(Map<String, Object> metrics) {
    this.metrics = metrics == null ? new LinkedHashMap<>() : new LinkedHashMap<>(metrics);
  }

  public String getCommit() {
    return commit;
  }

  /** The source commit; default: {@code GIT_COMMIT} of the build, when set. */
  @DataBoundSetter
  public void setCommit(String commit) {
    this.commit = Util.fixEmptyAndTrim(commit);
  }

  Map<String, Double> numericMetrics() {
    Map<String, Double> numbers = new LinkedHashMap<>();
    metrics.forEach(
        (name, value) -> {
          try {
            numbers.put(
                name,
                value instanceof Number number
                    ? number.doubleValue()
                    : Double.parseDouble(String.valueOf(value)));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(Messages.RegisterStep_BadMetric(name, value), e);
          }
        });
    return numbers;
  }

  @Override
  public StepExecution start(StepContext context) {
    return new Execution(context, this);
  }

  private static final class Execution
      extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;
    private final transient RegisterStep step;

    Execution(StepContext context, RegisterStep step) {
      super(context);
      this.step = step;
    }

    @Override
    protected Map<String, Object> run() throws Exception {
      StepContext context = getContext();
      Run<?, ?> run = context.get(Run.class);
      FilePath workspace = context.get(FilePath.class);
      TaskListener listener = context.get(TaskListener.class);
      EnvVars env = context.get(EnvVars.class);
      if (step.artifact == null) {
        throw new IllegalArgumentException(Messages.RegisterStep_NoArtifact(""));
      }
      Authorization.require(run, AutoglmPermissions.TRAIN);
      Map<String, Double> metrics = step.numericMetrics();
      ProjectSource source = ProjectSource.find(run, workspace, step.project);
      ProjectDescriptor project = source.load();
      ArtifactCallable.Artifact artifact =
          workspace.act(new ArtifactCallable(step.project, step.artifact, step.sha256));
      String image =
          step.image != null
              ? step.image
              : project.training() == null ? null : project.training().image();
      String commit =
          step.commit != null ? step.commit : env == null ? null : env.get("GIT_COMMIT");
      try (Registry registry = Registries.open(project.name(), listener)) {
        ModelVersion version =
            registry.register(
                ModelVersion.draft(
                    artifact.uri(),
                    artifact.sha256(),
                    image,
                    artifact.configDigest(),
                    step.trainingRun,
                    metrics,
                    commit,
                    Actors.ofBuild(run).user()));
        new BuildLog(listener)
            .log(
                "registered v"
                    + version.number()
                    + " of "
                    + project.name()
                    + " ("
                    + artifact.uri()
                    + ", sha256:"
                    + version.sha256().substring(0, 12)
                    + "…)");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("version", version.number());
        result.put("artifactUri", version.artifactUri());
        result.put("sha256", version.sha256());
        result.put("configDigest", version.configDigest());
        result.put("image", version.image());
        return result;
      }
    }
  }

  @Extension
  @Symbol("autoglmRegister")
  public static final class DescriptorImpl extends StepDescriptor {
    @Override
    public Set<? extends Class<?>> getRequiredContext() {
      return Set.of(Run.class, TaskListener.class, FilePath.class, EnvVars.class);
    }

    @Override
    public String getFunctionName() {
      return "autoglmRegister";
    }

    @NonNull
    @Override
    public String getDisplayName() {
      return Messages.RegisterStep_DisplayName();
    }
  }
}
