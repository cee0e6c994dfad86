package io.jenkins.plugins.autoglm;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.Secret;
import java.net.URI;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A webhook every project's promotions, approvals and rollbacks are announced to, besides the
 * project's own. Held as a {@link Secret}: a Slack webhook URL is itself a credential.
 */
public final class WebhookDefinition implements Describable<WebhookDefinition> {
  private final Secret url;

  @DataBoundConstructor
  public WebhookDefinition(Secret url) {
    this.url = url;
  }

  public Secret getUrl() {
    return url;
  }

  /** The URL, or {@code null} when it is not an http(s) URL. */
  URI uri() {
    return parse(Secret.toString(url));
  }

  static URI parse(String text) {
    try {
      URI uri = URI.create(text.trim());
      String scheme = uri.getScheme();
      return ("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null
          ? uri
          : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Extension
  @Symbol("webhook")
  public static final class DescriptorImpl extends Descriptor<WebhookDefinition> {
    @NonNull
    @Override
    public String getDisplayName() {
      return Messages.WebhookDefinition_DisplayName();
    }

    @POST
    public FormValidation doCheckUrl(@QueryParameter Secret value) {
      JenkinsFacade.checkPermission(Jenkins.ADMINISTER);
      String text = Secret.toString(value);
      if (text.isEmpty() || parse(text) != null) {
        return FormValidation.ok();
      }
      return FormValidation.error(Messages.WebhookDefinition_BadUrl());
    }
  }
}
