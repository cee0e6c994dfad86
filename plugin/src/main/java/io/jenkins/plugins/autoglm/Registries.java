package io.jenkins.plugins.autoglm;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.TaskListener;
import hudson.security.ACL;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.jenkinsci.plugins.gitclient.jgit.SmartCredentialsProvider;
import org.openautoglm.registry.Registry;
import org.openautoglm.registry.RegistryOptions;
import org.openautoglm.registry.RegistryRemote;

/**
 * Opens a project's registry where the administrator put it: a bare Git repository under {@code
 * JENKINS_HOME/autoglm/registries/}, which is the registry itself or, with a remote configured, a
 * cache of the shared one. The location in a project's {@code autoglm.yaml} is ignored in Jenkins:
 * a repository must not choose where the controller writes, nor where Jenkins' credentials are
 * sent.
 */
final class Registries {
  private static final Pattern PROJECT = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private Registries() {}

  static Path directory(String project) {
    return JenkinsFacade.rootDirectory()
        .resolve("autoglm")
        .resolve("registries")
        .resolve(project + ".git");
  }

  /**
   * Opens the registry of {@code project}; close it after use.
   *
   * @param listener hears the registry's repair notices and Git's credential prompts
   */
  static Registry open(String project, TaskListener listener) throws AbortException {
    if (project == null || !PROJECT.matcher(project).matches()) {
      throw new AbortException(Messages.Registries_BadProject(project));
    }
    AutoglmConfiguration configuration = AutoglmConfiguration.get();
    RegistryOptions options =
        RegistryOptions.defaults()
            .withNotices(notice -> listener.getLogger().println("autoglm: " + notice));
    String remote = configuration.registryRemoteFor(project);
    if (remote != null) {
      options =
          options.withRemote(new RegistryRemote(remote, credentials(configuration, listener)));
    }
    return Registry.open(directory(project), options);
  }

  private static SmartCredentialsProvider credentials(
      AutoglmConfiguration configuration, TaskListener listener) throws AbortException {
    String id = configuration.getRegistryCredentialsId();
    if (id == null) {
      return null;
    }
    // The administrator chose these credentials for the registry of every project, so they are
    // looked up as the system, not as the user of a build.
    StandardUsernamePasswordCredentials credentials =
        CredentialsProvider.findCredentialByIdInItemGroup(
            id,
            StandardUsernamePasswordCredentials.class,
            JenkinsFacade.jenkins(),
            ACL.SYSTEM2,
            List.of());
    if (credentials == null) {
      throw new AbortException(Messages.Registries_NoCredentials(id));
    }
    SmartCredentialsProvider provider = new SmartCredentialsProvider(listener);
    provider.addDefaultCredentials(credentials);
    return provider;
  }
}
