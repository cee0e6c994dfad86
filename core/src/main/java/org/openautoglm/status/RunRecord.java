package org.openautoglm.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The record of one run: what it is, where it stands, the phases it went through, its ranks and
 * metrics. Immutable; every change returns a new record, and {@link #moveTo} refuses transitions
 * the state machine does not allow.
 *
 * @param id unique, sortable by creation time ({@link RunIds})
 * @param project the project's name
 * @param kind what the run does
 * @param title a line for people ("train 2×2 on dev", "promote v3 to production"); user text
 * @param state where it stands
 * @param actor who started it
 * @param environment the environment it concerns, or {@code null}
 * @param version the model version it produced or deploys, or {@code null}
 * @param parent the run this one continues (a promotion's training run), or {@code null}
 * @param approval the approval request it waits or waited for ({@code env:id}), or {@code null}
 * @param message the last thing it said about its outcome, or {@code null}
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param phases the phases so far, oldest first; the last is the current state's
 * @param ranks the ranks of its training, by rank
 * @param metrics metric name → rank → points
 */
public record RunRecord(
    String id,
    String project,
    RunKind kind,
    String title,
    RunState state,
    String actor,
    String environment,
    Integer version,
    String parent,
    String approval,
    String message,
    Instant createdAt,
    Instant updatedAt,
    List<Phase> phases,
    List<RunRank> ranks,
    Map<String, Map<Integer, List<MetricPoint>>> metrics) {

  public RunRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    phases = phases == null ? List.of() : List.copyOf(phases);
    ranks = ranks == null ? List.of() : List.copyOf(ranks);
    metrics = metrics == null ? Map.of() : copy(metrics);
  }

  /** A new run in {@link RunState#PENDING}. */
  public static RunRecord pending(
      String id, String project, RunKind kind, String title, String actor, Instant at) {
    return new RunRecord(
        id,
        project,
        kind,
        title,
        RunState.PENDING,
        actor,
        null,
        null,
        null,
        null,
        null,
        at,
        at,
        List.of(new Phase(RunState.PENDING, at, null, actor, null)),
        List.of(),
        Map.of());
  }

  /**
   * The run in {@code next}: the current phase ends, a new one starts (and ends at once when {@code
   * next} is final).
   *
   * @throws IllegalTransitionException when the state machine does not allow the move
   */
  public RunRecord moveTo(RunState next, String by, String reason, Instant at) {
    if (!state.canMoveTo(next)) {
      throw new IllegalTransitionException(id, state, next);
    }
    List<Phase> more = new ArrayList<>(phases.size() + 1);
    for (Phase phase : phases) {
      more.add(phase.closedAt(at));
    }
    more.add(new Phase(next, at, next.finished() ? at : null, by, reason));
    return new RunRecord(
        id,
        project,
        kind,
        title,
        next,
        actor,
        environment,
        version,
        parent,
        approval,
        reason != null ? reason : message,
        createdAt,
        at,
        more,
        ranks,
        metrics);
  }

  /** The run with the environment and version it concerns. */
  public RunRecord concerning(String newEnvironment, Integer newVersion) {
    return new RunRecord(
        id,
        project,
        kind,
        title,
        state,
        actor,
        newEnvironment,
        newVersion,
        parent,
        approval,
        message,
        createdAt,
        updatedAt,
        phases,
        ranks,
        metrics);
  }

  /** The run linked to the run it continues. */
  public RunRecord withParent(String newParent) {
    return new RunRecord(
        id,
        project,
        kind,
        title,
        state,
        actor,
        environment,
        version,
        newParent,
        approval,
        message,
        createdAt,
        updatedAt,
        phases,
        ranks,
        metrics);
  }

  /** The run waiting for (or having waited for) an approval request. */
  public RunRecord withApproval(String newApproval, Instant at) {
    return new RunRecord(
        id,
        project,
        kind,
        title,
        state,
        actor,
        environment,
        version,
        parent,
        newApproval,
        message,
        createdAt,
        at,
        phases,
        ranks,
        metrics);
  }

  /** The run with a new outcome message. */
  public RunRecord withMessage(String newMessage, Instant at) {
    return new RunRecord(
        id,
        project,
        kind,
        title,
        state,
        actor,
        environment,
        version,
        parent,
        approval,
        newMessage,
        createdAt,
        at,
        phases,
        ranks,
        metrics);
  }

  /** The run with its ranks' and metrics' latest figures. */
  public RunRecord withTraining(
      List<RunRank> newRanks, Map<String, Map<Integer, List<MetricPoint>>> newMetrics, Instant at) {
    return new RunRecord(
        id,
        project,
        kind,
        title,
        state,
        actor,
        environment,
        version,
        parent,
        approval,
        message,
        createdAt,
        at,
        phases,
        newRanks,
        newMetrics);
  }

  /**
   * Each metric's last value, averaged over the ranks: what a registered version records as its
   * result. Metrics whose last values are not finite (a diverged loss) are left out.
   */
  public Map<String, Double> finalMetrics() {
    Map<String, Double> last = new LinkedHashMap<>();
    metrics.forEach(
        (name, byRank) -> {
          double sum = 0;
          int count = 0;
          for (List<MetricPoint> points : byRank.values()) {
            if (!points.isEmpty()) {
              sum += points.get(points.size() - 1).value();
              count++;
            }
          }
          if (count > 0 && Double.isFinite(sum / count)) {
            last.put(name, sum / count);
          }
        });
    return last;
  }

  /** From creation to its final state, or up to {@code now} while it runs. */
  public Duration duration(Instant now) {
    Instant end = now;
    if (state.finished() && !phases.isEmpty()) {
      // A verified run rolled back later keeps the duration of its own work.
      end = firstFinish();
    }
    return Duration.between(createdAt, end);
  }

  private Instant firstFinish() {
    for (Phase phase : phases) {
      if (phase.state().finished()) {
        return phase.start();
      }
    }
    return updatedAt;
  }

  private static Map<String, Map<Integer, List<MetricPoint>>> copy(
      Map<String, Map<Integer, List<MetricPoint>>> metrics) {
    Map<String, Map<Integer, List<MetricPoint>>> copy = new LinkedHashMap<>();
    metrics.forEach(
        (name, ranks) -> {
          Map<Integer, List<MetricPoint>> byRank = new TreeMap<>();
          ranks.forEach((rank, points) -> byRank.put(rank, List.copyOf(points)));
          copy.put(name, Collections.unmodifiableMap(byRank));
        });
    return Collections.unmodifiableMap(copy);
  }
}
