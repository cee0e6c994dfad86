package org.openautoglm.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.openautoglm.promotion.PromotionFixture.ALICE;
import static org.openautoglm.promotion.PromotionFixture.BOB;
import static org.openautoglm.promotion.PromotionFixture.GUS;
import static org.openautoglm.promotion.PromotionFixture.MALLORY;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.registry.EnvironmentState;
import org.openautoglm.registry.HistoryEntry;
import org.openautoglm.registry.HistoryEntry.Action;

/** A person rolling an environment back: who may, to what, and within which time. */
class ManualRollbackTest {
  private static final String DEV = "dev";
  private static final Duration BUDGET = Duration.ofSeconds(30);

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
  void shouldRestoreTheLastVerifiedSnapshotAndRecordTheTimeToRestore() {
    promoteAll(1, 2);

    PromotionResult result = promotions.rollback(BOB, DEV, null, "v2 misreads sarcasm", BUDGET);

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(result.outcome()).isEqualTo(PromotionOutcome.DONE);
    softly.assertThat(result.outcome().exitCode()).isZero();
    softly
        .assertThat(result.message())
        .matches("rolled back to v1 in \\d+\\.\\d s; dev is verified");
    softly.assertThat(result.timeToRestore()).isPositive().isLessThan(BUDGET);
    softly.assertThat(result.state().version()).isEqualTo(1);
    softly.assertThat(result.state().verified()).isTrue();
    softly.assertThat(result.state().lastVerified()).first().isEqualTo(world.digest(DEV, 1));
    softly.assertThat(world.deployed(DEV)).contains("v1");
    softly.assertAll();
    HistoryEntry rollback = world.history(DEV).get(4);
    assertThat(rollback.action()).isEqualTo(Action.ROLLBACK);
    assertThat(rollback.actor()).isEqualTo("bob");
    assertThat(rollback.reason()).isEqualTo("v2 misreads sarcasm");
    assertThat(world.history(DEV).get(5).reason()).startsWith("restored in ");
    JsonNode rolledBack = world.awaitWebhook("rolled_back", DEV, 1);
    assertThat(rolledBack.path("reason").asText()).isEqualTo("v2 misreads sarcasm");
    assertThat(rolledBack.path("text").asText())
        .endsWith("by bob: v2 misreads sarcasm")
        .startsWith("Rolled back dev to sentiment version 1");
  }

  @Test
  void shouldRollBackToANamedSnapshotByDigestPrefix() {
    promoteAll(1, 2, 3);
    String v1 = world.digest(DEV, 1);

    PromotionResult withAlgorithm =
        promotions.rollback(ALICE, DEV, v1.substring(0, "sha256:".length() + 10), null, BUDGET);

    assertThat(withAlgorithm.outcome()).isEqualTo(PromotionOutcome.DONE);
    assertThat(withAlgorithm.state().snapshot()).isEqualTo(v1);
    assertThat(world.deployed(DEV)).contains("v1");

    String v2hex = world.digest(DEV, 2).substring("sha256:".length(), "sha256:".length() + 8);
    PromotionResult bareHex = promotions.rollback(ALICE, DEV, v2hex, null, BUDGET);

    assertThat(bareHex.outcome()).isEqualTo(PromotionOutcome.DONE);
    assertThat(bareHex.state().version()).isEqualTo(2);
    assertThat(world.deployed(DEV)).contains("v2");
  }

