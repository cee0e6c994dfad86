package org.openautoglm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.policy.TestPolicies.V5;
import static org.openautoglm.policy.TestPolicies.V6;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.openautoglm.policy.PromotionCheck.Outcome;

class PromotionCheckTest {
  private static final Policy POLICY = TestPolicies.team();
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private static final SnapshotRef SIX = new SnapshotRef(V6, "v6");
  private static final Set<String> THROUGH_STAGING = Set.of("test", "staging");
  private static final Actor ALICE = Actor.of("alice");
  private static final Actor DORA = Actor.of("dora");

  private static Approval approval(Actor approver, String digest, String version, Instant at) {
    return new Approval(approver, "production", digest, version, at);
  }

  private static Approval recent(Actor approver) {
    return approval(approver, V6, "v6", NOW.minus(Duration.ofHours(1)));
  }

  private static PromotionCheck toProduction(Actor requester, Approval... approvals) {
    return POLICY.checkPromotion(
        requester, "production", SIX, THROUGH_STAGING, List.of(approvals), NOW);
  }

  @Test
  void shouldAllowPromotionWithAValidApprovalByAnotherAdmin() {
    PromotionCheck check = toProduction(ALICE, recent(DORA));

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(check.outcome()).isEqualTo(Outcome.ALLOWED);
    softly
        .assertThat(check.reason())
        .isEqualTo(
            "alice may promote sha256:cd34cd34cd34… (v6) to production as admin; it is verified"
                + " in staging and approved by dora (1 approval needed)");
    softly.assertThat(check.countedApprovers()).containsExactly("dora");
    softly.assertThat(check.approverRoles()).containsExactly("admin");
    softly.assertThat(check.approvalsMissing()).isZero();
    softly.assertThat(check.ignoredApprovals()).isEmpty();
    softly.assertAll();
  }

  @Test
  void shouldWaitForApprovalWhenThereIsNone() {
    PromotionCheck check = toProduction(ALICE);

    assertThat(check.outcome()).isEqualTo(Outcome.NEEDS_APPROVAL);
    assertThat(check.approvalsMissing()).isEqualTo(1);
    assertThat(check.approverRoles()).containsExactly("admin");
    assertThat(check.reason())
        .isEqualTo(
            "production needs 1 approval by admin other than alice for sha256:cd34cd34cd34…"
                + " (v6); none counts yet, 1 more needed");
  }

  @Test
  void shouldRefuseSelfApproval() {
    PromotionCheck check = toProduction(ALICE, recent(ALICE));

    assertThat(check.outcome()).isEqualTo(Outcome.NEEDS_APPROVAL);
    assertThat(check.ignoredApprovals()).containsExactly("alice cannot approve their own request");
    assertThat(check.reason()).endsWith("(not counted: alice cannot approve their own request)");
  }

  @Test
  void shouldRefuseSelfApprovalWhateverTheCaseOfTheName() {
    PromotionCheck check = toProduction(ALICE, recent(Actor.of("Alice", "ml-platform")));

    assertThat(check.outcome()).isEqualTo(Outcome.NEEDS_APPROVAL);
    assertThat(check.ignoredApprovals()).containsExactly("Alice cannot approve their own request");
  }

