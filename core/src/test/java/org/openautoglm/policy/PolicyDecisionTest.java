package org.openautoglm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyDecisionTest {
  private static final Policy POLICY = TestPolicies.team();

  @Test
  void shouldRejectPromotionOfResearcherToProduction() {
    Decision decision = POLICY.decide(Actor.of("bob"), Action.PROMOTE, "production");

    assertThat(decision.allowed()).isFalse();
    assertThat(decision.reason())
        .isEqualTo(
            "bob (researcher) may promote to test, test-*, dev only; production can be promoted"
                + " by admin and needs 1 approval by admin");
  }

  @Test
  void shouldAllowResearcherToPromoteToATestEnvironmentByPattern() {
    Decision decision = POLICY.decide(Actor.of("carol"), Action.PROMOTE, "test-eu");

    assertThat(decision).isEqualTo(Decision.allow("carol may promote to test-eu as researcher"));
  }

  @Test
  void shouldNameTheGatesWhenAnAdminMayPromoteToProduction() {
    Decision decision = POLICY.decide(Actor.of("alice"), Action.PROMOTE, "production");

    assertThat(decision)
        .isEqualTo(
            Decision.allow(
                "alice may promote to production as admin (production also requires"
                    + " verification in staging and 1 approval by admin)"));
  }

  @Test
  void shouldGrantRolesThroughGroups() {
    Actor viaGroup = Actor.of("erin", "vpn-users", "ml-platform");

    assertThat(POLICY.rolesOf(viaGroup)).containsExactly("admin");
    assertThat(POLICY.decide(viaGroup, Action.ROLLBACK, "production"))
        .isEqualTo(Decision.allow("erin may roll back production as admin"));
  }

  @Test
  void shouldGrantTheRightsOfEveryRoleHeld() {
    Actor both = Actor.of("frank", "researchers", "authenticated");

    assertThat(POLICY.rolesOf(both)).containsExactly("researcher", "guest");
    assertThat(POLICY.decide(both, Action.TRAIN, null).allowed()).isTrue();
    assertThat(POLICY.decide(both, Action.PROMOTE, "staging").reason())
        .isEqualTo(
            "frank (researcher, guest) may promote to test, test-*, dev only; staging can be"
                + " promoted by admin");
  }

  @Test
  void shouldNotMatchGroupsOrUsersLoosely() {
    assertThat(POLICY.rolesOf(Actor.of("Alice"))).isEmpty();
    assertThat(POLICY.rolesOf(Actor.of("alice2", "ml-platform-readonly"))).isEmpty();
  }

  @Test
  void shouldDenyAnUnknownUserWithAReason() {
    Decision decision = POLICY.decide(Actor.of("mallory"), Action.READ, null);

    assertThat(decision)
        .isEqualTo(
            Decision.deny(
                "mallory holds no role, so mallory may not read; only the operator's policy file"
                    + " grants roles"));
  }

  @Test
  void shouldTellGuestsWhoMayTrain() {
    Decision decision = POLICY.decide(Actor.of("gina", "authenticated"), Action.TRAIN, null);

    assertThat(decision)
        .isEqualTo(Decision.deny("gina (guest) may not train; only admin or researcher may train"));
  }

  @Test
  void shouldTellAGuestItMayNotPromoteAnywhere() {
    assertThat(POLICY.decide(Actor.of("gina", "authenticated"), Action.PROMOTE, "dev").reason())
        .isEqualTo(
            "gina (guest) may not promote to any environment; dev can be promoted by admin or"
                + " researcher");
  }

  @Test
  void shouldTellAResearcherWhoApproves() {
    assertThat(POLICY.decide(Actor.of("bob"), Action.APPROVE, "production").reason())
        .isEqualTo(
            "bob (researcher) may not approve promotions to any environment; promotions to"
                + " production are approved by admin");
  }

  @Test
  void shouldSayWhenNoRoleMayDoIt() {
    Policy policy =
        new Policy(
            List.of(new Role("ops", true, false, List.of("prod-*"), List.of(), List.of())),
            Map.of("ops", new RoleMembers(List.of("olga"), List.of())),
            PolicyRules.none());

    assertThat(policy.decide(Actor.of("olga"), Action.ROLLBACK, "prod-eu").reason())
        .isEqualTo("olga (ops) may not roll back any environment; no role may roll back prod-eu");
  }

  @Test
  void shouldRequireAnEnvironmentForPerEnvironmentActions() {
    assertThatThrownBy(() -> POLICY.decide(Actor.of("alice"), Action.PROMOTE, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("to promote to an environment, name it");
  }

  @Test
  void shouldRefuseMembersOfAnUndefinedRole() {
    assertThatThrownBy(
            () -> new Policy(List.of(), Map.of("admin", RoleMembers.NOBODY), PolicyRules.none()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("admin");
  }

  @Test
  void shouldKeepTheOperatorsRolesWhenProjectRulesAreAdded() {
    Policy tightened =
        POLICY.withProjectRules(
            PolicyRules.of(new EnvironmentRule("test", List.of(), 1, List.of(), null, false)));

    assertThat(tightened.roles()).isEqualTo(POLICY.roles());
    assertThat(tightened.members()).isEqualTo(POLICY.members());
    assertThat(tightened.decide(Actor.of("bob"), Action.PROMOTE, "test").reason())
        .isEqualTo(
            "bob may promote to test as researcher (test also requires 1 approval by admin)");
  }
}
