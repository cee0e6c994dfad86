package org.openautoglm.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.openautoglm.status.StatusFixtures.T0;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.promotion.PromotionListener;
import org.openautoglm.promotion.PromotionOutcome;
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.registry.EnvironmentState;
import org.openautoglm.status.StatusFixtures.MutableClock;
import org.openautoglm.training.Metric;
import org.openautoglm.training.RankState;
import org.openautoglm.training.RankStatus;
import org.openautoglm.training.TrainingListener;
import org.openautoglm.training.TrainingResult;
import org.openautoglm.training.TrainingState;

/**
 * The recorder against results made up by the test; {@link RunRecorderPromotionTest} drives it with
 * real promotions.
 */
class RunRecorderTest {
  private static final String V1 = "sha256:" + "1".repeat(64);
  private static final String V2 = "sha256:" + "2".repeat(64);

  @TempDir Path dir;

  private MutableClock clock;
  private RunStore store;
  private final List<String> heard = new CopyOnWriteArrayList<>();

  @BeforeEach
  void openStore() {
    clock = new MutableClock(T0);
    store = RunStore.open(dir.resolve("runs"));
  }

  private RunRecorder start(RunKind kind) {
    return RunRecorder.start(store, "sentiment", kind, "a run", "bob", clock);
  }

  @Test
  void shouldCreateAPendingRunAtTheClocksTime() {
    RunRecorder recorder = start(RunKind.TRAINING);

    RunRecord run = store.find(recorder.id()).orElseThrow();
    assertThat(RunIds.valid(recorder.id())).isTrue();
    assertThat(recorder.id()).startsWith("20261204-182349-");
    assertThat(run.state()).isEqualTo(RunState.PENDING);
    assertThat(run.createdAt()).isEqualTo(T0);
    assertThat(run.project()).isEqualTo("sentiment");
    assertThat(run.title()).isEqualTo("a run");
    assertThat(run.actor()).isEqualTo("bob");
    assertThat(recorder.current()).isEqualTo(run);
  }

  @Test
  void shouldRecordWhatTheRunConcernsAndContinues() {
    RunRecorder recorder = start(RunKind.PROMOTION);

    recorder.concerning("production", 4);
    recorder.parent("20261204-120000-abc123");

    RunRecord run = recorder.current();
    assertThat(run.environment()).isEqualTo("production");
    assertThat(run.version()).isEqualTo(4);
    assertThat(run.parent()).isEqualTo("20261204-120000-abc123");
  }

  @Test
  void shouldWriteRunningRanksAsSoonAsTrainingStartsAndPassEverythingOn() {
    RunRecorder recorder = start(RunKind.TRAINING);
    recorder.moveTo(RunState.TRAINING, "bob", "training 3 ranks");

    TrainingListener listener = recorder.training(3, delegate());

    assertThat(recorder.current().ranks())
        .containsExactly(
            new RunRank(0, "RUNNING", null, null),
            new RunRank(1, "RUNNING", null, null),
            new RunRank(2, "RUNNING", null, null));
    listener.log(1, "epoch 1");
    listener.event("starting rank 2");
    listener.metric(new Metric("loss", 1, 0.5, 0, 0));
    assertThat(heard)
        .containsExactly("log 1 epoch 1", "event starting rank 2", "metric loss 1 0.5");
  }

