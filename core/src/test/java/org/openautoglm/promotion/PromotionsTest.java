package org.openautoglm.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;
import static org.openautoglm.promotion.PromotionFixture.ALICE;
import static org.openautoglm.promotion.PromotionFixture.BOB;
import static org.openautoglm.promotion.PromotionFixture.DAVE;
import static org.openautoglm.promotion.PromotionFixture.GUS;
import static org.openautoglm.promotion.PromotionFixture.MALLORY;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.registry.ApprovalRequest;
import org.openautoglm.registry.EnvironmentState;
import org.openautoglm.registry.HistoryEntry;
import org.openautoglm.registry.HistoryEntry.Action;

/** Promotion through dev, staging and production: policy, order, approvals, audit trail. */
class PromotionsTest {
  private static final String DEV = "dev";
  private static final String STAGING = "staging";
  private static final String PRODUCTION = "production";

  @TempDir Path dir;

  private PromotionFixture world;
  private Promotions promotions;

  @BeforeEach
  void createWorld() throws IOException {
    world = new PromotionFixture(dir);
    world.register(3);
    promotions = world.promotions();
  }

  @AfterEach
  void closeWorld() {
    world.close();
  }

  @Test
  void shouldDeployAndVerifyWhenResearcherPromotesToDev() {
    PromotionResult result = promotions.promote(BOB, DEV, 1, "first fine-tune");

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(result.outcome()).isEqualTo(PromotionOutcome.DONE);
    softly.assertThat(result.outcome().exitCode()).isZero();
    softly.assertThat(result.message()).isEqualTo("v1 is live and verified in dev");
    softly.assertThat(result.state().version()).isEqualTo(1);
    softly.assertThat(result.state().snapshot()).isEqualTo(world.digest(DEV, 1));
    softly.assertThat(result.state().by()).isEqualTo("bob");
    softly.assertThat(result.state().verified()).isTrue();
    softly.assertThat(result.state().lastVerified()).containsExactly(world.digest(DEV, 1));
    softly.assertThat(result.requestId()).isNull();
    softly.assertThat(result.timeToRestore()).isNull();
    softly.assertThat(world.registry().state(DEV)).isEqualTo(result.state());
    softly.assertThat(world.deployed(DEV)).contains("v1");
    softly
        .assertThat(world.log())
        .contains(
            "promoting v1 (" + Promotions.shortDigest(world.digest(DEV, 1)) + ") to dev",
            "deploying v1 to dev with 1 replicas");
    softly.assertAll();

    JsonNode promoted = world.awaitWebhook("promoted", DEV, 1);
    assertThat(promoted.path("text").asText())
        .isEqualTo(
            "Promoted sentiment version 1 to dev (snapshot "
                + hex12(world.digest(DEV, 1))
                + ") by bob: first fine-tune");
    assertThat(promoted.path("project").asText()).isEqualTo("sentiment");
    assertThat(promoted.path("snapshot").asText()).isEqualTo(world.digest(DEV, 1));
    assertThat(promoted.path("actor").asText()).isEqualTo("bob");
    assertThat(promoted.path("reason").asText()).isEqualTo("first fine-tune");
  }

