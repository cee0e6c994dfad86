package io.jenkins.plugins.autoglm;

import hudson.AbortException;
import hudson.slaves.Cloud;
import java.io.IOException;
import java.util.List;
import org.csanchez.jenkins.plugins.kubernetes.KubernetesCloud;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuthException;

/**
 * The only class that touches the kubernetes plugin, an optional dependency: it is loaded only
 * after {@link KubernetesConnections} has checked that the plugin is active.
 */
final class KubernetesCloudLookup {
  private KubernetesCloudLookup() {}

  static KubernetesConnections.Connection connect(String name, String namespace)
      throws IOException {
    Cloud cloud = JenkinsFacade.cloud(name);
    if (!(cloud instanceof KubernetesCloud kubernetes)) {
      throw new AbortException(Messages.KubernetesConnections_NoCloud(name));
    }
    try {
      String ns = namespace != null ? namespace : kubernetes.getNamespace();
      if (ns == null) {
        ns = kubernetes.connect().getNamespace();
      }
      return new KubernetesConnections.Connection(
          kubernetes.connect(), ns != null ? ns : "default", false);
    } catch (KubernetesAuthException e) {
      throw new AbortException(Messages.KubernetesConnections_AuthFailed(name, e.getMessage()));
    }
  }

  static List<String> names() {
    return JenkinsFacade.cloudNames(KubernetesCloud.class);
  }
}