  @Test
  void shouldWriteMetricsAtMostOncePerSecond() {
    RunRecorder recorder = start(RunKind.TRAINING);
    recorder.moveTo(RunState.TRAINING, "bob", null);
    TrainingListener listener = recorder.training(2, delegate());

    listener.metric(new Metric("loss", 1, 1.0, 0, 0));
    listener.metric(new Metric("loss", 1, 1.2, 1, 0));
    assertThat(recorder.current().metrics()).as("flushed when training started").isEmpty();

    clock.advance(Duration.ofMillis(999));
    listener.metric(new Metric("loss", 2, 0.8, 0, 0));
    assertThat(recorder.current().metrics()).as("999 ms after the last write").isEmpty();

    clock.advance(Duration.ofMillis(1));
    listener.metric(new Metric("loss", 2, 0.9, 1, 0));
    RunRecord flushed = recorder.current();
    assertThat(flushed.metrics().get("loss").get(0))
        .containsExactly(new MetricPoint(1, 1.0), new MetricPoint(2, 0.8));
    assertThat(flushed.metrics().get("loss").get(1))
        .containsExactly(new MetricPoint(1, 1.2), new MetricPoint(2, 0.9));
    assertThat(flushed.updatedAt()).isEqualTo(T0.plusSeconds(1));

    clock.advance(Duration.ofMillis(500));
    for (int step = 3; step < 50; step++) {
      listener.metric(new Metric("loss", step, 0.5, 0, 0));
    }
    assertThat(recorder.current()).as("no write half a second later").isEqualTo(flushed);

    clock.advance(Duration.ofMillis(500));
    listener.metric(new Metric("loss", 50, 0.4, 0, 0));
    assertThat(recorder.current().metrics().get("loss").get(0)).hasSize(50);
    assertThat(recorder.current().updatedAt()).isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void shouldWriteTheLatestMetricsWithEveryPhaseChange() {
    RunRecorder recorder = start(RunKind.TRAINING);
    recorder.moveTo(RunState.TRAINING, "bob", null);
    TrainingListener listener = recorder.training(1, TrainingListenerNone.INSTANCE);
    listener.metric(new Metric("loss", 7, 0.25, 0, 0));
    assertThat(recorder.current().metrics()).isEmpty();

    RunRecord moved = recorder.moveTo(RunState.VERIFIED, "bob", "all ranks succeeded");

    assertThat(moved.metrics().get("loss").get(0)).containsExactly(new MetricPoint(7, 0.25));
    assertThat(recorder.current()).isEqualTo(moved);
  }

  @Test
  void shouldStayTrainingWithEveryRanksEndWhenTrainingSucceeded() {
    RunRecorder recorder = start(RunKind.TRAINING);
    recorder.moveTo(RunState.TRAINING, "bob", null);
    TrainingListener listener = recorder.training(2, TrainingListenerNone.INSTANCE);
    listener.metric(new Metric("loss", 1, 0.5, 1, 0));

    RunRecord run =
        recorder.trained(
            result(
                TrainingState.SUCCEEDED,
                null,
                new RankStatus(0, RankState.SUCCEEDED, 0, null),
                new RankStatus(1, RankState.SUCCEEDED, 0, null)),
            "bob");

    assertThat(run.state()).isEqualTo(RunState.TRAINING);
    assertThat(run.ranks())
        .containsExactly(
            new RunRank(0, "SUCCEEDED", 0, null), new RunRank(1, "SUCCEEDED", 0, null));
    assertThat(run.metrics().get("loss").get(1)).containsExactly(new MetricPoint(1, 0.5));
    assertThat(recorder.current()).isEqualTo(run);
  }

  @Test
  void shouldFailNamingTheFirstRankThatFailed() {
    RunRecorder recorder = start(RunKind.TRAINING);
    recorder.moveTo(RunState.TRAINING, "bob", null);
    recorder.training(2, TrainingListenerNone.INSTANCE);
    clock.advance(Duration.ofSeconds(30));
    RankStatus failed = new RankStatus(1, RankState.FAILED, 3, "exited with code 3");

    RunRecord run =
        recorder.trained(
            result(
                TrainingState.FAILED,
                failed,
                new RankStatus(0, RankState.STOPPED, 143, "stopped after rank 1 failed"),
                failed),
            "jenkins");

    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(run.message()).isEqualTo("rank 1 failed: exited with code 3");
    assertThat(run.phases())
        .last()
        .extracting(Phase::state, Phase::actor, Phase::reason, Phase::start, Phase::end)
        .containsExactly(
            RunState.FAILED,
            "jenkins",
            "rank 1 failed: exited with code 3",
            T0.plusSeconds(30),
            T0.plusSeconds(30));
    assertThat(run.ranks())
        .containsExactly(
            new RunRank(0, "STOPPED", 143, "stopped after rank 1 failed"),
            new RunRank(1, "FAILED", 3, "exited with code 3"));
    assertThat(recorder.current()).isEqualTo(run);
  }

  @Test
  void shouldSayTrainingFailedWhenNoRankIsNamed() {
    RunRecorder recorder = start(RunKind.TRAINING);
    recorder.moveTo(RunState.TRAINING, "bob", null);

    RunRecord run = recorder.trained(result(TrainingState.FAILED, null), "bob");

    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(run.message()).isEqualTo("training failed");
  }

  @Test
  void shouldAbortWhenTrainingWasStopped() {
    RunRecorder recorder = start(RunKind.TRAINING);
    recorder.moveTo(RunState.TRAINING, "bob", null);

    RunRecord run =
        recorder.trained(
            result(TrainingState.ABORTED, null, new RankStatus(0, RankState.STOPPED, null, "stop")),
            "alice");

    assertThat(run.state()).isEqualTo(RunState.ABORTED);
    assertThat(run.message()).isEqualTo("training was stopped");
    assertThat(run.phases()).last().extracting(Phase::actor).isEqualTo("alice");
    assertThat(run.ranks()).containsExactly(new RunRank(0, "STOPPED", null, "stop"));
  }

  @Test
  void shouldRefuseAnIllegalMoveAndWriteNothing() throws IOException {
    RunRecorder recorder = start(RunKind.TRAINING);
    recorder.moveTo(RunState.FAILED, "bob", "bad config");
    Path file = store.directory().resolve(recorder.id() + ".json");
    byte[] before = Files.readAllBytes(file);

    assertThatThrownBy(() -> recorder.moveTo(RunState.TRAINING, "bob", "again"))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining(recorder.id());
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void shouldMoveOnlyWhereAllowedWithMoveIfAllowed() {
    RunRecorder recorder = start(RunKind.PROMOTION);
    RunRecord deploying = recorder.moveIfAllowed(RunState.DEPLOYING, "bob", "deploying");
    assertThat(deploying.state()).isEqualTo(RunState.DEPLOYING);

    clock.advance(Duration.ofSeconds(5));
    RunRecord again = recorder.moveIfAllowed(RunState.DEPLOYING, "bob", "deploying again");
    assertThat(again).isEqualTo(deploying);

    recorder.moveTo(RunState.FAILED, "bob", "broken");
    RunRecord failed = recorder.current();
    assertThat(recorder.moveIfAllowed(RunState.DEPLOYING, "bob", "x")).isEqualTo(failed);
  }

  @Test
  void shouldResumeARunWithItsRanksAndMetrics() {
    RunRecorder first = start(RunKind.TRAINING);
    first.moveTo(RunState.TRAINING, "bob", null);
    TrainingListener listener = first.training(2, TrainingListenerNone.INSTANCE);
    clock.advance(Duration.ofSeconds(1));
    listener.metric(new Metric("loss", 1, 0.5, 0, 0));

    RunRecorder resumed = RunRecorder.resume(store, first.id(), clock);
    assertThat(resumed.id()).isEqualTo(first.id());
    RunRecord run = resumed.moveTo(RunState.VERIFIED, "jenkins", "done");

    assertThat(run.ranks()).hasSize(2).allSatisfy(r -> assertThat(r.state()).isEqualTo("RUNNING"));
    assertThat(run.metrics().get("loss").get(0)).containsExactly(new MetricPoint(1, 0.5));
  }

  @Test
  void shouldRefuseToResumeAnUnknownRun() {
    String id = RunIds.next(T0);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> RunRecorder.resume(store, id, clock))
        .withMessage("no run " + id);
  }

  @Test
  void shouldSayWhenItsRunIsGone() throws IOException {
    RunRecorder recorder = start(RunKind.TRAINING);
    Files.delete(store.directory().resolve(recorder.id() + ".json"));

    assertThatThrownBy(recorder::current)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("run " + recorder.id() + " is gone");
  }

  @Test
  void shouldMoveToDeployingWhenTheDeployStartsAndPassEverythingOn() {
    RunRecorder recorder = start(RunKind.PROMOTION);
    PromotionListener listener = recorder.promotion("alice", promotionDelegate());
    clock.advance(Duration.ofSeconds(2));

    listener.log("promoting v3");
    listener.deploying("dev", 3);
    RunRecord deploying = recorder.current();
    clock.advance(Duration.ofSeconds(2));
    listener.deploying("dev", 2);

    assertThat(heard).containsExactly("log promoting v3", "deploying dev 3", "deploying dev 2");
    assertThat(deploying.state()).isEqualTo(RunState.DEPLOYING);
    assertThat(deploying.phases())
        .last()
        .extracting(Phase::actor, Phase::reason, Phase::start)
        .containsExactly("alice", "deploying v3 to dev", T0.plusSeconds(2));
    assertThat(recorder.current())
        .as("a second deploy (the rollback's) keeps the run deploying")
        .isEqualTo(deploying);
  }

  @Test
  void shouldBeVerifiedWhenThePromotionIsDone() {
    RunRecorder recorder = deploying("dev", 2);

    RunRecord run =
        recorder.promoted(
            new PromotionResult(
                PromotionOutcome.DONE,
                "v2 is live and verified in dev",
                state(V2, 2, true),
                null,
                null),
            2,
            "bob");

    assertThat(run.state()).isEqualTo(RunState.VERIFIED);
    assertThat(run.message()).isEqualTo("v2 is live and verified in dev");
    assertThat(run.phases())
        .extracting(Phase::state)
        .containsExactly(RunState.PENDING, RunState.DEPLOYING, RunState.VERIFIED);
  }

  @Test
  void shouldFailWhenThePromotionIsDenied() {
    RunRecorder recorder = start(RunKind.PROMOTION);
    recorder.concerning("production", 2);

    RunRecord run =
        recorder.promoted(
            new PromotionResult(
                PromotionOutcome.DENIED,
                "bob may not promote to production",
                state(V1, 1, true),
                null,
                null),
            2,
            "bob");

    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(run.message()).isEqualTo("bob may not promote to production");
  }

  @Test
  void shouldFailOnAConflict() {
    RunRecorder recorder = start(RunKind.PROMOTION);

    RunRecord run =
        recorder.promoted(
            new PromotionResult(
                PromotionOutcome.CONFLICT,
                "a promote of v1 started",
                state(V1, 1, true),
                null,
                null),
            2,
            "bob");

    assertThat(run.state()).isEqualTo(RunState.FAILED);
  }

  @Test
  void shouldAwaitApprovalWithTheGlobalRequestIdAndStayWhenToldAgain() {
    RunRecorder recorder = start(RunKind.PROMOTION);
    recorder.concerning("production", 2);

    RunRecord waiting =
        recorder.promoted(
            new PromotionResult(
                PromotionOutcome.WAITING_FOR_APPROVAL,
                "needs 1 approval; approval requested (request 7)",
                stateIn("production", V1, 1, true),
                "7",
                null),
            2,
            "alice");
    clock.advance(Duration.ofMinutes(3));
    RunRecord again =
        recorder.promoted(
            new PromotionResult(
                PromotionOutcome.WAITING_FOR_APPROVAL,
                "needs 1 approval (request 7 is open)",
                stateIn("production", V1, 1, true),
                "7",
                null),
            2,
            "alice");

    assertThat(waiting.state()).isEqualTo(RunState.AWAITING_APPROVAL);
    assertThat(waiting.approval()).isEqualTo("production:7");
    assertThat(waiting.message()).isEqualTo("needs 1 approval; approval requested (request 7)");
    assertThat(waiting.phases()).last().extracting(Phase::actor).isEqualTo("alice");
    assertThat(again.state()).isEqualTo(RunState.AWAITING_APPROVAL);
    assertThat(again.approval()).isEqualTo("production:7");
    assertThat(again.message()).isEqualTo("needs 1 approval (request 7 is open)");
    assertThat(again.phases()).isEqualTo(waiting.phases());
    assertThat(again.updatedAt()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
  }

  @Test
  void shouldBeRolledBackWhenTheAutomaticRollbackRestoredAnOlderVerifiedVersion() {
    RunRecorder recorder = deploying("dev", 2);

    RunRecord run =
        recorder.promoted(
            new PromotionResult(
                PromotionOutcome.FAILED,
                "v2 failed in dev: deploy failed; rolled back to v1 in 2.0 s; dev is verified",
                state(V1, 1, true),
                null,
                Duration.ofSeconds(2)),
            2,
            "bob");

    assertThat(run.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(run.message()).startsWith("v2 failed in dev: deploy failed; rolled back to v1");
    assertThat(run.phases())
        .extracting(Phase::state)
        .containsExactly(RunState.PENDING, RunState.DEPLOYING, RunState.ROLLED_BACK);
  }

  @Test
  void shouldFailWhenNoRollbackRestoredTheEnvironment() {
    // no earlier verified snapshot: the failed version stays, unverified
    assertThat(promotedFailed(state(V2, 2, false))).isEqualTo(RunState.FAILED);
    // the rollback failed too: the older version is recorded, not verified
    assertThat(promotedFailed(state(V1, 1, false))).isEqualTo(RunState.FAILED);
    // nothing was ever deployed there
    assertThat(promotedFailed(EnvironmentState.empty("dev"))).isEqualTo(RunState.FAILED);
    assertThat(promotedFailed(null)).isEqualTo(RunState.FAILED);
  }

  private RunState promotedFailed(EnvironmentState after) {
    RunRecorder recorder = deploying("dev", 2);
    return recorder
        .promoted(
            new PromotionResult(PromotionOutcome.FAILED, "v2 failed", after, null, null), 2, "bob")
        .state();
  }

  @Test
  void shouldRecordTheOutcomeOfARollbackRun() {
    RunRecorder restored = deploying("dev", 1);
    RunRecord rolledBack =
        restored.rolledBack(
            new PromotionResult(
                PromotionOutcome.DONE,
                "rolled back to v1 in 1.2 s; dev is verified",
                state(V1, 1, true),
                null,
                Duration.ofMillis(1200)),
            "alice");
    assertThat(rolledBack.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(rolledBack.message()).isEqualTo("rolled back to v1 in 1.2 s; dev is verified");
    assertThat(rolledBack.phases()).last().extracting(Phase::actor).isEqualTo("alice");

    RunRecorder broken = deploying("dev", 1);
    assertThat(
            broken
                .rolledBack(
                    new PromotionResult(
                        PromotionOutcome.FAILED,
                        "the rollback to v1 failed",
                        state(V1, 1, false),
                        null,
                        null),
                    "alice")
                .state())
        .isEqualTo(RunState.FAILED);

    RunRecorder refused = start(RunKind.ROLLBACK);
    RunRecord denied =
        refused.rolledBack(
            new PromotionResult(
                PromotionOutcome.DENIED,
                "gus may not roll back dev",
                state(V2, 2, true),
                null,
                null),
            "gus");
    assertThat(denied.state()).isEqualTo(RunState.FAILED);
    assertThat(denied.message()).isEqualTo("gus may not roll back dev");
  }

  private RunRecorder deploying(String environment, int version) {
    RunRecorder recorder = start(RunKind.PROMOTION);
    recorder.concerning(environment, version);
    recorder.promotion("bob", PromotionListener.NONE).deploying(environment, version);
    assertThat(recorder.current().state()).isEqualTo(RunState.DEPLOYING);
    return recorder;
  }

  private static EnvironmentState state(String digest, int version, boolean verified) {
    return stateIn("dev", digest, version, verified);
  }

  /** The state of the environment the result is about: the approval id is named after it. */
  private static EnvironmentState stateIn(
      String environment, String digest, int version, boolean verified) {
    return new EnvironmentState(
        environment,
        6,
        digest,
        version,
        Instant.parse("2026-12-04T10:00:00Z"),
        "bob",
        verified,
        verified ? List.of(digest) : List.of(),
        List.of());
  }

  private static TrainingResult result(
      TrainingState state, RankStatus firstFailure, RankStatus... ranks) {
    return new TrainingResult(state, List.of(ranks), Map.of(), firstFailure, 1);
  }

  private TrainingListener delegate() {
    return new TrainingListener() {
      @Override
      public void log(int rank, String line) {
        heard.add("log " + rank + " " + line);
      }

      @Override
      public void event(String message) {
        heard.add("event " + message);
      }

      @Override
      public void metric(Metric metric) {
        heard.add("metric " + metric.name() + " " + metric.step() + " " + metric.value());
      }
    };
  }

  private PromotionListener promotionDelegate() {
    return new PromotionListener() {
      @Override
      public void log(String line) {
        heard.add("log " + line);
      }

      @Override
      public void deploying(String environment, int version) {
        heard.add("deploying " + environment + " " + version);
      }
    };
  }

  /** A training listener that ignores everything. */
  enum TrainingListenerNone implements TrainingListener {
    INSTANCE;

    @Override
    public void log(int rank, String line) {}
  }

  @Test
  void shouldListRanksInOrderOfTheirNumbers() {
    RunRecorder recorder = start(RunKind.TRAINING);
    recorder.training(0, TrainingListenerNone.INSTANCE);
    assertThat(recorder.current().ranks()).isEmpty();
    recorder.training(2, TrainingListenerNone.INSTANCE);
    assertThat(recorder.current().ranks())
        .extracting(RunRank::rank, RunRank::state)
        .containsExactly(tuple(0, "RUNNING"), tuple(1, "RUNNING"));
  }
}
