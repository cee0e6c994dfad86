package org.openautoglm.promotion;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openautoglm.deploy.DeployListener;
import org.openautoglm.deploy.DeployOutcome;
import org.openautoglm.deploy.HealthCheck;
import org.openautoglm.deploy.HealthResult;
import org.openautoglm.deploy.Release;
import org.openautoglm.notify.Notification;
import org.openautoglm.notify.NotificationEvent;
import org.openautoglm.notify.Notifier;
import org.openautoglm.policy.Action;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Approval;
import org.openautoglm.policy.Decision;
import org.openautoglm.policy.Policy;
import org.openautoglm.policy.PromotionCheck;
import org.openautoglm.policy.SnapshotRef;
import org.openautoglm.registry.ApprovalRequest;
import org.openautoglm.registry.EnvironmentState;
import org.openautoglm.registry.HistoryEntry;
import org.openautoglm.registry.ModelVersion;
import org.openautoglm.registry.Registry;
import org.openautoglm.registry.RegistryConflictException;
import org.openautoglm.registry.RegistryException;
import org.openautoglm.registry.Snapshot;

/**
 * Promotion and rollback: policy, then approvals, then deploy, then health check, then the verified
 * mark — every step recorded in the registry, every outcome notified.
 *
 * <p>A promotion whose deploy or health check fails rolls back to the environment's last verified
 * snapshot once; the rollback itself never triggers another, and after {@link
 * #MAX_CONSECUTIVE_AUTOMATIC_ROLLBACKS} automatic rollbacks in a row autoglm stops rolling back on
 * its own, so a bad state cannot loop. A rollback has a time budget and records its time to
 * restore; when it cannot restore the environment, the result says exactly where it stands.
 */
public final class Promotions {
  /** Automatic rollbacks in a row after which a failed promotion is left for a person. */
  public static final int MAX_CONSECUTIVE_AUTOMATIC_ROLLBACKS = 3;

  static final String AUTOMATIC = "automatic rollback";

  private final String project;
  private final Registry registry;
  private final Policy policy;
  private final EnvironmentTargets targets;
  private final Notifier notifier;
  private final PromotionListener listener;
  private final Clock clock;

  public Promotions(
      String project,
      Registry registry,
      Policy policy,
      EnvironmentTargets targets,
      Notifier notifier,
      PromotionListener listener,
      Clock clock) {
    this.project = project;
    this.registry = registry;
    this.policy = policy;
    this.targets = targets;
    this.notifier = notifier;
    this.listener = listener;
    this.clock = clock;
  }

  /** Where deploys go, per environment. */
  @FunctionalInterface
  public interface EnvironmentTargets {
    /**
     * The target of an environment.
     *
     * @throws IllegalArgumentException when the project has no such environment
     */
    EnvironmentTarget target(String environment);
  }

