package io.jenkins.plugins.autoglm;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.AbortException;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.security.ACL;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;

/**
 * How the plugin reaches a Kubernetes cluster: through a cloud of the kubernetes plugin by name
 * (its server, credentials and namespace), or through a kubeconfig file credential. What a step
 * names wins over the global defaults.
 */
final class KubernetesConnections {
  static final String KUBERNETES_PLUGIN = "kubernetes";

  private KubernetesConnections() {}

  /**
   * A client and the namespace to work in. A cloud's client is cached and shared by the kubernetes
   * plugin and must stay open; one made from a kubeconfig is this connection's to close.
   */
  static final class Connection implements AutoCloseable {
    private final KubernetesClient client;
    private final String namespace;
    private final boolean owned;

    Connection(KubernetesClient client, String namespace, boolean owned) {
      this.client = client;
      this.namespace = namespace;
      this.owned = owned;
    }

    KubernetesClient client() {
      return client;
    }

    String namespace() {
      return namespace;
    }

    @Override
    public void close() {
      if (owned) {
        client.close();
      }
    }
  }

  /** What a step asks for; blanks fall back to the global configuration. */
  record Target(String cloud, String credentialsId, String namespace)
      implements java.io.Serializable {
    Target resolved() {
      AutoglmConfiguration global = AutoglmConfiguration.get();
      String credentials = Util.fixEmptyAndTrim(credentialsId);
      String cloudName = Util.fixEmptyAndTrim(cloud);
      if (credentials == null && cloudName == null) {
        credentials = global.getKubeconfigCredentialsId();
        cloudName = global.getKubernetesCloud();
      }
      String ns = Util.fixEmptyAndTrim(namespace);
      return new Target(cloudName, credentials, ns != null ? ns : global.getKubernetesNamespace());
    }
  }

  /** Connects for a build: a kubeconfig credential is looked up as the build may see it. */
  static Connection connect(Target target, Run<?, ?> run) throws IOException {
    Target resolved = target.resolved();
    if (resolved.credentialsId() != null) {
      FileCredentials file =
          CredentialsProvider.findCredentialById(
              resolved.credentialsId(), FileCredentials.class, run);
      if (file == null) {
        throw new AbortException(
            Messages.KubernetesConnections_NoCredentials(resolved.credentialsId()));
      }
      CredentialsProvider.track(run, file);
      return fromKubeconfig(file, resolved.namespace());
    }
    return fromCloud(resolved);
  }

  /** Connects outside a build (a page's rollback): credentials as the job may see them. */
  static Connection connect(Target target, Item item) throws IOException {
    Target resolved = target.resolved();
    if (resolved.credentialsId() != null) {
      FileCredentials file =
          CredentialsProvider.findCredentialByIdInItem(
              resolved.credentialsId(), FileCredentials.class, item, ACL.SYSTEM2, List.of());
      if (file == null) {
        throw new AbortException(
            Messages.KubernetesConnections_NoCredentials(resolved.credentialsId()));
      }
      return fromKubeconfig(file, resolved.namespace());
    }
    return fromCloud(resolved);
  }

  private static Connection fromKubeconfig(FileCredentials file, String namespace)
      throws IOException {
    String text;
    try (InputStream in = file.getContent()) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Config config = Config.fromKubeconfig(text);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    String ns = namespace != null ? namespace : config.getNamespace();
    return new Connection(client, ns != null ? ns : "default", true);
  }

  private static Connection fromCloud(Target target) throws IOException {
    if (target.cloud() == null) {
      throw new AbortException(Messages.KubernetesConnections_NoTarget());
    }
    if (!JenkinsFacade.pluginActive(KUBERNETES_PLUGIN)) {
      throw new AbortException(Messages.KubernetesConnections_NoPlugin(target.cloud()));
    }
    return KubernetesCloudLookup.connect(target.cloud(), target.namespace());
  }

  /** The Kubernetes clouds' names, or none when the kubernetes plugin is not installed. */
  static List<String> cloudNames() {
    return JenkinsFacade.pluginActive(KUBERNETES_PLUGIN)
        ? KubernetesCloudLookup.names()
        : List.of();
  }
}
