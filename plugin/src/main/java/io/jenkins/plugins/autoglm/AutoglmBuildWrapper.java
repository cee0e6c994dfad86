package io.jenkins.plugins.autoglm;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.console.ConsoleLogFilter;
import hudson.model.AbstractProject;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.slaves.WorkspaceList;
import hudson.tasks.BuildWrapperDescriptor;
import hudson.util.ListBoxModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jenkins.tasks.SimpleBuildWrapper;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.status.RunKind;
import org.openautoglm.status.RunRecorder;
import org.openautoglm.status.RunState;

/**
 * {@code withAutoglm(env: 'staging') { … }} in a Pipeline, <em>Open-AutoGLM environment</em> in a
 * freestyle job: everything inside runs with the project's configs rendered for one environment in
 * a temporary directory on the agent ({@code AUTOGLM_CONFIG_DIR}), {@code AUTOGLM_*} variables,
 * bound credentials ({@code KUBECONFIG}, registry and Git logins) masked in every form in the log,
 * and a run record that closes when the block ends. Temporary files are removed at the end.
 */
public final class AutoglmBuildWrapper extends SimpleBuildWrapper {
  private static final Pattern KUBECONFIG_SECRET =
      Pattern.compile(
          "(?m)^\\s*-?\\s*(?:token|password|client-key-data|client-certificate-data|"
              + "refresh-token|id-token|access-token|secret)\\s*:\\s*[\"']?([^\\s\"']+)");

  private String project = ProjectSource.DEFAULT;
  private String env;
  private String kubeconfigCredentialsId;
  private String registryCredentialsId;
  private String gitCredentialsId;

  @DataBoundConstructor
  public AutoglmBuildWrapper() {}

  public String getProject() {
    return project;
  }

  @DataBoundSetter
  public void setProject(String project) {
    String trimmed = Util.fixEmptyAndTrim(project);
    this.project = trimmed == null ? ProjectSource.DEFAULT : trimmed;
  }

  public String getEnv() {
    return env;
  }

  /** The environment the configs are rendered for; default: the project's first. */
  @DataBoundSetter
  public void setEnv(String env) {
    this.env = Util.fixEmptyAndTrim(env);
  }

  public String getKubeconfigCredentialsId() {
    return kubeconfigCredentialsId;
  }

  /** A kubeconfig file credential, written to a temporary file named by {@code KUBECONFIG}. */
  @DataBoundSetter
  public void setKubeconfigCredentialsId(String kubeconfigCredentialsId) {
    this.kubeconfigCredentialsId = Util.fixEmptyAndTrim(kubeconfigCredentialsId);
  }

  public String getRegistryCredentialsId() {
    return registryCredentialsId;
  }

  /**
   * A username/password for the model or image registry: {@code AUTOGLM_REGISTRY_USERNAME} and
   * {@code AUTOGLM_REGISTRY_PASSWORD}.
   */
  @DataBoundSetter
  public void setRegistryCredentialsId(String registryCredentialsId) {
    this.registryCredentialsId = Util.fixEmptyAndTrim(registryCredentialsId);
  }

  public String getGitCredentialsId() {
    return gitCredentialsId;
  }

  /** A username/password (or token) for Git: {@code GIT_USERNAME} and {@code GIT_PASSWORD}. */
  @DataBoundSetter
  public void setGitCredentialsId(String gitCredentialsId) {
    this.gitCredentialsId = Util.fixEmptyAndTrim(gitCredentialsId);
  }