  @Test
  void shouldRejectPromotionOfResearcherToProduction() {
    PromotionResult result = promotions.promote(BOB, PRODUCTION, 1, "looks great");

    assertThat(result.outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(result.outcome().exitCode()).isEqualTo(3);
    assertThat(result.message())
        .contains(
            "bob (researcher) may promote to test, test-*, dev only;"
                + " production can be promoted by admin and needs 1 approval by admin");
    assertThat(result.requestId()).isNull();
    assertThat(world.deployed(PRODUCTION)).isEmpty();
    assertThat(world.history(PRODUCTION)).isEmpty();
    assertThat(world.registry().state(PRODUCTION).seq()).isZero();
    assertThat(world.registry().snapshotByDigest(world.digest(PRODUCTION, 1)))
        .as("a refused promotion stores no snapshot")
        .isEmpty();
  }

  @Test
  void shouldRejectPromotionByGuestsAndStrangers() {
    PromotionResult guest = promotions.promote(GUS, DEV, 1, null);
    PromotionResult stranger = promotions.promote(MALLORY, DEV, 1, null);

    assertThat(guest.outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(guest.message()).startsWith("gus (guest) may not promote to any environment");
    assertThat(stranger.outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(stranger.message())
        .startsWith("mallory holds no role, so mallory may not promote to dev");
    assertThat(world.deployed(DEV)).isEmpty();
    assertThat(world.history(DEV)).isEmpty();
  }

  @Test
  void shouldRejectPromotionToStagingBeforeTheVersionIsVerifiedInDev() {
    PromotionResult early = promotions.promote(ALICE, STAGING, 1, null);

    assertThat(early.outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(early.message())
        .contains("(v1) must be verified in dev before it is promoted to staging")
        .endsWith("it is not verified in any environment yet, so promote it to dev first");
    assertThat(world.history(STAGING)).isEmpty();
    assertThat(world.deployed(STAGING)).isEmpty();

    assertThat(promotions.promote(ALICE, DEV, 1, null).outcome()).isEqualTo(PromotionOutcome.DONE);
    PromotionResult inOrder = promotions.promote(ALICE, STAGING, 1, null);

    assertThat(inOrder.outcome()).isEqualTo(PromotionOutcome.DONE);
    assertThat(world.deployed(STAGING)).contains("v1");
  }

  @Test
  void shouldCountAVersionVerifiedInDevForStagingThoughTheirDeployParametersDiffer() {
    // dev runs 1 replica, staging 2: the snapshots differ, the model verified in dev is the same
    assertThat(world.digest(DEV, 1)).isNotEqualTo(world.digest(STAGING, 1));
    promotions.promote(BOB, DEV, 1, null);

    PromotionResult result = promotions.promote(ALICE, STAGING, 1, null);

    assertThat(result.outcome()).as(result.message()).isEqualTo(PromotionOutcome.DONE);
    assertThat(result.state().snapshot()).isEqualTo(world.digest(STAGING, 1));
    assertThat(world.log()).contains("deploying v1 to staging with 2 replicas");
  }

  @Test
  void shouldNotCountAVersionThatFailedItsHealthCheckInDevAsVerified() {
    world.unhealthy(1);
    assertThat(promotions.promote(BOB, DEV, 1, null).outcome()).isEqualTo(PromotionOutcome.FAILED);

    PromotionResult result = promotions.promote(ALICE, STAGING, 1, null);

    assertThat(result.outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(result.message())
        .contains("must be verified in dev before it is promoted to staging");
  }

  @Test
  void shouldPromoteToProductionOnlyAfterAnotherAdminApproved() {
    shipToStaging(1);

    PromotionResult waiting = promotions.promote(ALICE, PRODUCTION, 1, "quarterly release");

    assertThat(waiting.outcome()).isEqualTo(PromotionOutcome.WAITING_FOR_APPROVAL);
    assertThat(waiting.outcome().exitCode()).isEqualTo(5);
    String id = waiting.requestId();
    assertThat(id).isNotBlank();
    assertThat(waiting.message())
        .startsWith("production needs 1 approval by admin other than alice for sha256:")
        .endsWith("none counts yet, 1 more needed; approval requested (request " + id + ")");
    assertThat(waiting.state().approval(id))
        .hasValueSatisfying(
            request -> {
              assertThat(request.state()).isEqualTo(ApprovalRequest.State.OPEN);
              assertThat(request.requester()).isEqualTo("alice");
              assertThat(request.snapshot()).isEqualTo(world.digest(PRODUCTION, 1));
              assertThat(request.required()).isEqualTo(1);
            });
    assertThat(world.deployed(PRODUCTION)).isEmpty();
    JsonNode requested = world.awaitWebhook("approval_requested", PRODUCTION, 1);
    assertThat(requested.path("text").asText())
        .isEqualTo(
            "Approval requested: sentiment version 1 (snapshot "
                + hex12(world.digest(PRODUCTION, 1))
                + ") to production, requested by alice: quarterly release");

    PromotionResult again = promotions.promote(ALICE, PRODUCTION, 1, "quarterly release");
    assertThat(again.outcome()).isEqualTo(PromotionOutcome.WAITING_FOR_APPROVAL);
    assertThat(again.requestId()).isEqualTo(id);
    assertThat(again.message()).endsWith("(request " + id + " is open)");

    PromotionResult own = promotions.approve(ALICE, PRODUCTION, id, "I trust myself");
    assertThat(own.outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(own.message())
        .isEqualTo(
            "alice cannot approve their own request; promotions to production need an approval"
                + " by another admin");

    PromotionResult researcher = promotions.approve(BOB, PRODUCTION, id, "+1");
    assertThat(researcher.outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(researcher.message()).endsWith("promotions to production are approved by admin");

    PromotionResult approved = promotions.approve(DAVE, PRODUCTION, id, "eval metrics hold up");
    assertThat(approved.outcome()).isEqualTo(PromotionOutcome.DONE);
    assertThat(approved.requestId()).isEqualTo(id);
    assertThat(approved.message())
        .isEqualTo("dave approved v1 for production; the requester can now promote it");
    assertThat(approved.state().approval(id).orElseThrow().state())
        .isEqualTo(ApprovalRequest.State.APPROVED);
    assertThat(world.deployed(PRODUCTION)).isEmpty();

    PromotionResult done = promotions.promote(ALICE, PRODUCTION, 1, "quarterly release");

    assertThat(done.outcome()).isEqualTo(PromotionOutcome.DONE);
    assertThat(done.message()).isEqualTo("v1 is live and verified in production");
    assertThat(done.state().verified()).isTrue();
    assertThat(done.state().approval(id).orElseThrow().state())
        .isEqualTo(ApprovalRequest.State.CONSUMED);
    assertThat(world.deployed(PRODUCTION)).contains("v1");
    assertThat(world.log()).contains("deploying v1 to production with 4 replicas");
    world.awaitWebhook("promoted", PRODUCTION, 1);
    assertThat(world.history(PRODUCTION))
        .extracting(HistoryEntry::action, HistoryEntry::actor, HistoryEntry::approvers)
        .containsExactly(
            tuple(Action.REQUEST, "alice", List.of()),
            tuple(Action.APPROVE, "dave", List.of("dave")),
            tuple(Action.PROMOTE, "alice", List.of("dave")),
            tuple(Action.VERIFY, "alice", List.of()));
  }

  @Test
  void shouldRefuseToApproveARequestThatDoesNotExist() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> promotions.approve(DAVE, PRODUCTION, "999", null))
        .withMessage("no approval request 999 in production; see autoglm history --env production");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> promotions.reject(DAVE, PRODUCTION, "999", null))
        .withMessageStartingWith("no approval request 999 in production");
  }

  @Test
  void shouldRefuseToApproveARequestThatWasUsedAlready() {
    shipToStaging(1);
    String id = promotions.promote(ALICE, PRODUCTION, 1, null).requestId();
    promotions.approve(DAVE, PRODUCTION, id, null);
    assertThat(promotions.promote(ALICE, PRODUCTION, 1, null).outcome())
        .isEqualTo(PromotionOutcome.DONE);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> promotions.approve(DAVE, PRODUCTION, id, "late"))
        .withMessage(
            "approval request "
                + id
                + " in production is used by a promotion already; it cannot be approved");
  }

  @Test
  void shouldCountEachApproverOnce() {
    shipToStaging(1);
    String id = promotions.promote(ALICE, PRODUCTION, 1, null).requestId();
    promotions.approve(DAVE, PRODUCTION, id, null);

    PromotionResult twice = promotions.approve(DAVE, PRODUCTION, id, "really");

    assertThat(twice.outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(twice.message())
        .isEqualTo("dave has approved request " + id + " already; it needs another approver");
    assertThat(world.history(PRODUCTION))
        .filteredOn(entry -> entry.action() == Action.APPROVE)
        .hasSize(1);
  }

  @Test
  void shouldKeepProductionUntouchedWhenAnAdminRejectsTheRequest() {
    shipToStaging(1);
    String id = promotions.promote(ALICE, PRODUCTION, 1, null).requestId();

    PromotionResult rejected = promotions.reject(DAVE, PRODUCTION, id, "wait for the bias review");

    assertThat(rejected.outcome()).isEqualTo(PromotionOutcome.DONE);
    assertThat(rejected.message()).isEqualTo("dave rejected v1 for production");
    assertThat(rejected.state().approval(id).orElseThrow().state())
        .isEqualTo(ApprovalRequest.State.REJECTED);
    PromotionResult retry = promotions.promote(ALICE, PRODUCTION, 1, null);
    assertThat(retry.outcome()).isEqualTo(PromotionOutcome.WAITING_FOR_APPROVAL);
    assertThat(retry.requestId()).isNotEqualTo(id);
    assertThat(world.deployed(PRODUCTION)).isEmpty();
    assertThat(promotions.reject(ALICE, PRODUCTION, retry.requestId(), null).outcome())
        .isEqualTo(PromotionOutcome.DENIED);
  }

  @Test
  void shouldNotLetAnApprovalOfOneVersionPromoteAnother() {
    shipToStaging(1);
    shipToStaging(2);
    String forV1 = promotions.promote(ALICE, PRODUCTION, 1, null).requestId();
    assertThat(promotions.approve(DAVE, PRODUCTION, forV1, null).outcome())
        .isEqualTo(PromotionOutcome.DONE);

    PromotionResult v2 = promotions.promote(ALICE, PRODUCTION, 2, null);

    assertThat(v2.outcome()).isEqualTo(PromotionOutcome.WAITING_FOR_APPROVAL);
    assertThat(v2.requestId()).isNotEqualTo(forV1);
    assertThat(v2.message())
        .contains(
            "not counted: approval by dave was for snapshot "
                + shortPolicyDigest(world.digest(PRODUCTION, 1))
                + " (v1), not "
                + shortPolicyDigest(world.digest(PRODUCTION, 2))
                + " (v2)");
    assertThat(world.deployed(PRODUCTION)).isEmpty();
    assertThat(world.history(PRODUCTION))
        .extracting(HistoryEntry::action)
        .doesNotContain(Action.PROMOTE);
    // one request per environment at a time: asking for v2 supersedes the approved v1
    assertThat(v2.state().approval(forV1).orElseThrow().state())
        .isEqualTo(ApprovalRequest.State.EXPIRED);
  }

  @Test
  void shouldRefuseUnknownVersionsAndEnvironments() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> promotions.promote(BOB, DEV, 42, null))
        .withMessage("v42 is not registered; see autoglm register");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> promotions.promote(BOB, "qa", 1, null))
        .withMessage("the project has no environment 'qa'");
  }

  @Test
  void shouldTellTheStoryOfEveryEnvironmentInItsHistory() {
    promotions.promote(BOB, DEV, 1, "first fine-tune");
    promotions.promote(ALICE, STAGING, 1, "release candidate");
    String id = promotions.promote(ALICE, PRODUCTION, 1, "quarterly release").requestId();
    promotions.approve(DAVE, PRODUCTION, id, "eval metrics hold up");
    promotions.promote(ALICE, PRODUCTION, 1, "quarterly release");
    world.unhealthy(2);
    promotions.promote(BOB, DEV, 2, "more data");
    promotions.promote(BOB, DEV, 3, "longer training");
    promotions.rollback(BOB, DEV, null, "v3 is worse on sarcasm", Duration.ofSeconds(30));

    String health = "health check passed: GET http://127.0.0.1:";
    assertThat(world.history(DEV))
        .extracting(
            HistoryEntry::seq,
            HistoryEntry::action,
            HistoryEntry::version,
            HistoryEntry::actor,
            HistoryEntry::verified)
        .containsExactly(
            tuple(1L, Action.PROMOTE, 1, "bob", false),
            tuple(2L, Action.VERIFY, 1, "bob", true),
            tuple(3L, Action.PROMOTE, 2, "bob", false),
            tuple(4L, Action.VERIFY, 2, "bob", false),
            tuple(5L, Action.ROLLBACK, 1, "bob", false),
            tuple(6L, Action.VERIFY, 1, "bob", true),
            tuple(7L, Action.PROMOTE, 3, "bob", false),
            tuple(8L, Action.VERIFY, 3, "bob", true),
            tuple(9L, Action.ROLLBACK, 1, "bob", false),
            tuple(10L, Action.VERIFY, 1, "bob", true));
    assertThat(world.history(DEV))
        .extracting(HistoryEntry::reason)
        .satisfiesExactly(
            r -> assertThat(r).isEqualTo("first fine-tune"),
            r -> assertThat(r).isEqualTo("health check passed: GET " + world.healthUrl(DEV)),
            r -> assertThat(r).isEqualTo("more data"),
            r -> assertThat(r).startsWith("health check failed: GET ").contains("returned 503"),
            r -> assertThat(r).startsWith("automatic rollback after: health check failed"),
            r -> assertThat(r).startsWith("restored in ").contains(health),
            r -> assertThat(r).isEqualTo("longer training"),
            r -> assertThat(r).startsWith(health),
            r -> assertThat(r).isEqualTo("v3 is worse on sarcasm"),
            r -> assertThat(r).startsWith("restored in "));
    assertThat(world.history(PRODUCTION))
        .extracting(
            HistoryEntry::action,
            HistoryEntry::version,
            HistoryEntry::actor,
            HistoryEntry::approvers,
            HistoryEntry::reason)
        .containsExactly(
            tuple(Action.REQUEST, 1, "alice", List.of(), "quarterly release"),
            tuple(Action.APPROVE, 1, "dave", List.of("dave"), "eval metrics hold up"),
            tuple(Action.PROMOTE, 1, "alice", List.of("dave"), "quarterly release"),
            tuple(
                Action.VERIFY,
                1,
                "alice",
                List.of(),
                "health check passed: GET " + world.healthUrl(PRODUCTION)));
    assertThat(world.history(PRODUCTION))
        .allSatisfy(entry -> assertThat(entry.snapshot()).isEqualTo(world.digest(PRODUCTION, 1)));
    EnvironmentState dev = world.registry().state(DEV);
    assertThat(dev.version()).isEqualTo(1);
    assertThat(dev.lastVerified()).containsExactly(world.digest(DEV, 1), world.digest(DEV, 3));
  }

  private void shipToStaging(int version) {
    assertThat(promotions.promote(BOB, DEV, version, null).outcome())
        .isEqualTo(PromotionOutcome.DONE);
    assertThat(promotions.promote(ALICE, STAGING, version, null).outcome())
        .isEqualTo(PromotionOutcome.DONE);
  }

  /** The digest as notifications show it: 12 hex digits. */
  private static String hex12(String digest) {
    return digest.substring("sha256:".length(), "sha256:".length() + 12);
  }

  /** The digest as policy reasons show it: {@code sha256:} and 12 hex digits and an ellipsis. */
  private static String shortPolicyDigest(String digest) {
    return "sha256:" + hex12(digest) + "…";
  }
}
