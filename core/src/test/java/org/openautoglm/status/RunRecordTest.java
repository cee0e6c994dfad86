package org.openautoglm.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.openautoglm.status.StatusFixtures.T0;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run record's moves, phases and duration. */
class RunRecordTest {
  private static final Instant T1 = T0.plusSeconds(10);
  private static final Instant T2 = T0.plusSeconds(25);
  private static final Instant T3 = T0.plusSeconds(70);
  private static final Instant LATER = T0.plusSeconds(3_600);

  @Test
  void shouldStartPendingWithOneOpenPhase() {
    RunRecord run = StatusFixtures.pending(T0);

    assertThat(run.state()).isEqualTo(RunState.PENDING);
    assertThat(run.createdAt()).isEqualTo(T0);
    assertThat(run.updatedAt()).isEqualTo(T0);
    assertThat(run.actor()).isEqualTo("bob");
    assertThat(run.phases()).containsExactly(new Phase(RunState.PENDING, T0, null, "bob", null));
    assertThat(run.ranks()).isEmpty();
    assertThat(run.metrics()).isEmpty();
    assertThat(run.environment()).isNull();
    assertThat(run.version()).isNull();
    assertThat(run.message()).isNull();
  }

  @Test
  void shouldCloseTheCurrentPhaseAndOpenTheNextWithItsActorAndReason() {
    RunRecord run =
        StatusFixtures.pending(T0)
            .moveTo(RunState.VALIDATING, "ci", "checking configs", T1)
            .moveTo(RunState.TRAINING, "jenkins", "configs are valid", T2);

    assertThat(run.state()).isEqualTo(RunState.TRAINING);
    assertThat(run.updatedAt()).isEqualTo(T2);
    assertThat(run.actor()).as("who started the run does not change").isEqualTo("bob");
    assertThat(run.message()).isEqualTo("configs are valid");
    assertThat(run.phases())
        .extracting(Phase::state, Phase::start, Phase::end, Phase::actor, Phase::reason)
        .containsExactly(
            tuple(RunState.PENDING, T0, T1, "bob", null),
            tuple(RunState.VALIDATING, T1, T2, "ci", "checking configs"),
            tuple(RunState.TRAINING, T2, null, "jenkins", "configs are valid"));
  }

  @Test
  void shouldKeepTheLastMessageWhenAMoveGivesNoReason() {
    RunRecord run =
        StatusFixtures.pending(T0)
            .moveTo(RunState.VALIDATING, "ci", "checking configs", T1)
            .moveTo(RunState.TRAINING, "ci", null, T2);

    assertThat(run.message()).isEqualTo("checking configs");
    assertThat(run.phases()).last().extracting(Phase::reason).isNull();
  }

  @Test
  void shouldEndAFinalStatesPhaseWhenItStarts() {
    RunRecord run =
        StatusFixtures.pending(T0)
            .moveTo(RunState.TRAINING, "ci", null, T1)
            .moveTo(RunState.FAILED, "ci", "rank 1 failed: exit code 3", T2);

    assertThat(run.phases())
        .extracting(Phase::state, Phase::start, Phase::end)
        .containsExactly(
            tuple(RunState.PENDING, T0, T1),
            tuple(RunState.TRAINING, T1, T2),
            tuple(RunState.FAILED, T2, T2));
    assertThat(run.phases()).allSatisfy(phase -> assertThat(phase.end()).isNotNull());
    assertThat(run.phases().get(2).duration(LATER)).isZero();
  }

  @Test
  void shouldKeepTheVerifiedPhaseEndWhenAVerifiedRunIsRolledBackLater() {
    RunRecord verified =
        StatusFixtures.pending(T0)
            .moveTo(RunState.DEPLOYING, "bob", "deploying v3 to dev", T1)
            .moveTo(RunState.VERIFIED, "bob", "v3 is live", T2);
    RunRecord rolledBack = verified.moveTo(RunState.ROLLED_BACK, "alice", "rolled back", T3);

    assertThat(rolledBack.phases())
        .extracting(Phase::state, Phase::start, Phase::end, Phase::actor)
        .containsExactly(
            tuple(RunState.PENDING, T0, T1, "bob"),
            tuple(RunState.DEPLOYING, T1, T2, "bob"),
            tuple(RunState.VERIFIED, T2, T2, "bob"),
            tuple(RunState.ROLLED_BACK, T3, T3, "alice"));
  }

  @Test
  void shouldRefuseAnIllegalMoveNamingTheRunAndBothStatesAndChangeNothing() {
    RunRecord failed =
        StatusFixtures.pending(T0).moveTo(RunState.FAILED, "ci", "configs are invalid", T1);
    RunRecord copy = copyOf(failed);

    assertThatThrownBy(() -> failed.moveTo(RunState.TRAINING, "ci", "retry", T2))
        .isInstanceOf(IllegalTransitionException.class)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("run " + failed.id() + " is FAILED (finished) and cannot become TRAINING");
    assertThat(failed).isEqualTo(copy);
    assertThat(failed.updatedAt()).isEqualTo(T1);
    assertThat(failed.phases()).hasSize(2);
  }

