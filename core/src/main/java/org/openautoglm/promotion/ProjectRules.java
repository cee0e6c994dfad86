package org.openautoglm.promotion;

import java.util.ArrayList;
import java.util.List;
import org.openautoglm.policy.EnvironmentRule;
import org.openautoglm.policy.PolicyRules;
import org.openautoglm.project.ProjectDescriptor;

/**
 * The promotion rules a project states for its environments ({@code requires}, {@code approvals}).
 * They are merged into the operator's policy, where they can only tighten it: a project may ask for
 * more approvals, never grant a role.
 */
public final class ProjectRules {
  private ProjectRules() {}

  public static PolicyRules of(ProjectDescriptor project) {
    List<EnvironmentRule> rules = new ArrayList<>();
    for (ProjectDescriptor.Environment environment : project.environments()) {
      rules.add(
          new EnvironmentRule(
              environment.name(),
              environment.requires(),
              environment.approvals(),
              List.of(),
              null,
              true));
    }
    return PolicyRules.of(rules);
  }
}
