package io.jenkins.plugins.autoglm;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.BulkChange;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;
import org.openautoglm.notify.NotificationEvent;
import org.openautoglm.notify.Notifier;
import org.openautoglm.policy.EnvironmentRule;
import org.openautoglm.policy.Policy;
import org.openautoglm.policy.PolicyRules;
import org.openautoglm.policy.Role;
import org.openautoglm.policy.RoleMembers;

/**
 * What an administrator configures once, in <em>Manage Jenkins › System</em> or as code under
 * {@code unclassified: autoglm:}: the roles and who holds them, the environments' promotion rules,
 * where the registry lives, the default Kubernetes connection, and webhooks. Who holds which role
 * is only ever read from here, never from a repository.
 *
 * <p>Setters save (configuration as code calls them one by one); the form binds everything at once
 * in a {@link BulkChange} and keeps the old configuration when the new one contradicts itself.
 */
@Extension
@Symbol("autoglm")
public class AutoglmConfiguration extends GlobalConfiguration {
  static final String PROJECT_PLACEHOLDER = "{project}";
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private List<RoleDefinition> roles = defaultRoles();
  private List<EnvironmentRuleDefinition> environments = defaultEnvironments();
  private String registryRemote;
  private String registryCredentialsId;
  private String kubernetesCloud;
  private String kubernetesNamespace;
  private String kubeconfigCredentialsId;
  private List<WebhookDefinition> webhooks = new ArrayList<>();
  private String webhookEvents = "";

  public AutoglmConfiguration() {
    load();
  }

  /** The one instance. */
  public static AutoglmConfiguration get() {
    return ExtensionList.lookupSingleton(AutoglmConfiguration.class);
  }

  private static List<RoleDefinition> defaultRoles() {
    List<RoleDefinition> roles = new ArrayList<>();
    for (Role role : Policy.defaults().roles()) {
      roles.add(RoleDefinition.of(role));
    }
    return roles;
  }

  private static List<EnvironmentRuleDefinition> defaultEnvironments() {
    List<EnvironmentRuleDefinition> environments = new ArrayList<>();
    for (EnvironmentRule rule : Policy.defaults().rules().environments().values()) {
      environments.add(EnvironmentRuleDefinition.of(rule));
    }
    return environments;
  }

  /**
   * The policy promotions are decided by: these roles with their members and these environment
   * rules (a project adds its own rules on top, which can only tighten them).
   *
   * @throws IllegalArgumentException when the configuration contradicts itself (two roles of one
   *     name, an approver role that does not exist, a bad expiry)
   */
  public Policy policy() {
    List<Role> roleList = new ArrayList<>();
    Map<String, RoleMembers> members = new LinkedHashMap<>();
    for (RoleDefinition role : roles) {
      roleList.add(role.toRole());
      RoleMembers holders = role.toMembers();
      if (!holders.isEmpty()) {
        members.put(role.getName(), holders);
      }
    }
    List<EnvironmentRule> rules = new ArrayList<>();
    for (EnvironmentRuleDefinition environment : environments) {
      rules.add(environment.toRule());
    }
    return new Policy(roleList, members, PolicyRules.of(rules));
  }

  /**
   * The project's notifier with the global webhooks added: they hear the events configured here
   * (all when none are), besides those the project listens for.
   */
  Notifier notifier(Notifier project) {
    List<URI> global = new ArrayList<>();
    for (WebhookDefinition webhook : webhooks) {
      URI uri = webhook.uri();
      if (uri != null) {
        global.add(uri);
      }
    }
    if (global.isEmpty()) {
      return project;
    }
    List<URI> all = new ArrayList<>(project.webhooks());
    all.addAll(global);
    Set<NotificationEvent> events = new LinkedHashSet<>();
    List<String> configured = NameList.parse(webhookEvents);
    if (configured.isEmpty()) {
      events.addAll(List.of(NotificationEvent.values()));
    } else {
      configured.forEach(key -> events.add(NotificationEvent.ofKey(key)));
    }
    if (!project.webhooks().isEmpty()) {
      events.addAll(project.events());
    }
    return new Notifier(all, project.attempts(), project.timeout()).onlyFor(events);
  }

  /** The registry remote of a project, {@code {project}} replaced, or {@code null}. */
  @CheckForNull
  String registryRemoteFor(String project) {
    String remote = Util.fixEmptyAndTrim(registryRemote);
    return remote == null ? null : remote.replace(PROJECT_PLACEHOLDER, project);
  }

