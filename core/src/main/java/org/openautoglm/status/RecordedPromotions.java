package org.openautoglm.status;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.openautoglm.policy.Action;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Decision;
import org.openautoglm.policy.Policy;
import org.openautoglm.promotion.PromotionListener;
import org.openautoglm.promotion.PromotionOutcome;
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.promotion.Promotions;
import org.openautoglm.registry.EnvironmentState;
import org.openautoglm.registry.ModelVersion;
import org.openautoglm.registry.Registry;

/**
 * Promotions and rollbacks that leave a run record: each is a run the dashboard lists, with its
 * phases and outcome, linked to the training run of the version it deploys. The CLI commands, the
 * {@code ui} server's Rollback button and the Jenkins steps all go through here, so a rollback
 * looks the same whoever pressed it.
 */
public final class RecordedPromotions {
  private final String project;
  private final Registry registry;
  private final Policy policy;
  private final RunStore store;
  private final Function<PromotionListener, Promotions> promotions;
  private final PromotionListener log;
  private final Clock clock;

  /**
   * @param promotions makes the promotion service with the given listener (the run's, which passes
   *     everything on to {@code log})
   */
  public RecordedPromotions(
      String project,
      Registry registry,
      Policy policy,
      RunStore store,
      Function<PromotionListener, Promotions> promotions,
      PromotionListener log,
      Clock clock) {
    this.project = project;
    this.registry = registry;
    this.policy = policy;
    this.store = store;
    this.promotions = promotions;
    this.log = log;
    this.clock = clock;
  }

  /**
   * Opens a promotion run; pass it to {@link #promote} once or, while it waits, again. When a run
   * for the same version and environment is waiting for approval already (someone promoted, was
   * told to wait, and promotes again once approved), that run goes on instead of a new one, so it
   * does not wait forever in the run list.
   *
   * @throws IllegalArgumentException when the version is not registered (no run is opened)
   */
  public RunRecorder startPromotion(Actor actor, String environment, int version) {
    ModelVersion registered =
        registry
            .version(version)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "v" + version + " is not registered; see autoglm register"));
    Optional<RunRecord> waiting =
        store.latest(
            run ->
                run.kind() == RunKind.PROMOTION
                    && run.state() == RunState.AWAITING_APPROVAL
                    && environment.equals(run.environment())
                    && Integer.valueOf(version).equals(run.version()),
            RunRecorder.RECENT_SCAN);
    if (waiting.isPresent()) {
      return RunRecorder.resume(store, waiting.get().id(), clock);
    }
    RunRecorder run =
        RunRecorder.start(
            store,
            project,
            RunKind.PROMOTION,
            "promote v" + version + " to " + environment,
            actor.user(),
            clock);
    run.concerning(environment, version);
    if (RunIds.valid(registered.trainingRunId())) {
      run.parent(registered.trainingRunId());
    }
    return run;
  }

  /**
   * Promotes and records the outcome in {@code run}. A failure that is not an outcome (an unknown
   * version or environment, a broken registry) fails the run and is rethrown.
   */
  public PromotionResult promote(
      RunRecorder run, Actor actor, String environment, int version, String reason) {
    try {
      PromotionResult result =
          promotions
              .apply(run.promotion(actor.user(), log))
              .promote(actor, environment, version, reason);
      run.promoted(result, version, actor.user());
      return result;
    } catch (RuntimeException e) {
      failQuietly(run, actor, e);
      throw e;
    }
  }

  /**
   * Rolls an environment back as a run of its own; when it restores, the run that deployed what was
   * replaced becomes {@link RunState#ROLLED_BACK}.
   *
   * <p>Someone without the right to roll back gets {@link PromotionOutcome#DENIED} and leaves no
   * run behind (the {@link Recorded#run()} is {@code null}): a refusal is not a run, and a
   * read-only user cannot fill the run list. Nor does a rollback with nothing to roll back to, or
   * to a snapshot it cannot restore: that throws {@link IllegalArgumentException} before any run.
   *
   * @param to a snapshot digest or prefix, or {@code null} for the last verified one
   */
  public Recorded rollback(
      Actor actor, String environment, String to, String reason, Duration timeout) {
    EnvironmentState before = registry.state(environment);
    Decision decision = policy.decide(actor, Action.ROLLBACK, environment);
    if (!decision.allowed()) {
      return new Recorded(
          null,
          new PromotionResult(PromotionOutcome.DENIED, decision.reason(), before, null, null));
    }
    // Nothing to roll back to, or a snapshot that cannot be restored, is refused like a denial:
    // nothing happens, so no run is left behind (IllegalArgumentException, as from rollback).
    promotions.apply(PromotionListener.NONE).rollbackTarget(environment, to);
    RunRecorder run =
        RunRecorder.start(
            store, project, RunKind.ROLLBACK, "roll back " + environment, actor.user(), clock);
    run.concerning(environment, before.version());
    try {
      PromotionResult result =
          promotions
              .apply(run.promotion(actor.user(), log))
              .rollback(actor, environment, to, reason, timeout);
      if (result.outcome() == PromotionOutcome.DONE && result.state() != null) {
        run.concerning(environment, result.state().version());
        if (before.version() != null && !before.version().equals(result.state().version())) {
          RunRecorder.markRolledBack(
              store,
              environment,
              before.version(),
              actor.user(),
              "rolled back by " + actor.user() + (reason == null ? "" : ": " + reason),
              clock);
        }
      }
      return new Recorded(run.rolledBack(result, actor.user()), result);
    } catch (RuntimeException e) {
      failQuietly(run, actor, e);
      throw e;
    }
  }

  /** A result and the run that recorded it ({@code null} when refused before it started). */
  public record Recorded(RunRecord run, PromotionResult result) {}

  private static void failQuietly(RunRecorder run, Actor actor, RuntimeException e) {
    try {
      run.moveIfAllowed(RunState.FAILED, actor.user(), e.getMessage());
    } catch (RuntimeException suppressed) {
      e.addSuppressed(suppressed);
    }
  }
}
