package org.openautoglm.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.openautoglm.promotion.PromotionFixture.ALICE;
import static org.openautoglm.promotion.PromotionFixture.BOB;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.deploy.DeployListener;
import org.openautoglm.deploy.DeployOutcome;
import org.openautoglm.deploy.Deployer;
import org.openautoglm.deploy.Release;
import org.openautoglm.registry.HistoryEntry;
import org.openautoglm.registry.HistoryEntry.Action;
import org.openautoglm.registry.Registry;

/**
 * Two promotions, each with its own registry handle on one repository (as two processes would),
 * racing on one environment; latches decide who gets where first.
 */
class ConcurrentPromotionTest {
  private static final String DEV = "dev";
  private static final long WAIT_SECONDS = 30;

  @TempDir Path dir;

  private PromotionFixture world;
  private Registry second;

  @BeforeEach
  void createWorld() throws IOException {
    world = new PromotionFixture(dir);
    world.register(3);
    second = Registry.open(world.registryDirectory());
  }

  @AfterEach
  void closeWorld() {
    second.close();
    world.close();
  }

  @Test
  void shouldRefuseAPromotionWhileAnotherDeploysSoNoDeployIsOvertaken() throws Exception {
    CountDownLatch deployed = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    Promotions alices =
        world.promotions(
            second, Clock.systemUTC(), deployer -> new HoldAfterDeploy(deployer, deployed, goOn));
    Promotions bobs = world.promotions();

    CompletableFuture<PromotionResult> alice =
        CompletableFuture.supplyAsync(() -> alices.promote(ALICE, DEV, 1, "alice's run"));
    assertThat(deployed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    PromotionResult bob = bobs.promote(BOB, DEV, 2, "bob's run");
    goOn.countDown();
    PromotionResult alicesResult = alice.get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(bob.outcome()).as(bob.message()).isEqualTo(PromotionOutcome.CONFLICT);
    assertThat(bob.outcome().exitCode()).isEqualTo(4);
    assertThat(bob.message())
        .startsWith("a promote of v1 to dev by alice started at ")
        .endsWith(
            "has not finished its health check; try again when it has (autoglm history --env dev)");
    assertThat(alicesResult.outcome()).as(alicesResult.message()).isEqualTo(PromotionOutcome.DONE);
    assertThat(world.registry().state(DEV).verified()).isTrue();
    assertThat(world.deployed(DEV)).contains("v1");
    assertThat(world.history(DEV))
        .extracting(
            HistoryEntry::seq, HistoryEntry::action, HistoryEntry::version, HistoryEntry::actor)
        .containsExactly(
            tuple(1L, Action.PROMOTE, 1, "alice"), tuple(2L, Action.VERIFY, 1, "alice"));
  }

  @Test
  void shouldRefuseAPromotionWhileARollbackDeploys() throws Exception {
    Promotions bobs = world.promotions();
    bobs.promote(BOB, DEV, 1, null);
    bobs.promote(BOB, DEV, 2, null);
    CountDownLatch deployed = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    Promotions alices =
        world.promotions(
            second, Clock.systemUTC(), deployer -> new HoldAfterDeploy(deployer, deployed, goOn));

    CompletableFuture<PromotionResult> alice =
        CompletableFuture.supplyAsync(
            () -> alices.rollback(ALICE, DEV, null, "v2 is worse", Duration.ofSeconds(30)));
    assertThat(deployed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    PromotionResult bob = bobs.promote(BOB, DEV, 3, "v3 fixes it");
    goOn.countDown();
    PromotionResult alicesResult = alice.get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(bob.outcome()).as(bob.message()).isEqualTo(PromotionOutcome.CONFLICT);
    assertThat(bob.message()).startsWith("a rollback of v1 to dev by alice started at ");
    assertThat(alicesResult.outcome()).as(alicesResult.message()).isEqualTo(PromotionOutcome.DONE);
    assertThat(alicesResult.timeToRestore()).isNotNull();
    assertThat(world.deployed(DEV)).contains("v1");
    assertThat(world.history(DEV))
        .extracting(HistoryEntry::action, HistoryEntry::version, HistoryEntry::actor)
        .endsWith(tuple(Action.ROLLBACK, 1, "alice"), tuple(Action.VERIFY, 1, "alice"));
  }

  @Test
  void shouldReportAConflictAndDeployNothingWhenTheEnvironmentMovesBeforeTheWrite()
      throws Exception {
    // the promotion asks its clock for the time between reading the environment and writing to
    // it; holding the clock there opens the window another promotion can land in
    GateClock clock = new GateClock();
    Promotions alices = world.promotions(second, clock, deployer -> deployer);
    Promotions bobs = world.promotions();

    CompletableFuture<PromotionResult> alice =
        CompletableFuture.supplyAsync(() -> alices.promote(ALICE, DEV, 1, "alice's run"));
    assertThat(clock.reached.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    PromotionResult bob = bobs.promote(BOB, DEV, 2, "bob's run");
    clock.open.countDown();
    PromotionResult alicesResult = alice.get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(bob.outcome()).isEqualTo(PromotionOutcome.DONE);
    assertThat(alicesResult.outcome()).isEqualTo(PromotionOutcome.CONFLICT);
    assertThat(alicesResult.message())
        .isEqualTo(
            "dev moved from seq 0 to 2 (2 changes, the latest: verify v2 (passed) by bob) while"
                + " you were working; re-read and retry");
    assertThat(alicesResult.state().version()).isEqualTo(2);
    assertThat(world.deployed(DEV)).contains("v2");
    assertThat(world.log()).doesNotContain("deploying v1 to dev with 1 replicas");
    assertThat(world.history(DEV))
        .extracting(HistoryEntry::seq, HistoryEntry::action, HistoryEntry::actor)
        .containsExactly(tuple(1L, Action.PROMOTE, "bob"), tuple(2L, Action.VERIFY, "bob"));
  }

  /** Deploys, then holds the promotion until the test lets it go on. */
  private record HoldAfterDeploy(Deployer delegate, CountDownLatch deployed, CountDownLatch goOn)
      implements Deployer {
    @Override
    public DeployOutcome deploy(Release release, Duration timeout, DeployListener listener) {
      DeployOutcome outcome = delegate.deploy(release, timeout, listener);
      deployed.countDown();
      try {
        if (!goOn.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
          return DeployOutcome.failed("the test never let the deploy go on", outcome.duration());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return outcome;
    }

    @Override
    public String describe() {
      return delegate.describe();
    }
  }

  /** The system clock, except that its first reading waits until the test opens the gate. */
  private static final class GateClock extends Clock {
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);
    private final AtomicBoolean first = new AtomicBoolean(true);

    @Override
    public Instant instant() {
      if (first.getAndSet(false)) {
        reached.countDown();
        try {
          open.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Instant.now();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
