package org.openautoglm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyRulesTest {
  private static final PolicyRules OPERATOR =
      PolicyRules.of(
          new EnvironmentRule("test", List.of(), 0, List.of(), null, false),
          new EnvironmentRule("staging", List.of("test"), 0, List.of(), null, true),
          new EnvironmentRule(
              "production",
              List.of("staging"),
              1,
              List.of("admin", "release"),
              Duration.ofHours(24),
              false));

  @Test
  void shouldTightenButNeverLoosenWhenMergingProjectRules() {
    PolicyRules project =
        PolicyRules.of(
            new EnvironmentRule(
                "production", List.of("canary"), 2, List.of("release"), Duration.ofHours(4), true),
            new EnvironmentRule("staging", List.of(), 0, List.of(), Duration.ofDays(2), false),
            new EnvironmentRule("canary", List.of("staging"), 0, List.of(), null, false));

    PolicyRules merged = OPERATOR.merge(project);

    assertThat(merged.rule("production"))
        .isEqualTo(
            new EnvironmentRule(
                "production",
                List.of("staging", "canary"),
                2,
                List.of("release"),
                Duration.ofHours(4),
                false));
    assertThat(merged.rule("staging"))
        .isEqualTo(
            new EnvironmentRule(
                "staging", List.of("test"), 0, List.of(), Duration.ofDays(2), false));
    assertThat(merged.environments().keySet())
        .containsExactly("test", "staging", "production", "canary");
  }

  @Test
  void shouldNotLetAProjectLowerTheApprovalsNeeded() {
    PolicyRules merged =
        OPERATOR.merge(
            PolicyRules.of(new EnvironmentRule("production", List.of(), 0, List.of(), null, true)));

    assertThat(merged.rule("production")).isEqualTo(OPERATOR.rule("production"));
  }

  @Test
  void shouldRefuseToMergeApproverListsWithNoRoleInCommon() {
    PolicyRules project =
        PolicyRules.of(
            new EnvironmentRule("production", List.of(), 1, List.of("owner"), null, false));

    assertThatThrownBy(() -> OPERATOR.merge(project))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "production: one source lets admin or release approve and the other owner; no role is"
                + " in both, so nobody could approve");
  }

  @Test
  void shouldGiveNoGatesToAnEnvironmentWithoutARule() {
    assertThat(OPERATOR.rule("dev")).isEqualTo(EnvironmentRule.none("dev"));
    assertThat(OPERATOR.rule("dev").isEmpty()).isTrue();
  }

  @Test
  void shouldWorkOutTheVerificationPathEarliestFirst() {
    assertThat(OPERATOR.verificationPath("production", Set.of()))
        .containsExactly("test", "staging");
    assertThat(OPERATOR.verificationPath("production", Set.of("test"))).containsExactly("staging");
    assertThat(OPERATOR.verificationPath("production", Set.of("staging"))).isEmpty();
    assertThat(OPERATOR.verificationPath("dev", Set.of())).isEmpty();
  }

  @Test
  void shouldStopAtCirclesInMergedRules() {
    PolicyRules circle =
        PolicyRules.of(
            new EnvironmentRule("a", List.of("b"), 0, List.of(), null, false),
            new EnvironmentRule("b", List.of("a"), 0, List.of(), null, false));

    assertThat(circle.verificationPath("a", Set.of())).containsExactly("b");
  }

  @Test
  void shouldRefuseTwoRulesForOneEnvironment() {
    assertThatThrownBy(
            () -> PolicyRules.of(EnvironmentRule.none("test"), EnvironmentRule.none("test")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test has two rules");
  }

  @Test
  void shouldRefuseNegativeApprovals() {
    assertThatThrownBy(() -> new EnvironmentRule("test", List.of(), -1, List.of(), null, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test: approvals must be 0 or more, not -1");
  }
}
