package io.jenkins.plugins.autoglm;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code autoglmValidate}: renders the project's templated configs for every environment (or one),
 * checks them against their schemas and compares environments; every error is printed as {@code
 * file:line:column: message}, a JUnit report is written, and the step fails (or marks the build
 * unstable) when anything is wrong. Returns a summary map.
 */
public final class ValidateStep extends Step {
  static final String DEFAULT_REPORT = "autoglm-validate.xml";

  private String project = ProjectSource.DEFAULT;
  private String files;
  private String schema;
  private String env;
  private List<String> values = new ArrayList<>();
  private List<String> set = new ArrayList<>();
  private List<String> envValues = new ArrayList<>();
  private boolean failOnError = true;
  private String junitReport = DEFAULT_REPORT;

  @DataBoundConstructor
  public ValidateStep() {}

  public String getProject() {
    return project;
  }

  /** The project descriptor, relative to the workspace. */
  @DataBoundSetter
  public void setProject(String project) {
    String trimmed = Util.fixEmptyAndTrim(project);
    this.project = trimmed == null ? ProjectSource.DEFAULT : trimmed;
  }

  public String getFiles() {
    return files;
  }

  /** An Ant glob of config files to check instead of the project's ({@code configs/**.yaml}). */
  @DataBoundSetter
  public void setFiles(String files) {
    this.files = Util.fixEmptyAndTrim(files);
  }

  public String getSchema() {
    return schema;
  }

  @DataBoundSetter
  public void setSchema(String schema) {
    this.schema = Util.fixEmptyAndTrim(schema);
  }

  public String getEnv() {
    return env;
  }

  /** One environment to check; all of them (and their consistency) when empty. */
  @DataBoundSetter
  public void setEnv(String env) {
    this.env = Util.fixEmptyAndTrim(env);
  }

  public List<String> getValues() {
    return values;
  }

  @DataBoundSetter
  public void setValues(List<String> values) {
    this.values = values == null ? new ArrayList<>() : new ArrayList<>(values);
  }

  public List<String> getSet() {
    return set;
  }

  /** {@code key=value} overrides, like {@code autoglm validate --set}. */
  @DataBoundSetter
  public void setSet(List<String> set) {
    this.set = set == null ? new ArrayList<>() : new ArrayList<>(set);
  }

  public List<String> getEnvValues() {
    return envValues;
  }

  /** Build environment variables to use as values; none are read unless named. */
  @DataBoundSetter
  public void setEnvValues(List<String> envValues) {
    this.envValues = envValues == null ? new ArrayList<>() : new ArrayList<>(envValues);
  }

  public boolean isFailOnError() {
    return failOnError;
  }

  /** Fail the step on errors; otherwise mark the build unstable and go on. */
  @DataBoundSetter
  public void setFailOnError(boolean failOnError) {
    this.failOnError = failOnError;
  }

  public String getJunitReport() {
    return junitReport;
  }

  /** Where the JUnit XML report goes in the workspace; empty for none. */
  @DataBoundSetter
  public void setJunitReport(String junitReport) {
    this.junitReport = Util.fixEmptyAndTrim(junitReport);
  }

  @Override
  public StepExecution start(StepContext context) {
    return new Execution(context, this);
  }

  /** Runs the check on the agent in a thread of its own, never on the CPS thread. */
  private static final class Execution
      extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;
    private final transient ValidateStep step;

    Execution(StepContext context, ValidateStep step) {
      super(context);
      this.step = step;
    }

    @Override
    protected Map<String, Object> run() throws Exception {
      StepContext context = getContext();
      FilePath workspace = context.get(FilePath.class);
      TaskListener listener = context.get(TaskListener.class);
      Run<?, ?> run = context.get(Run.class);
      EnvVars environment = context.get(EnvVars.class);
      Map<String, String> named = new LinkedHashMap<>();
      for (String name : step.envValues) {
        if (environment.get(name) != null) {
          named.put(name, environment.get(name));
        }
      }
      if (step.files == null) {
        ProjectSource.find(run, workspace, step.project); // records the descriptor on the build
      }
      ValidationCallable.Outcome outcome =
          workspace.act(
              new ValidationCallable(
                  new ValidationCallable.Request(
                      step.files == null || !step.project.equals(ProjectSource.DEFAULT)
                          ? step.project
                          : null,
                      step.files,
                      step.schema,
                      step.env,
                      new ArrayList<>(step.values),
                      new ArrayList<>(step.set),
                      named,
                      step.junitReport)));
      BuildLog log = new BuildLog(listener);
      outcome.lines().forEach(log::print);
      log.print("autoglm: " + outcome.summary());
      if (outcome.exitCode() != 0) {
        if (step.failOnError) {
          throw new AbortException(outcome.summary());
        }
        run.setResult(Result.UNSTABLE);
        FlowNode node = context.get(FlowNode.class);
        if (node != null) {
          node.addOrReplaceAction(
              new WarningAction(Result.UNSTABLE).withMessage(outcome.summary()));
        }
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("valid", outcome.exitCode() == 0);
      result.put("exitCode", outcome.exitCode());
      result.put("errors", outcome.errors());
      result.put("checks", outcome.checks());
      result.put("failing", outcome.failing());
      result.put("summary", outcome.summary());
      result.put("messages", new ArrayList<>(outcome.lines()));
      result.put("junitReport", outcome.junitReport());
      return result;
    }
  }

  @Extension
  @Symbol("autoglmValidate")
  public static final class DescriptorImpl extends StepDescriptor {
    @Override
    public Set<? extends Class<?>> getRequiredContext() {
      return Set.of(Run.class, TaskListener.class, FilePath.class, EnvVars.class);
    }

    @Override
    public String getFunctionName() {
      return "autoglmValidate";
    }

    @NonNull
    @Override
    public String getDisplayName() {
      return Messages.ValidateStep_DisplayName();
    }
  }
}
