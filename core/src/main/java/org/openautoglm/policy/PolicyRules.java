package org.openautoglm.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The promotion rules of every environment that has some, by environment name.
 *
 * <p>Rules come from the operator's policy file and may later also come from a project's {@code
 * autoglm.yaml}; {@link #merge} combines both so that the result is at least as strict as either.
 * Rules never grant a role: that is only ever done by the operator's file.
 *
 * @param environments rules by environment name, in the order they were written
 */
public record PolicyRules(Map<String, EnvironmentRule> environments) {
  private static final PolicyRules NONE = new PolicyRules(Map.of());

  public PolicyRules {
    Map<String, EnvironmentRule> copy = new LinkedHashMap<>();
    environments.forEach(
        (name, rule) -> {
          if (!name.equals(rule.environment())) {
            throw new IllegalArgumentException(
                "the rule for " + rule.environment() + " is filed under " + name);
          }
          copy.put(name, rule);
        });
    environments = Collections.unmodifiableMap(copy);
  }

  public static PolicyRules none() {
    return NONE;
  }

  public static PolicyRules of(EnvironmentRule... rules) {
    return of(List.of(rules));
  }

  public static PolicyRules of(List<EnvironmentRule> rules) {
    Map<String, EnvironmentRule> byName = new LinkedHashMap<>();
    for (EnvironmentRule rule : rules) {
      if (byName.putIfAbsent(rule.environment(), rule) != null) {
        throw new IllegalArgumentException(rule.environment() + " has two rules");
      }
    }
    return new PolicyRules(byName);
  }

  /** The rule for {@code environment}; an environment without one has no gates. */
  public EnvironmentRule rule(String environment) {
    EnvironmentRule rule = environments.get(environment);
    return rule != null ? rule : EnvironmentRule.none(environment);
  }

  /**
   * Both sets of rules; where both have a rule for an environment, {@link EnvironmentRule#merge}.
   *
   * @throws IllegalArgumentException when two rules cannot be combined (see {@link
   *     EnvironmentRule#merge})
   */
  public PolicyRules merge(PolicyRules other) {
    Map<String, EnvironmentRule> merged = new LinkedHashMap<>(environments);
    other.environments.forEach((name, rule) -> merged.merge(name, rule, EnvironmentRule::merge));
    return new PolicyRules(merged);
  }

  /**
   * The environments a snapshot verified in {@code verifiedIn} still has to pass through before it
   * may come to {@code environment}, earliest first: for production requiring staging requiring
   * test, and nothing verified, {@code [test, staging]}.
   */
  public List<String> verificationPath(String environment, Set<String> verifiedIn) {
    List<String> path = new ArrayList<>();
    visit(environment, verifiedIn, new HashSet<>(List.of(environment)), path);
    return List.copyOf(path);
  }

  private void visit(
      String environment, Set<String> verifiedIn, Set<String> seen, List<String> path) {
    for (String required : rule(environment).requires()) {
      if (!verifiedIn.contains(required) && seen.add(required)) {
        visit(required, verifiedIn, seen, path);
        path.add(required);
      }
    }
  }
}
