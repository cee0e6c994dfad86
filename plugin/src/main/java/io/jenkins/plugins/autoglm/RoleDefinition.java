package io.jenkins.plugins.autoglm;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import java.util.regex.Pattern;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;
import org.openautoglm.policy.Role;
import org.openautoglm.policy.RoleMembers;

/**
 * One AutoGLM role in the global configuration: its rights (environment patterns such as {@code *}
 * or {@code test-*}) and who holds it (Jenkins users and groups). Never read from a repository.
 */
public final class RoleDefinition implements Describable<RoleDefinition> {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_.]{0,62}");

  private final String name;
  private boolean read = true;
  private boolean train;
  private String promote = "";
  private String rollback = "";
  private String approve = "";
  private String users = "";
  private String groups = "";

  @DataBoundConstructor
  public RoleDefinition(String name) {
    this.name = Util.fixEmptyAndTrim(name);
  }

  /** The role as the policy knows it. */
  Role toRole() {
    return new Role(
        name,
        read,
        train,
        NameList.parse(promote),
        NameList.parse(rollback),
        NameList.parse(approve));
  }

  RoleMembers toMembers() {
    return new RoleMembers(NameList.parse(users), NameList.parse(groups));
  }

  /** The form of a core role, without members. */
  static RoleDefinition of(Role role) {
    RoleDefinition definition = new RoleDefinition(role.name());
    definition.read = role.read();
    definition.train = role.train();
    definition.promote = NameList.format(role.promote());
    definition.rollback = NameList.format(role.rollback());
    definition.approve = NameList.format(role.approve());
    return definition;
  }

  public String getName() {
    return name;
  }

  public boolean isRead() {
    return read;
  }

  @DataBoundSetter
  public void setRead(boolean read) {
    this.read = read;
  }

  public boolean isTrain() {
    return train;
  }

  @DataBoundSetter
  public void setTrain(boolean train) {
    this.train = train;
  }

  public String getPromote() {
    return promote;
  }

  @DataBoundSetter
  public void setPromote(String promote) {
    this.promote = NameList.format(NameList.parse(promote));
  }

  public String getRollback() {
    return rollback;
  }

  @DataBoundSetter
  public void setRollback(String rollback) {
    this.rollback = NameList.format(NameList.parse(rollback));
  }

  public String getApprove() {
    return approve;
  }

  @DataBoundSetter
  public void setApprove(String approve) {
    this.approve = NameList.format(NameList.parse(approve));
  }

  public String getUsers() {
    return users;
  }

  @DataBoundSetter
  public void setUsers(String users) {
    this.users = NameList.format(NameList.parse(users));
  }

  public String getGroups() {
    return groups;
  }

  @DataBoundSetter
  public void setGroups(String groups) {
    this.groups = NameList.format(NameList.parse(groups));
  }

  @Extension
  @Symbol("role")
  public static final class DescriptorImpl extends Descriptor<RoleDefinition> {
    @NonNull
    @Override
    public String getDisplayName() {
      return Messages.RoleDefinition_DisplayName();
    }

    @POST
    public FormValidation doCheckName(@QueryParameter String value) {
      JenkinsFacade.checkPermission(jenkins.model.Jenkins.ADMINISTER);
      String trimmed = Util.fixEmptyAndTrim(value);
      if (trimmed == null || !NAME.matcher(trimmed).matches()) {
        return FormValidation.error(Messages.RoleDefinition_BadName());
      }
      return FormValidation.ok();
    }
  }
}
