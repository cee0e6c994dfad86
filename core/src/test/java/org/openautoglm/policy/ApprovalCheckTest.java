package org.openautoglm.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApprovalCheckTest {
  private static final Policy POLICY = TestPolicies.team();

  @Test
  void shouldLetAnAdminApproveSomeoneElsesRequest() {
    assertThat(POLICY.checkApproval(Actor.of("dora"), "production", "alice"))
        .isEqualTo(Decision.allow("dora may approve promotions to production as admin"));
  }

  @Test
  void shouldRefuseToLetARequesterApproveTheirOwnRequest() {
    assertThat(POLICY.checkApproval(Actor.of("alice"), "production", "alice"))
        .isEqualTo(
            Decision.deny(
                "alice cannot approve their own request; promotions to production need an"
                    + " approval by another admin"));
  }

  @Test
  void shouldRefuseSelfApprovalWhateverTheCaseOfTheName() {
    assertThat(POLICY.checkApproval(Actor.of("alice"), "production", "ALICE").allowed()).isFalse();
  }

  @Test
  void shouldRefuseApprovalByAResearcher() {
    assertThat(POLICY.checkApproval(Actor.of("bob"), "test", "carol"))
        .isEqualTo(
            Decision.deny(
                "bob (researcher) may not approve promotions to any environment; promotions to"
                    + " test are approved by admin"));
  }

  @Test
  void shouldRefuseApprovalBySomeoneWithoutARole() {
    Decision decision = POLICY.checkApproval(Actor.of("mallory"), "production", "alice");

    assertThat(decision.allowed()).isFalse();
    assertThat(decision.reason()).startsWith("mallory holds no role");
  }

  @Test
  void shouldRefuseApprovalOutsideTheApproverRoles() {
    Policy policy =
        TestPolicies.parse(
            """
            roles:
              admin: {read: true, promote: ["*"], approve: ["*"]}
              ops: {read: true, approve: ["prod*"]}
            members:
              admin: {users: [alice]}
              ops: {users: [olga]}
            environments:
              production: {approvals: 1, approvers: [admin]}
            """);

    assertThat(policy.checkApproval(Actor.of("olga"), "production", "alice"))
        .isEqualTo(
            Decision.deny(
                "only approvals by admin count for production, and olga (ops) holds none of these"
                    + " roles"));
  }

  @Test
  void shouldRecordAnApprovalWhereNoneIsNeeded() {
    assertThat(POLICY.checkApproval(Actor.of("dora"), "staging", "alice"))
        .isEqualTo(
            Decision.allow(
                "dora may approve promotions to staging as admin; staging needs no approval, so it"
                    + " is only recorded"));
  }

  @Test
  void shouldAllowApprovalBeforeTheRequesterIsKnown() {
    assertThat(POLICY.checkApproval(Actor.of("alice"), "production", null).allowed()).isTrue();
  }
}