  /**
   * Promotes a registered model version to an environment.
   *
   * @throws IllegalArgumentException when the version is not registered or the environment unknown
   */
  public PromotionResult promote(
      Actor actor, String environment, int versionNumber, String reason) {
    EnvironmentTarget target = targets.target(environment);
    ModelVersion version =
        registry
            .version(versionNumber)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "v" + versionNumber + " is not registered; see autoglm register"));
    String image = target.image() != null ? target.image() : version.image();
    // The policy decides on the snapshot's digest before anything is written: a refused
    // promotion leaves no trace in the registry. (State first, then the clock: the decision's
    // time is after what it decided on.)
    EnvironmentState state = registry.state(environment);
    Instant now = clock.instant();
    Snapshot candidate =
        new Snapshot(
            Snapshot.digestOf(
                version.number(),
                version.artifactUri(),
                version.sha256(),
                image,
                version.configDigest(),
                target.parameters()),
            version.number(),
            version.artifactUri(),
            version.sha256(),
            image,
            version.configDigest(),
            target.parameters(),
            actor.user(),
            now);
    SnapshotRef ref = new SnapshotRef(candidate.digest(), "v" + versionNumber);
    PromotionCheck check =
        policy.checkPromotion(
            actor, environment, ref, verifiedIn(candidate), approvals(state, environment), now);
    if (check.outcome() == PromotionCheck.Outcome.DENIED) {
      return PromotionResult.of(PromotionOutcome.DENIED, check.reason(), state);
    }
    Snapshot snapshot =
        registry.snapshot(
            version, version.configDigest(), image, target.parameters(), actor.user());
    switch (check.outcome()) {
      case NEEDS_APPROVAL:
        return requestApproval(actor, environment, snapshot, state, check, reason);
      default:
        break;
    }
    Optional<String> busy = inFlight(environment, target);
    if (busy.isPresent()) {
      return PromotionResult.of(PromotionOutcome.CONFLICT, busy.get(), state);
    }
    listener.log(check.reason());
    String approvalId = openRequest(state, snapshot.digest()).map(ApprovalRequest::id).orElse(null);
    EnvironmentState promoted;
    try {
      promoted =
          registry.promote(environment, state.seq(), snapshot, actor.user(), reason, approvalId);
    } catch (RegistryConflictException e) {
      return PromotionResult.of(
          PromotionOutcome.CONFLICT, e.getMessage(), registry.state(environment));
    }
    listener.log(
        "promoting v"
            + versionNumber
            + " ("
            + shortDigest(snapshot.digest())
            + ") to "
            + environment);
    listener.deploying(environment, versionNumber);
    String failure = deployAndCheck(target, snapshot, target.deployTimeout(), null);
    if (failure == null) {
      EnvironmentState verified;
      try {
        verified =
            registry.verify(
                environment,
                promoted.seq(),
                snapshot.digest(),
                true,
                actor.user(),
                healthSummary(target));
      } catch (RegistryConflictException e) {
        return movedDuringDeploy(environment, snapshot, e);
      }
      notify(NotificationEvent.PROMOTED, environment, snapshot, actor.user(), reason);
      return PromotionResult.of(
          PromotionOutcome.DONE,
          "v" + versionNumber + " is live and verified in " + environment,
          verified);
    }
    EnvironmentState failed;
    try {
      failed =
          registry.verify(
              environment, promoted.seq(), snapshot.digest(), false, actor.user(), failure);
    } catch (RegistryConflictException e) {
      return movedDuringDeploy(environment, snapshot, e);
    }
    notify(NotificationEvent.FAILED, environment, snapshot, actor.user(), failure);
    return automaticRollback(actor, environment, target, failed, versionNumber, failure);
  }

  private PromotionResult automaticRollback(
      Actor actor,
      String environment,
      EnvironmentTarget target,
      EnvironmentState failed,
      int versionNumber,
      String failure) {
    String prefix = "v" + versionNumber + " failed in " + environment + ": " + failure;
    if (!target.automaticRollback()) {
      return PromotionResult.of(
          PromotionOutcome.FAILED,
          prefix
              + "; automatic rollback is off, so "
              + environment
              + " runs v"
              + versionNumber
              + " unverified — roll back with autoglm rollback",
          failed);
    }
    Optional<String> back = failed.rollbackTarget();
    if (back.isEmpty()) {
      return PromotionResult.of(
          PromotionOutcome.FAILED,
          prefix
              + "; there is no earlier verified snapshot to roll back to, so "
              + environment
              + " runs v"
              + versionNumber
              + " unverified",
          failed);
    }
    int inARow = consecutiveAutomaticRollbacks(environment);
    if (inARow >= MAX_CONSECUTIVE_AUTOMATIC_ROLLBACKS) {
      return PromotionResult.of(
          PromotionOutcome.FAILED,
          prefix
              + "; "
              + inARow
              + " automatic rollbacks in a row already, so autoglm does not"
              + " roll back again on its own — investigate, then run autoglm rollback",
          failed);
    }
    PromotionResult rollback =
        restore(actor, environment, target, failed, back.get(), AUTOMATIC + " after: " + failure);
    return new PromotionResult(
        PromotionOutcome.FAILED,
        prefix + "; " + rollback.message(),
        rollback.state(),
        null,
        rollback.timeToRestore());
  }

  /**
   * Rolls an environment back to a verified snapshot.
   *
   * @param to a snapshot digest or unique prefix, or {@code null} for the last verified one
   * @param timeout the time budget, deploy and health check included
   */
  public PromotionResult rollback(
      Actor actor, String environment, String to, String reason, Duration timeout) {
    EnvironmentTarget target = targets.target(environment);
    Decision decision = policy.decide(actor, Action.ROLLBACK, environment);
    EnvironmentState state = registry.state(environment);
    if (!decision.allowed()) {
      return PromotionResult.of(PromotionOutcome.DENIED, decision.reason(), state);
    }
    String digest = rollbackDigest(environment, state, to);
    EnvironmentTarget budgeted =
        new EnvironmentTarget(
            target.name(),
            target.deployer(),
            target.health(),
            target.deployTimeout(),
            timeout,
            target.image(),
            target.parameters(),
            target.automaticRollback());
    Optional<String> busy = inFlight(environment, target);
    if (busy.isPresent()) {
      return PromotionResult.of(PromotionOutcome.CONFLICT, busy.get(), state);
    }
    return restore(actor, environment, budgeted, state, digest, reason);
  }

  /**
   * The snapshot a rollback of {@code environment} would restore, checked as {@link #rollback}
   * checks it, without deploying anything: so that a caller can refuse a rollback that cannot
   * happen before it records one.
   *
   * @param to a snapshot digest or unique prefix, or {@code null} for the last verified one
   * @throws IllegalArgumentException when the project has no such environment, there is nothing to
   *     roll back to, or {@code to} is not a snapshot verified there other than the current one
   */
  public String rollbackTarget(String environment, String to) {
    targets.target(environment);
    return rollbackDigest(environment, registry.state(environment), to);
  }

  private String rollbackDigest(String environment, EnvironmentState state, String to) {
    if (to == null) {
      Optional<String> back = state.rollbackTarget();
      if (back.isEmpty()) {
        throw new IllegalArgumentException(
            environment + " has no verified snapshot other than the current one to roll back to");
      }
      return back.get();
    }
    Optional<Snapshot> found;
    try {
      found = registry.snapshotByDigest(to);
    } catch (RegistryException e) {
      // not a digest, too short or ambiguous: the person's input, not the registry, is wrong
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Snapshot named =
        found.orElseThrow(
            () -> new IllegalArgumentException("no snapshot " + to + " in the registry"));
    if (!state.lastVerified().contains(named.digest())) {
      throw new IllegalArgumentException(
          "snapshot "
              + shortDigest(named.digest())
              + " (v"
              + named.version()
              + ") was never verified in "
              + environment
              + "; roll back only to a snapshot that passed its health check there");
    }
    if (named.digest().equals(state.snapshot())) {
      throw new IllegalArgumentException(
          environment
              + (state.verified() ? " runs " : " is recorded at ")
              + shortDigest(named.digest())
              + " (v"
              + named.version()
              + ") already"
              + (state.verified()
                  ? "; nothing to roll back"
                  : ", not verified; to deploy and check it again, promote v" + named.version()));
    }
    return named.digest();
  }

  /** Rolls back to {@code digest} within the target's rollback budget; records time to restore. */
  private PromotionResult restore(
      Actor actor,
      String environment,
      EnvironmentTarget target,
      EnvironmentState state,
      String digest,
      String reason) {
    Snapshot snapshot =
        registry
            .snapshotByDigest(digest)
            .orElseThrow(() -> new IllegalStateException("snapshot " + digest + " is missing"));
    Instant started = clock.instant();
    EnvironmentState rolled;
    try {
      rolled = registry.rollback(environment, state.seq(), digest, actor.user(), reason);
    } catch (RegistryConflictException e) {
      return PromotionResult.of(
          PromotionOutcome.CONFLICT, e.getMessage(), registry.state(environment));
    }
    listener.log(
        "rolling "
            + environment
            + " back to v"
            + snapshot.version()
            + " ("
            + shortDigest(digest)
            + ")");
    listener.deploying(environment, snapshot.version());
    Duration budget = target.rollbackTimeout();
    String failure = deployAndCheck(target, snapshot, budget, started.plus(budget));
    Duration elapsed = Duration.between(started, clock.instant());
    if (failure == null) {
      EnvironmentState verified;
      try {
        verified =
            registry.verify(
                environment,
                rolled.seq(),
                digest,
                true,
                actor.user(),
                "restored in " + seconds(elapsed) + " (" + healthSummary(target) + ")");
      } catch (RegistryConflictException e) {
        return movedDuringDeploy(environment, snapshot, e);
      }
      notify(NotificationEvent.ROLLED_BACK, environment, snapshot, actor.user(), reason);
      return new PromotionResult(
          PromotionOutcome.DONE,
          "rolled back to v"
              + snapshot.version()
              + " in "
              + seconds(elapsed)
              + "; "
              + environment
              + " is verified",
          verified,
          null,
          elapsed);
    }
    EnvironmentState unverified;
    try {
      unverified = registry.verify(environment, rolled.seq(), digest, false, actor.user(), failure);
    } catch (RegistryConflictException e) {
      return movedDuringDeploy(environment, snapshot, e);
    }
    notify(
        NotificationEvent.FAILED,
        environment,
        snapshot,
        actor.user(),
        "rollback failed: " + failure);
    return PromotionResult.of(
        PromotionOutcome.FAILED,
        "the rollback to v"
            + snapshot.version()
            + " failed: "
            + failure
            + "; "
            + environment
            + " is recorded at v"
            + snapshot.version()
            + " ("
            + shortDigest(digest)
            + "), not verified — fix the environment by hand, then run autoglm rollback again",
        unverified);
  }

  /**
   * Approves an open request.
   *
   * @throws IllegalArgumentException when there is no such open request
   */
  public PromotionResult approve(Actor actor, String environment, String requestId, String reason) {
    EnvironmentState state = registry.state(environment);
    ApprovalRequest request = request(state, requestId);
    Decision decision = policy.checkApproval(actor, environment, request.requester());
    if (!decision.allowed()) {
      return PromotionResult.of(PromotionOutcome.DENIED, decision.reason(), state);
    }
    requirePending(request, environment, "approved");
    if (request.approvers().contains(actor.user())) {
      return PromotionResult.of(
          PromotionOutcome.DENIED,
          actor.user()
              + " has approved request "
              + requestId
              + " already; it needs another approver",
          state);
    }
    try {
      EnvironmentState approved =
          registry.approve(environment, state.seq(), requestId, actor.user(), reason);
      return new PromotionResult(
          PromotionOutcome.DONE,
          actor.user()
              + " approved v"
              + request.version()
              + " for "
              + environment
              + "; the requester can now promote it",
          approved,
          requestId,
          null);
    } catch (RegistryConflictException e) {
      return PromotionResult.of(
          PromotionOutcome.CONFLICT, e.getMessage(), registry.state(environment));
    }
  }

  /**
   * Rejects an open request.
   *
   * @throws IllegalArgumentException when there is no such open request
   */
  public PromotionResult reject(Actor actor, String environment, String requestId, String reason) {
    EnvironmentState state = registry.state(environment);
    ApprovalRequest request = request(state, requestId);
    Decision decision = policy.checkApproval(actor, environment, request.requester());
    if (!decision.allowed()) {
      return PromotionResult.of(PromotionOutcome.DENIED, decision.reason(), state);
    }
    requirePending(request, environment, "rejected");
    try {
      return PromotionResult.of(
          PromotionOutcome.DONE,
          actor.user() + " rejected v" + request.version() + " for " + environment,
          registry.reject(environment, state.seq(), requestId, actor.user(), reason));
    } catch (RegistryConflictException e) {
      return PromotionResult.of(
          PromotionOutcome.CONFLICT, e.getMessage(), registry.state(environment));
    }
  }

  private PromotionResult requestApproval(
      Actor actor,
      String environment,
      Snapshot snapshot,
      EnvironmentState state,
      PromotionCheck check,
      String reason) {
    Optional<ApprovalRequest> open = openRequest(state, snapshot.digest());
    if (open.isPresent()) {
      return new PromotionResult(
          PromotionOutcome.WAITING_FOR_APPROVAL,
          check.reason() + " (request " + open.get().id() + " is open)",
          state,
          open.get().id(),
          null);
    }
    try {
      EnvironmentState requested =
          registry.requestApproval(
              environment, state.seq(), snapshot, check.approvalsMissing(), actor.user(), reason);
      ApprovalRequest request = openRequest(requested, snapshot.digest()).orElseThrow();
      notify(NotificationEvent.APPROVAL_REQUESTED, environment, snapshot, actor.user(), reason);
      return new PromotionResult(
          PromotionOutcome.WAITING_FOR_APPROVAL,
          check.reason() + "; approval requested (request " + request.id() + ")",
          requested,
          request.id(),
          null);
    } catch (RegistryConflictException e) {
      return PromotionResult.of(
          PromotionOutcome.CONFLICT, e.getMessage(), registry.state(environment));
    }
  }

  /**
   * Someone else wrote to the environment while this call deployed {@code snapshot}: its health
   * check cannot be recorded any more (it would be for a state that is gone), so the result says
   * what was deployed and where the registry now stands.
   */
  private PromotionResult movedDuringDeploy(
      String environment, Snapshot snapshot, RegistryConflictException e) {
    EnvironmentState now = registry.state(environment);
    String stands =
        now.snapshot() == null
            ? environment + " has nothing recorded"
            : environment
                + " is recorded at v"
                + now.version()
                + " ("
                + shortDigest(now.snapshot())
                + "), "
                + (now.verified() ? "verified" : "not verified");
    return PromotionResult.of(
        PromotionOutcome.CONFLICT,
        "v"
            + snapshot.version()
            + " was deployed to "
            + environment
            + ", but its health check was not recorded: "
            + e.getMessage()
            + "; "
            + stands,
        now);
  }

  /**
   * A deploy of this environment that has started and not yet recorded its health check holds the
   * environment: deploying over it could leave the older deploy finishing last, serving one version
   * while the registry verifies another. A deploy whose process died does not hold it forever: it
   * counts as abandoned once its deploy and health-check budgets (and a minute) have passed.
   *
   * @return why the environment is busy, or empty
   */
  private Optional<String> inFlight(String environment, EnvironmentTarget target) {
    List<HistoryEntry> last = registry.history(environment, 1, 0);
    if (last.isEmpty()) {
      return Optional.empty();
    }
    HistoryEntry entry = last.get(0);
    if (entry.action() != HistoryEntry.Action.PROMOTE
        && entry.action() != HistoryEntry.Action.ROLLBACK) {
      return Optional.empty();
    }
    Duration budget =
        target
            .deployTimeout()
            .plus(target.rollbackTimeout())
            .plus(target.health() == null ? Duration.ZERO : target.health().timeout())
            .plus(Duration.ofMinutes(1));
    if (entry.at().plus(budget).isBefore(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(
        "a "
            + entry.action().name().toLowerCase(java.util.Locale.ROOT)
            + " of v"
            + entry.version()
            + " to "
            + environment
            + " by "
            + entry.actor()
            + " started at "
            + entry.at()
            + " and has not finished its health check; try again when it has (autoglm history"
            + " --env "
            + environment
            + ")");
  }

  /** Deploys and checks health; {@code null} when both passed, else what went wrong. */
  private String deployAndCheck(
      EnvironmentTarget target, Snapshot snapshot, Duration timeout, Instant deadline) {
    Release release =
        new Release(
            target.name(),
            snapshot.digest(),
            snapshot.version(),
            snapshot.artifactUri(),
            snapshot.image(),
            snapshot.deployParameters());
    DeployListener log = listener::log;
    DeployOutcome deployed = target.deployer().deploy(release, timeout, log);
    if (!deployed.success()) {
      return "deploy failed: " + deployed.message();
    }
    HealthCheck health = target.health();
    if (health == null) {
      return null;
    }
    if (deadline != null) {
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative() || left.isZero()) {
        return "the time budget of " + seconds(timeout) + " ran out before the health check";
      }
      if (left.compareTo(health.timeout()) < 0) {
        health = health.withTimeout(left);
      }
    }
    HealthResult result = health.check(log);
    return result.healthy() ? null : "health check failed: " + result.message();
  }

  private static String healthSummary(EnvironmentTarget target) {
    return target.health() == null
        ? "deployed; no health check configured"
        : "health check passed: GET " + target.health().url();
  }

  /**
   * The environments where the snapshot's model passed its health check. Each environment deploys a
   * model with its own image and parameters (replicas, endpoint), so the snapshots of one model
   * differ between environments; the order rules ask whether this model version was verified there,
   * so a snapshot of the same version and artifact counts.
   */
  private Set<String> verifiedIn(Snapshot snapshot) {
    Set<String> environments = new HashSet<>();
    Map<String, Boolean> sameModel = new HashMap<>();
    for (String environment : registry.environments()) {
      for (String digest : registry.state(environment).lastVerified()) {
        if (digest.equals(snapshot.digest())
            || sameModel.computeIfAbsent(digest, d -> ofSameModel(d, snapshot))) {
          environments.add(environment);
          break;
        }
      }
    }
    return environments;
  }

  private boolean ofSameModel(String digest, Snapshot snapshot) {
    return registry
        .snapshotByDigest(digest)
        .filter(
            other ->
                other.version() == snapshot.version()
                    && other.sha256().equals(snapshot.sha256())
                    && other.artifactUri().equals(snapshot.artifactUri()))
        .isPresent();
  }

  private static List<Approval> approvals(EnvironmentState state, String environment) {
    List<Approval> approvals = new ArrayList<>();
    for (ApprovalRequest request : state.approvals()) {
      if (request.state() != ApprovalRequest.State.OPEN
          && request.state() != ApprovalRequest.State.APPROVED) {
        continue;
      }
      for (ApprovalRequest.Approval approval : request.approvals()) {
        approvals.add(
            new Approval(
                Actor.of(approval.user()),
                environment,
                request.snapshot(),
                "v" + request.version(),
                approval.at()));
      }
    }
    return approvals;
  }

  private static Optional<ApprovalRequest> openRequest(EnvironmentState state, String digest) {
    return state.approvals().stream()
        .filter(r -> r.snapshot().equals(digest))
        .filter(
            r ->
                r.state() == ApprovalRequest.State.OPEN
                    || r.state() == ApprovalRequest.State.APPROVED)
        .findFirst();
  }

  private static ApprovalRequest request(EnvironmentState state, String requestId) {
    return state.approvals().stream()
        .filter(r -> r.id().equals(requestId))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no approval request "
                        + requestId
                        + " in "
                        + state.environment()
                        + "; see autoglm history --env "
                        + state.environment()));
  }

  /** Only a pending request can still be approved or rejected; the registry would refuse. */
  private static void requirePending(ApprovalRequest request, String environment, String verb) {
    if (request.pending()) {
      return;
    }
    String was =
        switch (request.state()) {
          case REJECTED -> "rejected";
          case EXPIRED -> "expired (a newer request superseded it)";
          default -> "used by a promotion already";
        };
    throw new IllegalArgumentException(
        "approval request "
            + request.id()
            + " in "
            + environment
            + " is "
            + was
            + "; it cannot be "
            + verb);
  }

  /**
   * Automatic rollbacks since the last successful promotion or manual rollback, newest first: a
   * promotion verified by its health check, or a person rolling back, ends the streak.
   */
  private int consecutiveAutomaticRollbacks(String environment) {
    int count = 0;
    for (HistoryEntry entry : registry.history(environment, 50, 0)) {
      boolean promotionVerified =
          entry.action() == HistoryEntry.Action.VERIFY
              && entry.verified()
              && entry.reason() != null
              && !entry.reason().startsWith("restored in");
      boolean automatic =
          entry.action() == HistoryEntry.Action.ROLLBACK
              && entry.reason() != null
              && entry.reason().startsWith(AUTOMATIC);
      if (promotionVerified || (entry.action() == HistoryEntry.Action.ROLLBACK && !automatic)) {
        break;
      }
      if (automatic) {
        count++;
      }
    }
    return count;
  }

  private void notify(
      NotificationEvent event, String environment, Snapshot snapshot, String actor, String reason) {
    notifier.send(
        new Notification(
            event,
            project,
            environment,
            snapshot.version(),
            snapshot.digest(),
            actor,
            reason,
            clock.instant()));
  }

  static String shortDigest(String digest) {
    return digest.length() > 19 ? digest.substring(0, 19) : digest;
  }

  private static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }
}