  @Test
  void shouldNotCallAnUnfinishedStateFinishedInTheMessage() {
    RunRecord training = StatusFixtures.pending(T0).moveTo(RunState.TRAINING, "ci", null, T1);

    assertThatThrownBy(() -> training.moveTo(RunState.VALIDATING, "ci", null, T2))
        .isInstanceOfSatisfying(
            IllegalTransitionException.class,
            e -> {
              assertThat(e)
                  .hasMessage("run " + training.id() + " is TRAINING and cannot become VALIDATING");
              assertThat(e.from()).isEqualTo(RunState.TRAINING);
              assertThat(e.to()).isEqualTo(RunState.VALIDATING);
            });
    assertThatThrownBy(() -> training.moveTo(RunState.ROLLED_BACK, "ci", null, T2))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessage("run " + training.id() + " is TRAINING and cannot become ROLLED_BACK");
  }

  @Test
  void shouldMeasureARunningRunUpToNow() {
    RunRecord run = StatusFixtures.pending(T0).moveTo(RunState.TRAINING, "ci", null, T1);

    assertThat(run.duration(T2)).isEqualTo(Duration.between(T0, T2));
    assertThat(run.duration(LATER)).isEqualTo(Duration.between(T0, LATER));
  }

  @Test
  void shouldMeasureAFinishedRunUpToItsEndWhateverTheTime() {
    RunRecord run =
        StatusFixtures.pending(T0)
            .moveTo(RunState.TRAINING, "ci", null, T1)
            .moveTo(RunState.ABORTED, "ci", "training was stopped", T2);

    assertThat(run.duration(T3)).isEqualTo(Duration.between(T0, T2));
    assertThat(run.duration(LATER)).isEqualTo(Duration.between(T0, T2));
  }

  @Test
  void shouldMeasureAVerifiedThenRolledBackRunUpToItsVerification() {
    RunRecord run =
        StatusFixtures.pending(T0)
            .moveTo(RunState.DEPLOYING, "bob", null, T1)
            .moveTo(RunState.VERIFIED, "bob", null, T2)
            .moveTo(RunState.ROLLED_BACK, "alice", "bad answers", T3);

    assertThat(run.updatedAt()).isEqualTo(T3);
    assertThat(run.duration(LATER)).isEqualTo(Duration.between(T0, T2));
  }

  @Test
  void shouldMeasureARunRolledBackDuringItsDeployUpToTheRollback() {
    RunRecord run =
        StatusFixtures.pending(T0)
            .moveTo(RunState.DEPLOYING, "bob", null, T1)
            .moveTo(RunState.ROLLED_BACK, "bob", "rolled back to v2", T3);

    assertThat(run.duration(LATER)).isEqualTo(Duration.between(T0, T3));
  }

  @Test
  void shouldChangeOnlyTheNamedFieldInEachWither() {
    RunRecord run = StatusFixtures.pending(T0);

    RunRecord concerning = run.concerning("production", 7);
    assertThat(concerning.environment()).isEqualTo("production");
    assertThat(concerning.version()).isEqualTo(7);
    assertThat(concerning.updatedAt()).isEqualTo(T0);
    assertThat(withoutEnvironment(concerning)).isEqualTo(run);

    RunRecord parented = run.withParent("20261204-120000-abc123");
    assertThat(parented.parent()).isEqualTo("20261204-120000-abc123");
    assertThat(parented.state()).isEqualTo(RunState.PENDING);

    RunRecord waiting = run.withApproval("production:12", T1);
    assertThat(waiting.approval()).isEqualTo("production:12");
    assertThat(waiting.updatedAt()).isEqualTo(T1);
    assertThat(waiting.phases()).isEqualTo(run.phases());

    RunRecord said = run.withMessage("queued behind another deploy", T2);
    assertThat(said.message()).isEqualTo("queued behind another deploy");
    assertThat(said.updatedAt()).isEqualTo(T2);
    assertThat(said.state()).isEqualTo(RunState.PENDING);

    RunRecord trained =
        run.withTraining(
            List.of(new RunRank(0, "RUNNING", null, null)),
            Map.of("loss", Map.of(0, List.of(new MetricPoint(1, 0.5)))),
            T3);
    assertThat(trained.ranks()).containsExactly(new RunRank(0, "RUNNING", null, null));
    assertThat(trained.metrics().get("loss").get(0)).containsExactly(new MetricPoint(1, 0.5));
    assertThat(trained.updatedAt()).isEqualTo(T3);
    assertThat(trained.phases()).isEqualTo(run.phases());
  }

