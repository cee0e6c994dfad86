package org.openautoglm.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.openautoglm.promotion.PromotionListener;
import org.openautoglm.promotion.PromotionOutcome;
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.training.Metric;
import org.openautoglm.training.RankStatus;
import org.openautoglm.training.TrainingListener;
import org.openautoglm.training.TrainingResult;

/**
 * Keeps one run's record up to date while the run works: its phases, its ranks and metrics while it
 * trains, and the outcome of its promotion or rollback. The adapters (CLI commands, Jenkins steps)
 * call it at each step; it writes through the {@link RunStore}, so the dashboard sees the run move
 * while it happens.
 *
 * <p>Metrics arrive many times a second from several ranks; the record is rewritten at most once
 * per {@link #METRIC_FLUSH}, and always when a phase changes.
 */
public final class RunRecorder {
  /** Least time between two writes for metrics alone. */
  public static final Duration METRIC_FLUSH = Duration.ofSeconds(1);

  /** How many of the newest runs {@link #markRolledBack} looks through. */
  static final int RECENT_SCAN = 500;

  /** Draws of a run id before giving up on a free one (each clashes with odds of 1 in 1.7 M). */
  private static final int MAX_ID_ATTEMPTS = 10;

  private final RunStore store;
  private final String id;
  private final Clock clock;
  private final MetricBuffer metrics;
  private volatile List<RunRank> ranks = List.of();
  private Instant lastFlush = Instant.EPOCH;