  @Test
  void shouldRefuseToRollBackToASnapshotNeverVerifiedThere() {
    promoteAll(1);
    world.unhealthy(2);
    promotions.promote(BOB, DEV, 2, null);
    EnvironmentState before = world.registry().state(DEV);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> promotions.rollback(BOB, DEV, world.digest(DEV, 2), null, BUDGET))
        .withMessage(
            "snapshot "
                + Promotions.shortDigest(world.digest(DEV, 2))
                + " (v2) was never verified in dev; roll back only to a snapshot that passed its"
                + " health check there");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> promotions.rollback(BOB, DEV, "sha256:00000000", null, BUDGET))
        .withMessage("no snapshot sha256:00000000 in the registry");
    assertThat(world.registry().state(DEV)).isEqualTo(before);
  }

  @Test
  void shouldRefuseARollbackTargetThatIsNoDigest() {
    promoteAll(1, 2);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> promotions.rollback(BOB, DEV, "v1", null, BUDGET))
        .withMessageStartingWith("'v1' is not a snapshot digest");
  }

  @Test
  void shouldRefuseToRollBackToWhatRunsAlready() {
    promoteAll(1, 2);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> promotions.rollback(BOB, DEV, world.digest(DEV, 2), null, BUDGET))
        .withMessage(
            "dev runs "
                + Promotions.shortDigest(world.digest(DEV, 2))
                + " (v2) already; nothing to roll back");
  }

  @Test
  void shouldRefuseARollbackWithNothingToGoBackTo() {
    promoteAll(1);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> promotions.rollback(BOB, DEV, null, null, BUDGET))
        .withMessage("dev has no verified snapshot other than the current one to roll back to");
  }

  @Test
  void shouldRejectRollbackByGuestsStrangersAndResearchersOutsideTheirEnvironments() {
    promoteAll(1, 2);

    PromotionResult guest = promotions.rollback(GUS, DEV, null, null, BUDGET);
    PromotionResult stranger = promotions.rollback(MALLORY, DEV, null, null, BUDGET);
    PromotionResult researcher = promotions.rollback(BOB, "production", null, null, BUDGET);

    assertThat(guest.outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(guest.outcome().exitCode()).isEqualTo(3);
    assertThat(guest.message())
        .isEqualTo(
            "gus (guest) may not roll back any environment; dev can be rolled back by admin or"
                + " researcher");
    assertThat(stranger.outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(stranger.message())
        .startsWith("mallory holds no role, so mallory may not roll back dev");
    assertThat(researcher.outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(researcher.message())
        .isEqualTo(
            "bob (researcher) may roll back test, test-*, dev only; production can be rolled back"
                + " by admin");
    assertThat(world.deployed(DEV)).contains("v2");
    assertThat(world.registry().state(DEV).version()).isEqualTo(2);
    assertThat(world.history(DEV)).extracting(HistoryEntry::action).doesNotContain(Action.ROLLBACK);
  }

  @Test
  void shouldSayWhereTheEnvironmentStandsWhenTheRollbackRunsOverItsTimeBudget() throws IOException {
    promoteAll(1, 2);
    world.slowDeploy(1, Duration.ofSeconds(30));

    PromotionResult result =
        promotions.rollback(BOB, DEV, null, "v2 is slow", Duration.ofSeconds(1));

    assertThat(result.outcome()).isEqualTo(PromotionOutcome.FAILED);
    assertThat(result.message())
        .startsWith("the rollback to v1 failed: deploy failed: command 'python3' timed out after 1")
        .endsWith(
            "; dev is recorded at v1 ("
                + Promotions.shortDigest(world.digest(DEV, 1))
                + "), not verified — fix the environment by hand, then run autoglm rollback"
                + " again");
    assertThat(result.timeToRestore()).isNull();
    assertThat(result.state().version()).isEqualTo(1);
    assertThat(result.state().verified()).isFalse();
    assertThat(world.registry().state(DEV)).isEqualTo(result.state());
    assertThat(world.deployed(DEV)).as("the slow deploy was stopped").contains("v2");
    JsonNode failed = world.awaitWebhook("failed", DEV, 1);
    assertThat(failed.path("reason").asText()).startsWith("rollback failed: deploy failed: ");
    assertThat(world.history(DEV).get(world.history(DEV).size() - 1))
        .satisfies(
            verify -> {
              assertThat(verify.action()).isEqualTo(Action.VERIFY);
              assertThat(verify.verified()).isFalse();
              assertThat(verify.reason()).contains("timed out");
            });

    // the way back from here: deploy the snapshot it is recorded at again, not another rollback
    assertThatIllegalArgumentException()
        .isThrownBy(() -> promotions.rollback(BOB, DEV, world.digest(DEV, 1), null, BUDGET))
        .withMessage(
            "dev is recorded at "
                + Promotions.shortDigest(world.digest(DEV, 1))
                + " (v1) already, not verified; to deploy and check it again, promote v1");
    world.slowDeploy(1, Duration.ZERO);
    assertThat(promotions.promote(BOB, DEV, 1, "after fixing the node").outcome())
        .isEqualTo(PromotionOutcome.DONE);
    assertThat(world.deployed(DEV)).contains("v1");
  }

  private void promoteAll(int... versions) {
    for (int version : versions) {
      PromotionResult result = promotions.promote(BOB, DEV, version, null);
      assertThat(result.outcome()).as(result.message()).isEqualTo(PromotionOutcome.DONE);
    }
  }
}