  @Override
  public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
    try (BulkChange change = new BulkChange(this)) {
      roles = new ArrayList<>();
      environments = new ArrayList<>();
      webhooks = new ArrayList<>();
      req.bindJSON(this, json);
      try {
        policy();
        notifier(Notifier.none());
      } catch (IllegalArgumentException e) {
        load(); // keep what was saved, not the half-bound form
        throw new FormException(e.getMessage(), e, "roles");
      }
      change.commit();
    } catch (IOException e) {
      throw new FormException(e.getMessage(), e, "roles");
    }
    return true;
  }

  public List<RoleDefinition> getRoles() {
    return roles;
  }

  @DataBoundSetter
  public void setRoles(List<RoleDefinition> roles) {
    this.roles = roles == null ? new ArrayList<>() : new ArrayList<>(roles);
    save();
  }

  public List<EnvironmentRuleDefinition> getEnvironments() {
    return environments;
  }

  @DataBoundSetter
  public void setEnvironments(List<EnvironmentRuleDefinition> environments) {
    this.environments = environments == null ? new ArrayList<>() : new ArrayList<>(environments);
    save();
  }

  public String getRegistryRemote() {
    return registryRemote;
  }

  @DataBoundSetter
  public void setRegistryRemote(String registryRemote) {
    this.registryRemote = Util.fixEmptyAndTrim(registryRemote);
    save();
  }

  public String getRegistryCredentialsId() {
    return registryCredentialsId;
  }

  @DataBoundSetter
  public void setRegistryCredentialsId(String registryCredentialsId) {
    this.registryCredentialsId = Util.fixEmptyAndTrim(registryCredentialsId);
    save();
  }

  public String getKubernetesCloud() {
    return kubernetesCloud;
  }

  @DataBoundSetter
  public void setKubernetesCloud(String kubernetesCloud) {
    this.kubernetesCloud = Util.fixEmptyAndTrim(kubernetesCloud);
    save();
  }

  public String getKubernetesNamespace() {
    return kubernetesNamespace;
  }

  @DataBoundSetter
  public void setKubernetesNamespace(String kubernetesNamespace) {
    this.kubernetesNamespace = Util.fixEmptyAndTrim(kubernetesNamespace);
    save();
  }

  public String getKubeconfigCredentialsId() {
    return kubeconfigCredentialsId;
  }

  @DataBoundSetter
  public void setKubeconfigCredentialsId(String kubeconfigCredentialsId) {
    this.kubeconfigCredentialsId = Util.fixEmptyAndTrim(kubeconfigCredentialsId);
    save();
  }

  public List<WebhookDefinition> getWebhooks() {
    return webhooks;
  }

  @DataBoundSetter
  public void setWebhooks(List<WebhookDefinition> webhooks) {
    this.webhooks = webhooks == null ? new ArrayList<>() : new ArrayList<>(webhooks);
    save();
  }

  public String getWebhookEvents() {
    return webhookEvents;
  }

  @DataBoundSetter
  public void setWebhookEvents(String webhookEvents) {
    this.webhookEvents = NameList.format(NameList.parse(webhookEvents));
    save();
  }

  @NonNull
  @Override
  public String getDisplayName() {
    return Messages.AutoglmConfiguration_DisplayName();
  }

  // ---- form endpoints: POST only, administrators only; without the right a picker shows no more
  // than the value already saved

  @POST
  public ListBoxModel doFillRegistryCredentialsIdItems(
      @QueryParameter String registryCredentialsId) {
    if (!JenkinsFacade.hasPermission(Jenkins.ADMINISTER)) {
      return new StandardListBoxModel().includeCurrentValue(Util.fixNull(registryCredentialsId));
    }
    return new StandardListBoxModel()
        .includeEmptyValue()
        .includeAs(ACL.SYSTEM2, JenkinsFacade.jenkins(), StandardUsernamePasswordCredentials.class)
        .includeCurrentValue(Util.fixNull(registryCredentialsId));
  }

  @POST
  public ListBoxModel doFillKubeconfigCredentialsIdItems(
      @QueryParameter String kubeconfigCredentialsId) {
    if (!JenkinsFacade.hasPermission(Jenkins.ADMINISTER)) {
      return new StandardListBoxModel().includeCurrentValue(Util.fixNull(kubeconfigCredentialsId));
    }
    return new StandardListBoxModel()
        .includeEmptyValue()
        .includeAs(ACL.SYSTEM2, JenkinsFacade.jenkins(), FileCredentials.class)
        .includeCurrentValue(Util.fixNull(kubeconfigCredentialsId));
  }

  @POST
  public ListBoxModel doFillKubernetesCloudItems(@QueryParameter String kubernetesCloud) {
    ListBoxModel items = new ListBoxModel();
    items.add(Messages.AutoglmConfiguration_NoCloud(), "");
    if (!JenkinsFacade.hasPermission(Jenkins.ADMINISTER)) {
      if (Util.fixEmptyAndTrim(kubernetesCloud) != null) {
        items.add(kubernetesCloud);
      }
      return items;
    }
    for (String name : KubernetesConnections.cloudNames()) {
      items.add(name);
    }
    return items;
  }

  @POST
  public FormValidation doCheckRegistryRemote(@QueryParameter String value) {
    JenkinsFacade.checkPermission(Jenkins.ADMINISTER);
    String remote = Util.fixEmptyAndTrim(value);
    if (remote == null) {
      return FormValidation.ok(Messages.AutoglmConfiguration_LocalRegistry());
    }
    if (remote.contains("://") && remote.matches("(?s).*//[^/@]*:[^/@]*@.*")) {
      return FormValidation.error(Messages.AutoglmConfiguration_PasswordInUrl());
    }
    if (!remote.contains(PROJECT_PLACEHOLDER)) {
      return FormValidation.warning(Messages.AutoglmConfiguration_NoPlaceholder());
    }
    return FormValidation.ok();
  }

  @POST
  public FormValidation doCheckKubernetesNamespace(@QueryParameter String value) {
    JenkinsFacade.checkPermission(Jenkins.ADMINISTER);
    String namespace = Util.fixEmptyAndTrim(value);
    if (namespace == null || NAMESPACE.matcher(namespace).matches()) {
      return FormValidation.ok();
    }
    return FormValidation.error(Messages.AutoglmConfiguration_BadNamespace());
  }

  @POST
  public FormValidation doCheckWebhookEvents(@QueryParameter String value) {
    JenkinsFacade.checkPermission(Jenkins.ADMINISTER);
    for (String key : NameList.parse(value)) {
      try {
        NotificationEvent.ofKey(key);
      } catch (IllegalArgumentException e) {
        return FormValidation.error(e.getMessage());
      }
    }
    return FormValidation.ok();
  }
}