  private RunRecorder(RunStore store, String id, Clock clock, MetricBuffer metrics) {
    this.store = store;
    this.id = id;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Creates a run in {@link RunState#PENDING} and records it from then on. */
  public static RunRecorder start(
      RunStore store, String project, RunKind kind, String title, String actor, Clock clock) {
    Instant now = clock.instant();
    // Ids of one millisecond differ only in four random characters: on the rare clash, draw again.
    for (int attempt = 1; ; attempt++) {
      String id = RunIds.next(now);
      if (store.find(id).isEmpty() || attempt == MAX_ID_ATTEMPTS) {
        RunRecord run = store.create(RunRecord.pending(id, project, kind, title, actor, now));
        return new RunRecorder(store, run.id(), clock, new MetricBuffer());
      }
    }
  }

  /** Records an existing run again (a resumed Jenkins step). */
  public static RunRecorder resume(RunStore store, String id, Clock clock) {
    RunRecord run = store.find(id).orElseThrow(() -> new IllegalArgumentException("no run " + id));
    RunRecorder recorder = new RunRecorder(store, id, clock, MetricBuffer.of(run.metrics()));
    recorder.ranks = run.ranks();
    return recorder;
  }

  public String id() {
    return id;
  }

  /** The run as stored now. */
  public RunRecord current() {
    return store.find(id).orElseThrow(() -> new IllegalStateException("run " + id + " is gone"));
  }

  /**
   * Moves the run to {@code next}; refused (with {@link IllegalTransitionException}) when the state
   * machine does not allow it.
   */
  public RunRecord moveTo(RunState next, String by, String reason) {
    return store.update(id, run -> withTraining(run).moveTo(next, by, reason, clock.instant()));
  }

  /** Moves the run to {@code next} unless it is there already or cannot get there. */
  public RunRecord moveIfAllowed(RunState next, String by, String reason) {
    return store.update(
        id,
        run ->
            run.state().canMoveTo(next)
                ? withTraining(run).moveTo(next, by, reason, clock.instant())
                : run);
  }

  /** Records the environment and version the run concerns. */
  public RunRecord concerning(String environment, Integer version) {
    return store.update(id, run -> run.concerning(environment, version));
  }

  /** Links the run to the run it continues. */
  public RunRecord parent(String parent) {
    return store.update(id, run -> run.withParent(parent));
  }

  /** Listens to a training run: ranks start running, metrics are collected and flushed. */
  public TrainingListener training(int worldSize, TrainingListener delegate) {
    List<RunRank> running = new ArrayList<>(worldSize);
    for (int rank = 0; rank < worldSize; rank++) {
      running.add(new RunRank(rank, "RUNNING", null, null));
    }
    ranks = running;
    flush(true);
    return new TrainingListener() {
      @Override
      public void log(int rank, String line) {
        delegate.log(rank, line);
      }

      @Override
      public void event(String message) {
        delegate.event(message);
      }

      @Override
      public void metric(Metric metric) {
        delegate.metric(metric);
        metrics.add(metric);
        try {
          flush(false);
        } catch (RunStoreException e) {
          // A launcher thread must not die of a full disk: the metrics stay buffered, the next
          // flush or the end of training writes them.
        }
      }
    };
  }

  /**
   * Records how training ended: every rank's state, the metrics, and {@link RunState#FAILED} or
   * {@link RunState#ABORTED} when it did not succeed. A successful run stays in {@link
   * RunState#TRAINING} for the caller to move on (register, promote, or {@link RunState#VERIFIED}).
   */
  public RunRecord trained(TrainingResult result, String by) {
    List<RunRank> ended = new ArrayList<>();
    for (RankStatus status : result.ranks()) {
      ended.add(RunRank.of(status));
    }
    ranks = ended;
    switch (result.state()) {
      case SUCCEEDED:
        return flush(true);
      case ABORTED:
        return moveTo(RunState.ABORTED, by, "training was stopped");
      default:
        RankStatus first = result.firstFailure();
        String reason =
            first == null
                ? "training failed"
                : "rank " + first.rank() + " failed: " + first.reason();
        return moveTo(RunState.FAILED, by, reason);
    }
  }

  /**
   * Listens to a promotion or rollback: the run moves to {@link RunState#DEPLOYING} when the deploy
   * starts.
   */
  public PromotionListener promotion(String by, PromotionListener delegate) {
    return new PromotionListener() {
      @Override
      public void log(String line) {
        delegate.log(line);
      }

      @Override
      public void deploying(String environment, int version) {
        delegate.deploying(environment, version);
        moveIfAllowed(RunState.DEPLOYING, by, "deploying v" + version + " to " + environment);
      }
    };
  }

  /**
   * Records the outcome of a promotion: waiting for approval (with the request), verified, failed,
   * or rolled back when the failed deploy's automatic rollback restored the environment.
   */
  public RunRecord promoted(PromotionResult result, int version, String by) {
    Instant now = clock.instant();
    return store.update(
        id,
        run -> {
          switch (result.outcome()) {
            case WAITING_FOR_APPROVAL:
              String environment =
                  result.state() != null ? result.state().environment() : run.environment();
              RunRecord waiting = run.withApproval(environment + ":" + result.requestId(), now);
              return waiting.state() == RunState.AWAITING_APPROVAL
                  ? waiting.withMessage(result.message(), now)
                  : waiting.moveTo(RunState.AWAITING_APPROVAL, by, result.message(), now);
            case DONE:
              return run.moveTo(RunState.VERIFIED, by, result.message(), now);
            default:
              // A failed promotion's result has a time to restore only when its automatic
              // rollback restored a verified snapshot, which may be of the same version.
              boolean restored =
                  result.outcome() == PromotionOutcome.FAILED
                      && result.timeToRestore() != null
                      && result.state() != null
                      && result.state().verified();
              return run.moveTo(
                  restored ? RunState.ROLLED_BACK : RunState.FAILED, by, result.message(), now);
          }
        });
  }

  /** Records the outcome of a rollback run: {@link RunState#ROLLED_BACK} when it restored. */
  public RunRecord rolledBack(PromotionResult result, String by) {
    Instant now = clock.instant();
    return store.update(
        id,
        run ->
            run.moveTo(
                result.outcome() == PromotionOutcome.DONE ? RunState.ROLLED_BACK : RunState.FAILED,
                by,
                result.message(),
                now));
  }

  /**
   * Marks the newest verified deploy of {@code version} to {@code environment} among the recent
   * runs as {@link RunState#ROLLED_BACK}: the environment no longer runs what it deployed.
   */
  public static void markRolledBack(
      RunStore store, String environment, int version, String by, String reason, Clock clock) {
    store
        .latest(
            run ->
                run.state() == RunState.VERIFIED
                    && (run.kind() == RunKind.PROMOTION || run.kind() == RunKind.PIPELINE)
                    && environment.equals(run.environment())
                    && run.version() != null
                    && run.version() == version,
            RECENT_SCAN)
        .ifPresent(
            run ->
                store.update(
                    run.id(),
                    current ->
                        current.state() == RunState.VERIFIED
                            ? current.moveTo(RunState.ROLLED_BACK, by, reason, clock.instant())
                            : current));
  }

  private RunRecord withTraining(RunRecord run) {
    return run.withTraining(ranks, metrics.snapshot(), clock.instant());
  }

  private synchronized RunRecord flush(boolean force) {
    Instant now = clock.instant();
    if (!force && Duration.between(lastFlush, now).compareTo(METRIC_FLUSH) < 0) {
      return null;
    }
    lastFlush = now;
    return store.update(id, this::withTraining);
  }
}