  @Override
  public void setUp(
      Context context,
      Run<?, ?> build,
      FilePath workspace,
      Launcher launcher,
      TaskListener listener,
      EnvVars initialEnvironment)
      throws IOException, InterruptedException {
    ProjectSource source = ProjectSource.find(build, workspace, project);
    ProjectDescriptor descriptor = source.load();
    FilePath temporary = WorkspaceList.tempDir(workspace).createTempDir("autoglm", "");
    Disposer disposer = new Disposer(temporary.getRemote(), null);
    context.setDisposer(disposer);
    FilePath configs = temporary.child("configs");
    RenderCallable.Rendered rendered =
        workspace.act(new RenderCallable(project, env, configs.getRemote()));
    BuildLog log = new BuildLog(listener);
    if (!rendered.valid()) {
      rendered.errors().forEach(log::print);
      throw new AbortException(Messages.AutoglmBuildWrapper_InvalidConfigs());
    }
    List<String> secrets = new ArrayList<>();
    if (kubeconfigCredentialsId != null) {
      FileCredentials file = credential(build, kubeconfigCredentialsId, FileCredentials.class);
      String text;
      try (InputStream in = file.getContent()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      FilePath kubeconfig = temporary.child("kubeconfig");
      kubeconfig.write(text, "UTF-8");
      kubeconfig.chmod(0600);
      context.env("KUBECONFIG", kubeconfig.getRemote());
      Matcher matcher = KUBECONFIG_SECRET.matcher(text);
      while (matcher.find()) {
        secrets.add(matcher.group(1));
      }
    }
    bindLogin(context, build, registryCredentialsId, "AUTOGLM_REGISTRY_", secrets);
    bindLogin(context, build, gitCredentialsId, "GIT_", secrets);
    SecretMasker.register(build, secrets);

    String actor;
    try {
      actor = Actors.ofBuild(build).user();
    } catch (AbortException e) {
      actor = "jenkins";
    }
    RunRecorder recorder =
        RunRecorder.start(
            BuildRecords.store(build),
            descriptor.name(),
            RunKind.PIPELINE,
            build.getFullDisplayName()
                + (rendered.environment() == null ? "" : " on " + rendered.environment()),
            actor,
            Clock.systemUTC());
    recorder.concerning(rendered.environment(), null);
    recorder.moveTo(RunState.VALIDATING, actor, "configs rendered for " + rendered.environment());
    context.setDisposer(new Disposer(temporary.getRemote(), recorder.id()));

    context.env("AUTOGLM_PROJECT", descriptor.name());
    context.env("AUTOGLM_PROJECT_FILE", source.path());
    if (rendered.environment() != null) {
      context.env("AUTOGLM_ENVIRONMENT", rendered.environment());
    }
    context.env("AUTOGLM_CONFIG_DIR", configs.getRemote());
    context.env("AUTOGLM_RUN_ID", recorder.id());
    log.log(
        "configs of "
            + descriptor.name()
            + " rendered for "
            + (rendered.environment() == null ? "the project" : rendered.environment())
            + " into "
            + configs.getRemote()
            + " ("
            + rendered.configs().size()
            + " files)");
  }

  private static void bindLogin(
      Context context, Run<?, ?> build, String id, String prefix, List<String> secrets)
      throws IOException {
    if (id == null) {
      return;
    }
    StandardUsernamePasswordCredentials login =
        credential(build, id, StandardUsernamePasswordCredentials.class);
    String password = login.getPassword().getPlainText();
    context.env(prefix + "USERNAME", login.getUsername());
    // $ is doubled because Pipeline expands variables in the environment it is given
    context.env(prefix + "PASSWORD", password.replace("$", "$$"));
    secrets.add(password);
    if (login.isUsernameSecret()) {
      secrets.add(login.getUsername());
    }
  }

  private static <C extends com.cloudbees.plugins.credentials.common.IdCredentials> C credential(
      Run<?, ?> build, String id, Class<C> type) throws AbortException {
    C credentials = CredentialsProvider.findCredentialById(id, type, build);
    if (credentials == null) {
      throw new AbortException(Messages.AutoglmBuildWrapper_NoCredentials(id));
    }
    CredentialsProvider.track(build, credentials);
    return credentials;
  }

  @Override
  public ConsoleLogFilter createLoggerDecorator(@NonNull Run<?, ?> build) {
    return SecretMasker.of(build);
  }

  /**
   * Removes the temporary files and closes the phases the block opened. A failed block is seen
   * through the build's result where it is known already; the build's end closes the record for
   * good ({@link PipelineRecords}).
   */
  private static final class Disposer extends SimpleBuildWrapper.Disposer {
    private static final long serialVersionUID = 1L;
    private final String temporary;
    private final String recordId;

    Disposer(String temporary, String recordId) {
      this.temporary = temporary;
      this.recordId = recordId;
    }

    @Override
    public void tearDown(
        Run<?, ?> build, FilePath workspace, Launcher launcher, TaskListener listener)
        throws IOException, InterruptedException {
      SecretMasker.forget(build);
      try {
        new FilePath(workspace.getChannel(), temporary).deleteRecursive();
      } finally {
        if (recordId != null) {
          PipelineRecords.blockEnded(build, recordId);
        }
      }
    }
  }

  @Extension
  @Symbol("withAutoglm")
  public static final class DescriptorImpl extends BuildWrapperDescriptor {
    @Override
    public boolean isApplicable(AbstractProject<?, ?> item) {
      return true;
    }

    @NonNull
    @Override
    public String getDisplayName() {
      return Messages.AutoglmBuildWrapper_DisplayName();
    }

    @POST
    public ListBoxModel doFillKubeconfigCredentialsIdItems(
        @AncestorInPath Item item, @QueryParameter String kubeconfigCredentialsId) {
      return credentials(item, kubeconfigCredentialsId, FileCredentials.class);
    }

    @POST
    public ListBoxModel doFillRegistryCredentialsIdItems(
        @AncestorInPath Item item, @QueryParameter String registryCredentialsId) {
      return credentials(item, registryCredentialsId, StandardUsernamePasswordCredentials.class);
    }

    @POST
    public ListBoxModel doFillGitCredentialsIdItems(
        @AncestorInPath Item item, @QueryParameter String gitCredentialsId) {
      return credentials(item, gitCredentialsId, StandardUsernamePasswordCredentials.class);
    }

    /** Credentials the job may use, for those who may configure it; else the current value only. */
    private static ListBoxModel credentials(
        Item item,
        String current,
        Class<? extends com.cloudbees.plugins.credentials.common.StandardCredentials> type) {
      StandardListBoxModel model = new StandardListBoxModel();
      if (item == null
          ? !JenkinsFacade.hasPermission(jenkins.model.Jenkins.ADMINISTER)
          : !item.hasPermission(Item.EXTENDED_READ)
              && !item.hasPermission(CredentialsProvider.USE_ITEM)) {
        model.includeCurrentValue(Util.fixNull(current));
        return model;
      }
      model.includeEmptyValue();
      if (item == null) {
        model.includeAs(ACL.SYSTEM2, JenkinsFacade.jenkins(), type);
      } else {
        model.includeAs(ACL.SYSTEM2, item, type);
      }
      model.includeCurrentValue(Util.fixNull(current));
      return model;
    }
  }
}
