package org.openautoglm.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.openautoglm.promotion.PromotionFixture.ALICE;
import static org.openautoglm.promotion.PromotionFixture.BOB;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.registry.HistoryEntry;
import org.openautoglm.registry.HistoryEntry.Action;

/** A promotion whose deploy or health check fails, and the one automatic rollback after it. */
class AutomaticRollbackTest {
  private static final String DEV = "dev";

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
  void shouldRollBackToThePreviousVerifiedSnapshotWhenTheHealthCheckFails() {
    assertThat(promotions.promote(BOB, DEV, 1, null).outcome()).isEqualTo(PromotionOutcome.DONE);
    world.unhealthy(2);

    PromotionResult result = promotions.promote(BOB, DEV, 2, "more data");

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(result.outcome()).isEqualTo(PromotionOutcome.FAILED);
    softly.assertThat(result.outcome().exitCode()).isEqualTo(1);
    softly
        .assertThat(result.message())
        .startsWith(
            "v2 failed in dev: health check failed: GET "
                + world.healthUrl(DEV)
                + " returned 503 after 1 attempt")
        .containsPattern("; rolled back to v1 in \\d+\\.\\d s; dev is verified$");
    softly.assertThat(result.timeToRestore()).isPositive().isLessThan(Duration.ofSeconds(30));
    softly.assertThat(result.state().version()).isEqualTo(1);
    softly.assertThat(result.state().snapshot()).isEqualTo(world.digest(DEV, 1));
    softly.assertThat(result.state().verified()).isTrue();
    softly.assertThat(world.registry().state(DEV)).isEqualTo(result.state());
    softly.assertThat(world.deployed(DEV)).contains("v1");
    softly.assertAll();

    JsonNode failed = world.awaitWebhook("failed", DEV, 2);
    assertThat(failed.path("text").asText())
        .startsWith("Failed: sentiment version 2 in dev (snapshot ")
        .contains("by bob: health check failed: GET ");
    JsonNode rolledBack = world.awaitWebhook("rolled_back", DEV, 1);
    assertThat(rolledBack.path("actor").asText()).isEqualTo("bob");
    assertThat(rolledBack.path("reason").asText())
        .startsWith("automatic rollback after: health check failed: GET ");
    assertThat(rolledBack.path("text").asText())
        .startsWith("Rolled back dev to sentiment version 1 (snapshot ");
    assertThat(world.history(DEV))
        .extracting(HistoryEntry::action, HistoryEntry::version, HistoryEntry::verified)
        .containsExactly(
            tuple(Action.PROMOTE, 1, false),
            tuple(Action.VERIFY, 1, true),
            tuple(Action.PROMOTE, 2, false),
            tuple(Action.VERIFY, 2, false),
            tuple(Action.ROLLBACK, 1, false),
            tuple(Action.VERIFY, 1, true));
  }

  @Test
  void shouldRollBackWhenTheDeployCommandFails() throws IOException {
    promotions.promote(BOB, DEV, 1, null);
    world.failDeploy(2);

    PromotionResult result = promotions.promote(BOB, DEV, 2, null);

    assertThat(result.outcome()).isEqualTo(PromotionOutcome.FAILED);
    assertThat(result.message())
        .startsWith(
            "v2 failed in dev: deploy failed: command 'python3' exited with code 7;"
                + " last output: v2 was told to fail; rolled back to v1 in ");
    assertThat(result.state().version()).isEqualTo(1);
    assertThat(result.state().verified()).isTrue();
    assertThat(result.timeToRestore()).isNotNull();
    assertThat(world.deployed(DEV)).contains("v1");
    assertThat(world.log()).contains("deploying v2 to dev with 1 replicas", "v2 was told to fail");
  }

  @Test
  void shouldLeaveTheVersionUnverifiedWhenThereIsNoEarlierVerifiedSnapshot() {
    world.unhealthy(1);

    PromotionResult result = promotions.promote(BOB, DEV, 1, null);

    assertThat(result.outcome()).isEqualTo(PromotionOutcome.FAILED);
    assertThat(result.message())
        .startsWith("v1 failed in dev: health check failed: ")
        .endsWith(
            "; there is no earlier verified snapshot to roll back to, so dev runs v1 unverified");
    assertThat(result.timeToRestore()).isNull();
    assertThat(result.state().version()).isEqualTo(1);
    assertThat(result.state().verified()).isFalse();
    assertThat(world.deployed(DEV)).contains("v1");
    assertThat(world.history(DEV))
        .extracting(HistoryEntry::action)
        .containsExactly(Action.PROMOTE, Action.VERIFY);
    world.awaitWebhook("failed", DEV, 1);
  }