  @Test
  void shouldCountSelfApprovalWhereTheEnvironmentAllowsIt() {
    Policy policy =
        TestPolicies.parse(
            TestPolicies.TEAM
                + """
                environments:
                  test: {}
                  staging: {requires: [test]}
                  production: {requires: [staging], approvals: 1, allowSelfApproval: true}
                """);

    PromotionCheck check =
        policy.checkPromotion(
            ALICE, "production", SIX, THROUGH_STAGING, List.of(recent(ALICE)), NOW);

    assertThat(check.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(check.countedApprovers()).containsExactly("alice");
  }

  @Test
  void shouldRefuseAnApprovalOfAnotherSnapshot() {
    PromotionCheck check =
        toProduction(ALICE, approval(DORA, V5, "v5", NOW.minus(Duration.ofMinutes(5))));

    assertThat(check.outcome()).isEqualTo(Outcome.NEEDS_APPROVAL);
    assertThat(check.ignoredApprovals())
        .containsExactly(
            "approval by dora was for snapshot sha256:ab12ab12ab12… (v5), not"
                + " sha256:cd34cd34cd34… (v6)");
  }

  @Test
  void shouldRefuseAnApprovalOfAnotherSnapshotWithoutVersionLabels() {
    PromotionCheck check =
        POLICY.checkPromotion(
            ALICE,
            "production",
            V6,
            THROUGH_STAGING,
            List.of(approval(DORA, V5, null, NOW.minus(Duration.ofMinutes(5)))),
            NOW);

    assertThat(check.ignoredApprovals())
        .containsExactly(
            "approval by dora was for snapshot sha256:ab12ab12ab12…, not sha256:cd34cd34cd34…");
  }

  @Test
  void shouldRefuseAnExpiredApprovalAndSayWhenItExpired() {
    PromotionCheck check =
        toProduction(ALICE, approval(DORA, V6, "v6", Instant.parse("2026-12-03T10:00:00Z")));

    assertThat(check.outcome()).isEqualTo(Outcome.NEEDS_APPROVAL);
    assertThat(check.ignoredApprovals())
        .containsExactly("approval by dora expired at 2026-12-04T10:00Z (approvals last 24h)");
  }

  @Test
  void shouldCountAnApprovalUntilTheMomentItExpires() {
    Instant justInTime = NOW.minus(Duration.ofHours(24)).plusSeconds(1);
    Instant justTooLate = NOW.minus(Duration.ofHours(24));

    assertThat(toProduction(ALICE, approval(DORA, V6, "v6", justInTime)).outcome())
        .isEqualTo(Outcome.ALLOWED);
    assertThat(toProduction(ALICE, approval(DORA, V6, "v6", justTooLate)).outcome())
        .isEqualTo(Outcome.NEEDS_APPROVAL);
  }

  @Test
  void shouldNeverExpireApprovalsWithoutAnExpiry() {
    Policy policy =
        TestPolicies.parse(
            TestPolicies.TEAM
                + """
                environments:
                  production: {approvals: 1}
                """);

    PromotionCheck check =
        policy.checkPromotion(
            ALICE,
            "production",
            SIX,
            Set.of(),
            List.of(approval(DORA, V6, "v6", Instant.parse("2020-01-01T00:00:00Z"))),
            NOW);

    assertThat(check.outcome()).isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void shouldCountEachApproverOnce() {
    Policy policy =
        TestPolicies.parse(
            TestPolicies.TEAM
                + """
                environments:
                  test: {}
                  staging: {requires: [test]}
                  production: {requires: [staging], approvals: 2, approvers: [admin]}
                """);

    PromotionCheck check =
        policy.checkPromotion(
            ALICE,
            "production",
            SIX,
            THROUGH_STAGING,
            List.of(recent(DORA), recent(DORA), recent(Actor.of("DORA", "ml-platform"))),
            NOW);

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(check.outcome()).isEqualTo(Outcome.NEEDS_APPROVAL);
    softly.assertThat(check.countedApprovers()).containsExactly("dora");
    softly.assertThat(check.approvalsMissing()).isEqualTo(1);
    softly
        .assertThat(check.ignoredApprovals())
        .containsExactly(
            "a second approval by dora (each person counts once)",
            "a second approval by DORA (each person counts once)");
    softly
        .assertThat(check.reason())
        .startsWith(
            "production needs 2 approvals by admin other than alice for sha256:cd34cd34cd34…"
                + " (v6); approved so far by dora, 1 more needed");
    softly.assertAll();
  }

  @Test
  void shouldAllowWithEnoughDistinctApprovers() {
    Policy policy =
        TestPolicies.parse(
            TestPolicies.TEAM
                + """
                environments:
                  production: {approvals: 2}
                """);

    PromotionCheck check =
        policy.checkPromotion(
            Actor.of("erin", "ml-platform"),
            "production",
            SIX,
            Set.of(),
            List.of(recent(DORA), recent(ALICE)),
            NOW);

    assertThat(check.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(check.countedApprovers()).containsExactly("dora", "alice");
    assertThat(check.reason())
        .isEqualTo(
            "erin may promote sha256:cd34cd34cd34… (v6) to production as admin; it is approved by"
                + " dora and alice (2 approvals needed)");
  }

  @Test
  void shouldDenyPromotionBeforeVerificationInTheRequiredEnvironment() {
    PromotionCheck check =
        POLICY.checkPromotion(ALICE, "production", SIX, Set.of("test"), List.of(recent(DORA)), NOW);

    assertThat(check.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(check.reason())
        .isEqualTo(
            "sha256:cd34cd34cd34… (v6) must be verified in staging before it is promoted to"
                + " production; so far it is verified in test only, so promote it to staging"
                + " first");
  }

  @Test
  void shouldDenyPromotionOfASnapshotVerifiedNowhere() {
    PromotionCheck check =
        POLICY.checkPromotion(Actor.of("bob"), "staging", V6, Set.of(), List.of(), NOW);

    assertThat(check.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(check.reason()).contains("bob (researcher) may promote to test, test-*, dev only");
  }

  @Test
  void shouldDenyAdminPromotionToStagingOfASnapshotVerifiedNowhere() {
    PromotionCheck check = POLICY.checkPromotion(ALICE, "staging", SIX, Set.of(), List.of(), NOW);

    assertThat(check.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(check.reason())
        .isEqualTo(
            "sha256:cd34cd34cd34… (v6) must be verified in test before it is promoted to staging;"
                + " it is not verified in any environment yet, so promote it to test first");
  }

  @Test
  void shouldDenyPromotionByRoleBeforeLookingAtApprovals() {
    PromotionCheck check = toProduction(Actor.of("bob"), recent(ALICE), recent(DORA));

    assertThat(check.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(check.reason())
        .isEqualTo(
            "bob (researcher) may promote to test, test-*, dev only; production can be promoted"
                + " by admin and needs 1 approval by admin");
    assertThat(check.countedApprovers()).isEmpty();
  }

  @Test
  void shouldAllowPromotionToAnEnvironmentWithoutGates() {
    PromotionCheck check =
        POLICY.checkPromotion(Actor.of("bob"), "test-eu", SIX, Set.of(), List.of(), NOW);

    assertThat(check.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(check.reason())
        .isEqualTo("bob may promote sha256:cd34cd34cd34… (v6) to test-eu as researcher");
  }

  @Test
  void shouldAllowPromotionToStagingOnceVerifiedInTest() {
    PromotionCheck check =
        POLICY.checkPromotion(ALICE, "staging", SIX, Set.of("test"), List.of(), NOW);

    assertThat(check.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(check.reason())
        .isEqualTo(
            "alice may promote sha256:cd34cd34cd34… (v6) to staging as admin; it is verified in"
                + " test");
  }

  @Test
  void shouldNotCountAnApprovalByARoleWithoutTheApproveRight() {
    PromotionCheck check = toProduction(ALICE, recent(Actor.of("bob")));

    assertThat(check.ignoredApprovals())
        .containsExactly(
            "approval by bob does not count: bob (researcher) may not approve promotions to"
                + " production");
  }

  @Test
  void shouldNotCountAnApprovalBySomeoneWithoutARole() {
    PromotionCheck check = toProduction(ALICE, recent(Actor.of("mallory", "contractors")));

    assertThat(check.ignoredApprovals())
        .containsExactly("approval by mallory does not count: mallory holds no role");
  }

  @Test
  void shouldNotCountAnApproverWhoLeftTheRole() {
    Policy withoutDora =
        TestPolicies.parse(
            """
            members:
              admin: {users: [alice]}
            """);

    PromotionCheck check =
        withoutDora.checkPromotion(
            ALICE, "production", SIX, THROUGH_STAGING, List.of(recent(DORA)), NOW);

    assertThat(check.outcome()).isEqualTo(Outcome.NEEDS_APPROVAL);
    assertThat(check.ignoredApprovals())
        .containsExactly("approval by dora does not count: dora holds no role");
  }

  @Test
  void shouldNotCountAnApprovalOutsideTheApproverRoles() {
    Policy policy =
        TestPolicies.parse(
            """
            roles:
              admin: {read: true, train: true, promote: ["*"], rollback: ["*"], approve: ["*"]}
              ops: {read: true, approve: ["*"]}
            members:
              admin: {users: [alice]}
              ops: {users: [olga]}
            environments:
              production: {approvals: 1, approvers: [admin]}
            """);

    PromotionCheck check =
        policy.checkPromotion(
            ALICE, "production", SIX, Set.of(), List.of(recent(Actor.of("olga"))), NOW);

    assertThat(check.ignoredApprovals())
        .containsExactly(
            "approval by olga does not count: only approvals by admin count for production, and"
                + " olga (ops) holds none of these roles");
  }

  @Test
  void shouldNotCountAnApprovalForAnotherEnvironment() {
    PromotionCheck check =
        toProduction(
            ALICE, new Approval(DORA, "staging", V6, "v6", NOW.minus(Duration.ofMinutes(1))));

    assertThat(check.ignoredApprovals())
        .containsExactly("approval by dora was for staging, not production");
  }

  @Test
  void shouldCountAnApprovalGivenThroughAGroup() {
    PromotionCheck check = toProduction(ALICE, recent(Actor.of("erin", "ml-platform")));

    assertThat(check.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(check.countedApprovers()).containsExactly("erin");
  }

  @Test
  void shouldExplainEveryApprovalThatDidNotCount() {
    PromotionCheck check =
        toProduction(
            ALICE,
            recent(ALICE),
            approval(DORA, V5, "v5", NOW.minus(Duration.ofMinutes(5))),
            approval(
                Actor.of("erin", "ml-platform"), V6, "v6", Instant.parse("2026-12-01T00:00:00Z")));

    assertThat(check.outcome()).isEqualTo(Outcome.NEEDS_APPROVAL);
    assertThat(check.reason())
        .isEqualTo(
            "production needs 1 approval by admin other than alice for sha256:cd34cd34cd34…"
                + " (v6); none counts yet, 1 more needed (not counted: alice cannot approve their"
                + " own request; approval by dora was for snapshot sha256:ab12ab12ab12… (v5), not"
                + " sha256:cd34cd34cd34… (v6); approval by erin expired at 2026-12-02T00:00Z"
                + " (approvals last 24h))");
  }

  @Test
  void shouldDenyWhenNoRoleMayApproveAMergedRule() {
    Policy policy =
        new Policy(
            List.of(new Role("ops", true, true, List.of("*"), List.of("*"), List.of())),
            java.util.Map.of("ops", new RoleMembers(List.of("olga"), List.of())),
            PolicyRules.of(new EnvironmentRule("prod", List.of(), 1, List.of(), null, false)));

    PromotionCheck check =
        policy.checkPromotion(Actor.of("olga"), "prod", SIX, Set.of(), List.of(), NOW);

    assertThat(check.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(check.reason())
        .isEqualTo(
            "prod needs 1 approval, but no role may approve promotions to prod; the operator must"
                + " grant the approve right for it in the policy file");
  }
}
