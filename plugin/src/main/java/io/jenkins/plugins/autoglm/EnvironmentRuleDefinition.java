package io.jenkins.plugins.autoglm;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import java.time.Duration;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;
import org.openautoglm.config.source.Durations;
import org.openautoglm.policy.EnvironmentRule;

/**
 * The operator's promotion rules for one environment: which environments a snapshot must be
 * verified in first, and how many approvals by whom it needs. A project's {@code autoglm.yaml} can
 * only tighten these.
 */
public final class EnvironmentRuleDefinition implements Describable<EnvironmentRuleDefinition> {
  private final String name;
  private String requires = "";
  private int approvals;
  private String approvers = "";
  private String approvalExpiry = "";
  private boolean allowSelfApproval;

  @DataBoundConstructor
  public EnvironmentRuleDefinition(String name) {
    this.name = Util.fixEmptyAndTrim(name);
  }

  /**
   * The rule as the policy knows it.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  EnvironmentRule toRule() {
    Duration expiry = null;
    if (Util.fixEmptyAndTrim(approvalExpiry) != null) {
      expiry =
          Durations.parse(approvalExpiry.trim())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          Messages.EnvironmentRuleDefinition_BadExpiry(name, approvalExpiry)));
    }
    return new EnvironmentRule(
        name,
        NameList.parse(requires),
        approvals,
        NameList.parse(approvers),
        expiry,
        allowSelfApproval);
  }

  static EnvironmentRuleDefinition of(EnvironmentRule rule) {
    EnvironmentRuleDefinition definition = new EnvironmentRuleDefinition(rule.environment());
    definition.requires = NameList.format(rule.requires());
    definition.approvals = rule.approvals();
    definition.approvers = NameList.format(rule.approvers());
    definition.approvalExpiry =
        rule.approvalExpiry() == null ? "" : rule.approvalExpiry().toSeconds() + "s";
    definition.allowSelfApproval = rule.allowSelfApproval();
    return definition;
  }

  public String getName() {
    return name;
  }

  public String getRequires() {
    return requires;
  }

  @DataBoundSetter
  public void setRequires(String requires) {
    this.requires = NameList.format(NameList.parse(requires));
  }

  public int getApprovals() {
    return approvals;
  }

  @DataBoundSetter
  public void setApprovals(int approvals) {
    this.approvals = Math.max(0, approvals);
  }

  public String getApprovers() {
    return approvers;
  }

  @DataBoundSetter
  public void setApprovers(String approvers) {
    this.approvers = NameList.format(NameList.parse(approvers));
  }

  public String getApprovalExpiry() {
    return approvalExpiry;
  }

  @DataBoundSetter
  public void setApprovalExpiry(String approvalExpiry) {
    this.approvalExpiry = Util.fixNull(approvalExpiry).trim();
  }

  public boolean isAllowSelfApproval() {
    return allowSelfApproval;
  }

  @DataBoundSetter
  public void setAllowSelfApproval(boolean allowSelfApproval) {
    this.allowSelfApproval = allowSelfApproval;
  }

  @Extension
  @Symbol("environment")
  public static final class DescriptorImpl extends Descriptor<EnvironmentRuleDefinition> {
    @NonNull
    @Override
    public String getDisplayName() {
      return Messages.EnvironmentRuleDefinition_DisplayName();
    }

    @POST
    public FormValidation doCheckApprovalExpiry(@QueryParameter String value) {
      JenkinsFacade.checkPermission(Jenkins.ADMINISTER);
      if (Util.fixEmptyAndTrim(value) == null || Durations.parse(value.trim()).isPresent()) {
        return FormValidation.ok();
      }
      return FormValidation.error(Messages.EnvironmentRuleDefinition_BadExpiry("", value));
    }
  }
}