  @Test
  void shouldNotRollBackWhenAutomaticRollbackIsOff() {
    world.automaticRollbackOff(DEV);
    promotions.promote(BOB, DEV, 1, null);
    world.unhealthy(2);

    PromotionResult result = promotions.promote(BOB, DEV, 2, null);

    assertThat(result.outcome()).isEqualTo(PromotionOutcome.FAILED);
    assertThat(result.message())
        .endsWith(
            "; automatic rollback is off, so dev runs v2 unverified — roll back with autoglm"
                + " rollback");
    assertThat(result.timeToRestore()).isNull();
    assertThat(result.state().version()).isEqualTo(2);
    assertThat(result.state().verified()).isFalse();
    assertThat(result.state().rollbackTarget()).contains(world.digest(DEV, 1));
    assertThat(world.deployed(DEV)).contains("v2");
    assertThat(world.history(DEV)).extracting(HistoryEntry::action).doesNotContain(Action.ROLLBACK);
  }

  @Test
  void shouldSayWhereTheEnvironmentStandsWhenTheAutomaticRollbackFailsToo() throws IOException {
    promotions.promote(BOB, DEV, 1, null);
    world.unhealthy(2);
    world.failDeploy(1);

    PromotionResult result = promotions.promote(BOB, DEV, 2, null);

    assertThat(result.outcome()).isEqualTo(PromotionOutcome.FAILED);
    assertThat(result.message())
        .startsWith("v2 failed in dev: health check failed: ")
        .contains(
            "; the rollback to v1 failed: deploy failed: command 'python3' exited with code 7")
        .endsWith(
            "; dev is recorded at v1 ("
                + Promotions.shortDigest(world.digest(DEV, 1))
                + "), not verified — fix the environment by hand, then run autoglm rollback"
                + " again");
    assertThat(result.timeToRestore()).isNull();
    assertThat(result.state().version()).isEqualTo(1);
    assertThat(result.state().verified()).isFalse();
    assertThat(world.deployed(DEV)).contains("v2");
    JsonNode failed = world.awaitWebhook("failed", DEV, 1);
    assertThat(failed.path("reason").asText()).startsWith("rollback failed: deploy failed: ");
  }

  @Test
  void shouldStopRollingBackOnItsOwnAfterTheCapOfConsecutiveAutomaticRollbacks() {
    promotions.promote(BOB, DEV, 1, null);
    world.unhealthy(2);
    for (int i = 0; i < Promotions.MAX_CONSECUTIVE_AUTOMATIC_ROLLBACKS; i++) {
      PromotionResult rolledBack = promotions.promote(BOB, DEV, 2, "attempt " + i);
      assertThat(rolledBack.message()).contains("; rolled back to v1 in ");
      assertThat(world.deployed(DEV)).contains("v1");
    }

    PromotionResult capped = promotions.promote(BOB, DEV, 2, "one more time");

    assertThat(capped.outcome()).isEqualTo(PromotionOutcome.FAILED);
    assertThat(capped.message())
        .startsWith("v2 failed in dev: health check failed: ")
        .endsWith(
            "; "
                + Promotions.MAX_CONSECUTIVE_AUTOMATIC_ROLLBACKS
                + " automatic rollbacks in a row already, so autoglm does not roll back again on"
                + " its own — investigate, then run autoglm rollback");
    assertThat(capped.timeToRestore()).isNull();
    assertThat(capped.state().version()).isEqualTo(2);
    assertThat(capped.state().verified()).isFalse();
    assertThat(world.deployed(DEV)).contains("v2");
    assertThat(world.history(DEV))
        .filteredOn(entry -> entry.action() == Action.ROLLBACK)
        .hasSize(Promotions.MAX_CONSECUTIVE_AUTOMATIC_ROLLBACKS);

    // a person rolling back ends the streak: the next failure rolls back on its own again
    PromotionResult manual =
        promotions.rollback(ALICE, DEV, null, "back to v1", Duration.ofSeconds(30));
    assertThat(manual.outcome()).isEqualTo(PromotionOutcome.DONE);
    PromotionResult afterManual = promotions.promote(BOB, DEV, 2, null);
    assertThat(afterManual.message()).contains("; rolled back to v1 in ");
    assertThat(world.deployed(DEV)).contains("v1");
  }

  @Test
  void shouldStartANewStreakAfterAVerifiedPromotion() {
    promotions.promote(BOB, DEV, 1, null);
    world.unhealthy(2);
    for (int i = 0; i < Promotions.MAX_CONSECUTIVE_AUTOMATIC_ROLLBACKS; i++) {
      promotions.promote(BOB, DEV, 2, null);
    }
    assertThat(promotions.promote(BOB, DEV, 3, null).outcome()).isEqualTo(PromotionOutcome.DONE);

    PromotionResult result = promotions.promote(BOB, DEV, 2, null);

    assertThat(result.message()).contains("; rolled back to v3 in ");
    assertThat(world.deployed(DEV)).contains("v3");
  }
}