  @Test
  void shouldCopyWhatItIsGivenSoThatLaterChangesDoNotLeakIn() {
    List<MetricPoint> points = new ArrayList<>(List.of(new MetricPoint(0, 1.0)));
    Map<Integer, List<MetricPoint>> byRank = new HashMap<>(Map.of(0, points));
    Map<String, Map<Integer, List<MetricPoint>>> metrics = new HashMap<>(Map.of("loss", byRank));
    List<RunRank> ranks = new ArrayList<>(List.of(new RunRank(0, "RUNNING", null, null)));

    RunRecord run = StatusFixtures.pending(T0).withTraining(ranks, metrics, T1);
    points.add(new MetricPoint(1, 0.5));
    byRank.put(1, List.of());
    metrics.put("accuracy", Map.of());
    ranks.clear();

    assertThat(run.metrics()).containsOnlyKeys("loss");
    assertThat(run.metrics().get("loss")).containsOnlyKeys(0);
    assertThat(run.metrics().get("loss").get(0)).containsExactly(new MetricPoint(0, 1.0));
    assertThat(run.ranks()).hasSize(1);
    assertThatThrownBy(() -> run.metrics().put("x", Map.of()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> run.metrics().get("loss").put(5, List.of()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> run.phases().add(null))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldTreatMissingListsAsEmptyAndRequireIdKindStateAndCreation() {
    RunRecord run =
        new RunRecord(
            "20261204-182349-000001",
            null,
            RunKind.PIPELINE,
            null,
            RunState.PENDING,
            null,
            null,
            null,
            null,
            null,
            null,
            T0,
            null,
            null,
            null,
            null);
    assertThat(run.phases()).isEmpty();
    assertThat(run.ranks()).isEmpty();
    assertThat(run.metrics()).isEmpty();
    // a finished run whose phases do not show its end measures up to its last update
    RunRecord finishedWithoutFinalPhase =
        new RunRecord(
            "20261204-182349-000001",
            null,
            RunKind.PIPELINE,
            null,
            RunState.FAILED,
            null,
            null,
            null,
            null,
            null,
            null,
            T0,
            T2,
            List.of(new Phase(RunState.PENDING, T0, T1, null, null)),
            null,
            null);
    assertThat(finishedWithoutFinalPhase.duration(LATER)).isEqualTo(Duration.between(T0, T2));

    assertThatNullPointerException().isThrownBy(() -> withId(null)).withMessage("id");
    assertThatNullPointerException()
        .isThrownBy(
            () ->
                new RunRecord(
                    "x",
                    null,
                    null,
                    null,
                    RunState.PENDING,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    T0,
                    T0,
                    null,
                    null,
                    null))
        .withMessage("kind");
    assertThatNullPointerException()
        .isThrownBy(
            () ->
                new RunRecord(
                    "x",
                    null,
                    RunKind.TRAINING,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    T0,
                    T0,
                    null,
                    null,
                    null))
        .withMessage("state");
    assertThatNullPointerException()
        .isThrownBy(
            () ->
                new RunRecord(
                    "x",
                    null,
                    RunKind.TRAINING,
                    null,
                    RunState.PENDING,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    T0,
                    null,
                    null,
                    null))
        .withMessage("createdAt");
  }

  private static RunRecord withId(String id) {
    return new RunRecord(
        id,
        null,
        RunKind.TRAINING,
        null,
        RunState.PENDING,
        null,
        null,
        null,
        null,
        null,
        null,
        T0,
        T0,
        null,
        null,
        null);
  }

  private static RunRecord withoutEnvironment(RunRecord run) {
    return run.concerning(null, null);
  }

  private static RunRecord copyOf(RunRecord run) {
    return new RunRecord(
        run.id(),
        run.project(),
        run.kind(),
        run.title(),
        run.state(),
        run.actor(),
        run.environment(),
        run.version(),
        run.parent(),
        run.approval(),
        run.message(),
        run.createdAt(),
        run.updatedAt(),
        new ArrayList<>(run.phases()),
        new ArrayList<>(run.ranks()),
        new HashMap<>(run.metrics()));
  }

  @Test
  void shouldGiveEachMetricsLastValueAveragedOverTheRanksAndLeaveOutDivergedOnes() {
    RunRecord run =
        StatusFixtures.pending(T0)
            .withTraining(
                List.of(),
                Map.of(
                    "loss",
                    Map.of(
                        0, List.of(new MetricPoint(1, 0.9), new MetricPoint(2, 0.4)),
                        1, List.of(new MetricPoint(1, 0.8), new MetricPoint(2, 0.2))),
                    "grad_norm",
                    Map.of(0, List.of(new MetricPoint(1, 1.0), new MetricPoint(2, Double.NaN))),
                    "empty",
                    Map.of(0, List.of())),
                T1);

    assertThat(run.finalMetrics())
        .containsOnlyKeys("loss")
        .hasEntrySatisfying("loss", value -> assertThat(value).isCloseTo(0.3, within(1e-12)));
  }
}
