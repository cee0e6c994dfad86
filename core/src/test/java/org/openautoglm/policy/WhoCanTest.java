package org.openautoglm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.policy.TestPolicies.V6;

import java.util.List;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/** The dry-run: "who could promote v7 to production, and how?". */
class WhoCanTest {
  private static final Policy POLICY = TestPolicies.team();
  private static final SnapshotRef SEVEN = new SnapshotRef(V6, "v7");

  @Test
  void shouldListWhoCouldPromoteToProductionAndWhatIsMissing() {
    List<Route> routes = POLICY.whoCan(Action.PROMOTE, "production", SEVEN, Set.of("test"));

    assertThat(routes).hasSize(1);
    Route admin = routes.get(0);
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(admin.role()).isEqualTo("admin");
    softly.assertThat(admin.users()).containsExactly("alice", "dora");
    softly.assertThat(admin.groups()).containsExactly("ml-platform");
    softly.assertThat(admin.approvalsNeeded()).isEqualTo(1);
    softly.assertThat(admin.approverRoles()).containsExactly("admin");
    softly.assertThat(admin.verifyFirst()).containsExactly("staging");
    softly.assertThat(admin.direct()).isFalse();
    softly
        .assertThat(admin.description())
        .isEqualTo(
            "admin (users alice, dora; group ml-platform) can promote sha256:cd34cd34cd34… (v7)"
                + " to production: verify it in staging first, then get 1 approval by admin other"
                + " than the requester");
    softly.assertAll();
  }

  @Test
  void shouldListTheWholePathForASnapshotVerifiedNowhere() {
    Route admin = POLICY.whoCan(Action.PROMOTE, "production", V6, Set.of()).get(0);

    assertThat(admin.verifyFirst()).containsExactly("test", "staging");
    assertThat(admin.description())
        .contains("verify it in test, then staging first, then get 1 approval by admin");
  }

  @Test
  void shouldListDirectRoutesToATestEnvironment() {
    List<Route> routes = POLICY.whoCan(Action.PROMOTE, "test-eu", SEVEN, Set.of());

    assertThat(routes).extracting(Route::role).containsExactly("admin", "researcher");
    assertThat(routes).allMatch(Route::direct);
    assertThat(routes.get(1).description())
        .isEqualTo(
            "researcher (users bob, carol; group researchers) can promote sha256:cd34cd34cd34…"
                + " (v7) to test-eu directly");
  }

  @Test
  void shouldOmitTheApprovalStepOnceVerified() {
    Route admin = POLICY.whoCan(Action.PROMOTE, "staging", SEVEN, Set.of("test")).get(0);

    assertThat(admin.direct()).isTrue();
    assertThat(admin.description()).endsWith("to staging directly");
  }

  @Test
  void shouldListWhoCouldApproveProduction() {
    List<Route> routes = POLICY.whoCan(Action.APPROVE, "production", (String) null, Set.of());

    assertThat(routes)
        .singleElement()
        .extracting(Route::description)
        .isEqualTo(
            "admin (users alice, dora; group ml-platform) can approve promotions of the snapshot"
                + " to production, but not their own requests");
  }

  @Test
  void shouldListWhoCouldRollBackAndRead() {
    assertThat(POLICY.whoCan(Action.ROLLBACK, "dev", (String) null, Set.of()))
        .extracting(Route::role)
        .containsExactly("admin", "researcher");
    assertThat(POLICY.whoCan(Action.READ, null, (String) null, Set.of()))
        .extracting(Route::description)
        .containsExactly(
            "admin (users alice, dora; group ml-platform) can read",
            "researcher (users bob, carol; group researchers) can read",
            "guest (group authenticated) can read");
  }

  @Test
  void shouldSayWhenNobodyHoldsARoleThatCould() {
    List<Route> routes = Policy.defaults().whoCan(Action.TRAIN, null, (String) null, Set.of());

    assertThat(routes)
        .extracting(Route::description)
        .containsExactly(
            "admin (nobody holds it yet) can train", "researcher (nobody holds it yet) can train");
  }

  @Test
  void shouldReturnNoRouteWhenNoRoleMay() {
    Policy policy =
        TestPolicies.parse(
            """
            roles:
              guest: {read: true}
            members:
              guest: {groups: [authenticated]}
            environments: {}
            """);

    assertThat(policy.whoCan(Action.PROMOTE, "production", V6, Set.of())).isEmpty();
  }
}
