package org.openautoglm.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openautoglm.status.RunState.ABORTED;
import static org.openautoglm.status.RunState.AWAITING_APPROVAL;
import static org.openautoglm.status.RunState.DEPLOYING;
import static org.openautoglm.status.RunState.FAILED;
import static org.openautoglm.status.RunState.PENDING;
import static org.openautoglm.status.RunState.ROLLED_BACK;
import static org.openautoglm.status.RunState.TRAINING;
import static org.openautoglm.status.RunState.VALIDATING;
import static org.openautoglm.status.RunState.VERIFIED;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The run state machine, every pair of states against the documented rules. */
class RunStateTest {

  /**
   * Every allowed move, written out by hand from the documented rules: forward along PENDING →
   * VALIDATING → TRAINING → AWAITING_APPROVAL → DEPLOYING → VERIFIED (skipping allowed), FAILED or
   * ABORTED from any unfinished state, ROLLED_BACK only from DEPLOYING or VERIFIED, VERIFIED only
   * to ROLLED_BACK, nothing out of FAILED, ABORTED, ROLLED_BACK.
   */
  private static final Set<String> ALLOWED =
      Set.of(
          "PENDING>VALIDATING",
          "PENDING>TRAINING",
          "PENDING>AWAITING_APPROVAL",
          "PENDING>DEPLOYING",
          "PENDING>VERIFIED",
          "PENDING>FAILED",
          "PENDING>ABORTED",
          "VALIDATING>TRAINING",
          "VALIDATING>AWAITING_APPROVAL",
          "VALIDATING>DEPLOYING",
          "VALIDATING>VERIFIED",
          "VALIDATING>FAILED",
          "VALIDATING>ABORTED",
          "TRAINING>AWAITING_APPROVAL",
          "TRAINING>DEPLOYING",
          "TRAINING>VERIFIED",
          "TRAINING>FAILED",
          "TRAINING>ABORTED",
          "AWAITING_APPROVAL>DEPLOYING",
          "AWAITING_APPROVAL>VERIFIED",
          "AWAITING_APPROVAL>FAILED",
          "AWAITING_APPROVAL>ABORTED",
          "DEPLOYING>VERIFIED",
          "DEPLOYING>FAILED",
          "DEPLOYING>ABORTED",
          "DEPLOYING>ROLLED_BACK",
          "VERIFIED>ROLLED_BACK");

  static Stream<Arguments> everyPair() {
    List<Arguments> pairs = new ArrayList<>();
    for (RunState from : RunState.values()) {
      for (RunState to : RunState.values()) {
        pairs.add(Arguments.of(from, to, ALLOWED.contains(from + ">" + to)));
      }
    }
    return pairs.stream();
  }

  @Test
  void shouldListNineStatesAndTwentySevenMoves() {
    assertThat(RunState.values()).hasSize(9);
    assertThat(everyPair()).hasSize(81);
    assertThat(ALLOWED).hasSize(27);
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @MethodSource("everyPair")
  void shouldAllowExactlyTheDocumentedMoves(RunState from, RunState to, boolean allowed) {
    assertThat(from.canMoveTo(to)).isEqualTo(allowed);
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @MethodSource("everyPair")
  void shouldApplyTheTableWhenARecordMoves(RunState from, RunState to, boolean allowed) {
    Instant at = StatusFixtures.T0;
    RunRecord run = inState(from, at);
    Instant later = at.plusSeconds(60);
    if (allowed) {
      RunRecord moved = run.moveTo(to, "alice", "because", later);
      assertThat(moved.state()).isEqualTo(to);
      assertThat(moved.phases()).last().extracting(Phase::state).isEqualTo(to);
      assertThat(moved.updatedAt()).isEqualTo(later);
    } else {
      assertThatThrownBy(() -> run.moveTo(to, "alice", "because", later))
          .isInstanceOfSatisfying(
              IllegalTransitionException.class,
              e -> {
                assertThat(e.from()).isEqualTo(from);
                assertThat(e.to()).isEqualTo(to);
                assertThat(e).hasMessageContaining("run " + run.id() + " is " + from);
                assertThat(e).hasMessageEndingWith("cannot become " + to);
              });
    }
  }

  @Test
  void shouldNeverMoveToTheStateItIsIn() {
    for (RunState state : RunState.values()) {
      assertThat(state.canMoveTo(state)).as(state.name()).isFalse();
    }
  }

  @Test
  void shouldCallOnlyTheFourEndStatesFinished() {
    assertThat(EnumSet.allOf(RunState.class).stream().filter(RunState::finished))
        .containsExactlyInAnyOrder(VERIFIED, FAILED, ABORTED, ROLLED_BACK);
  }

  @Test
  void shouldCallOnlyTheFailingEndStatesUnsuccessful() {
    assertThat(EnumSet.allOf(RunState.class).stream().filter(RunState::unsuccessful))
        .containsExactlyInAnyOrder(FAILED, ABORTED, ROLLED_BACK);
  }

  @ParameterizedTest
  @EnumSource(RunState.class)
  void shouldWriteTheUpperCaseNameAndReadItInAnyCase(RunState state) {
    assertThat(state.json()).isEqualTo(state.name());
    assertThat(RunState.fromJson(state.json())).isEqualTo(state);
    assertThat(RunState.fromJson(state.name().toLowerCase(java.util.Locale.ROOT))).isEqualTo(state);
  }

  @Test
  void shouldRefuseAnUnknownStateName() {
    assertThatIllegalArgumentException().isThrownBy(() -> RunState.fromJson("RUNNING"));
  }

  @Test
  void shouldWriteKindsInLowerCase() {
    assertThat(RunKind.PROMOTION.json()).isEqualTo("promotion");
    assertThat(RunKind.fromJson("rollback")).isEqualTo(RunKind.ROLLBACK);
    assertThat(RunKind.fromJson("PIPELINE")).isEqualTo(RunKind.PIPELINE);
  }

  /**
   * A record in {@code state}, reached by the shortest legal path (built without {@link
   * RunState#canMoveTo}'s help so that a wrong table cannot hide its own error).
   */
  private static RunRecord inState(RunState state, Instant at) {
    RunRecord pending = StatusFixtures.pending(at);
    List<Phase> phases = new ArrayList<>();
    phases.add(new Phase(PENDING, at, state == PENDING ? null : at, "bob", null));
    if (state == ROLLED_BACK) {
      phases.add(new Phase(DEPLOYING, at, at, "bob", null));
    }
    if (state != PENDING) {
      phases.add(new Phase(state, at, state.finished() ? at : null, "bob", null));
    }
    return new RunRecord(
        pending.id(),
        pending.project(),
        pending.kind(),
        pending.title(),
        state,
        pending.actor(),
        null,
        null,
        null,
        null,
        null,
        at,
        at,
        phases,
        List.of(),
        null);
  }

  @Test
  void shouldKeepTheChainInItsDocumentedOrder() {
    // canMoveTo's forward rule relies on the declaration order; pin it.
    assertThat(RunState.values())
        .startsWith(PENDING, VALIDATING, TRAINING, AWAITING_APPROVAL, DEPLOYING, VERIFIED);
  }
}
