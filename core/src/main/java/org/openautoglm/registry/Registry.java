package org.openautoglm.registry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The model registry: model versions, snapshots and the history of every environment, kept as
 * commits in a Git repository.
 *
 * <p>Each environment's history is a chain of commits on its own ref, moved compare-and-swap: a
 * write names the seq it was based on ({@link EnvironmentState#seq()}), and if the environment has
 * moved on since, nothing is written and the writer gets a {@link RegistryConflictException} naming
 * the change. So two people promoting at once never lose an update, within one process, across
 * processes, and across machines sharing a {@linkplain RegistryRemote remote}.
 *
 * <p>Layout (all under {@code refs/autoglm/}, so the repository can be shared with other content):
 *
 * <ul>
 *   <li>{@code refs/autoglm/versions}: tree {@code state.json} (highest number), {@code
 *       versions/<n/1000>/<n>.json}
 *   <li>{@code refs/autoglm/snapshots}: tree {@code snapshots/<hex[0..2]>/<hex>.json}
 *   <li>{@code refs/autoglm/env/<environment>}: one commit per history entry, tree {@code
 *       entry.json} (the entry) and {@code state.json} (the state after it); author and committer
 *       are the actor at the entry's time, the message is a readable audit line
 * </ul>
 *
 * <p>A registry is safe for use by many threads. Close it to release the repository.
 */
public final class Registry implements AutoCloseable {
  /** Where every registry ref lives. */
  public static final String REF_ROOT = "refs/autoglm/";

  private final GitStore store;
  private final RemoteSync remote;
  private final Clock clock;
  private final VersionCatalog catalog;
  private final SnapshotStore snapshots;
  private final EnvironmentHistory environments;
  private final EnvironmentActions actions;

  private Registry(GitStore store, RegistryOptions options) {
    this.store = store;
    this.clock = options.clock();
    this.remote = options.remote() == null ? null : new RemoteSync(store, options.remote());
    RefWriter writer = new RefWriter(store, remote);
    this.catalog = new VersionCatalog(store, writer, this::now);
    this.snapshots = new SnapshotStore(store, writer, this::now);
    this.environments = new EnvironmentHistory(store, writer, this::now);
    this.actions = new EnvironmentActions(snapshots, this::now);
  }

  /**
   * Opens the local registry at {@code directory} (a bare Git repository, usually {@code
   * .autoglm/registry.git}), creating it if it does not exist.
   */
  public static Registry open(Path directory) {
    return open(directory, RegistryOptions.defaults());
  }

  /** Opens the registry at {@code directory} with options (a remote, the stale lock age). */
  public static Registry open(Path directory, RegistryOptions options) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(options, "options");
    return new Registry(
        GitStore.open(directory, options.staleLockAfter(), options.notices()), options);
  }

  /** The local bare repository. */
  public Path directory() {
    return store.directory();
  }

  // ---- model versions ----

  /**
   * Registers a model version and returns it with its number: one more than the highest so far.
   * Registrations at the same time get different numbers.
   *
   * @param draft the version; its number is ignored, a missing {@code createdAt} is now
   * @throws RegistryException if the artifact URI, its sha256 or the user is missing or malformed
   */
  public ModelVersion register(ModelVersion draft) {
    return catalog.register(draft);
  }

  /** The model version with that number. */
  public Optional<ModelVersion> version(int number) {
    return catalog.version(number);
  }

  /** All model versions, oldest first. */
  public List<ModelVersion> versions() {
    return catalog.versions();
  }

  /**
   * The newest {@code count} model versions, oldest first. Reads only those, so the dashboard's
   * trend costs the same with ten versions as with ten thousand.
   */
  public List<ModelVersion> latestVersions(int count) {
    return catalog.latest(count);
  }

  // ---- snapshots ----

  /**
   * Stores the deployable tuple of a registered model version, attributed to the version's creator;
   * see {@link #snapshot(ModelVersion, String, String, Map, String)}.
   */
  public Snapshot snapshot(
      ModelVersion version,
      String configDigest,
      String image,
      Map<String, String> deployParameters) {
    return snapshot(
        version,
        configDigest,
        image,
        deployParameters,
        version == null ? null : version.createdBy());
  }

  /**
   * Stores the deployable tuple of a registered model version and returns it. Idempotent: the same
   * tuple gives the same snapshot, as first stored.
   *
   * @param configDigest digest of the config rendered for the environment, or {@code null}
   * @param image the serving image
   * @param deployParameters deployer settings
   * @param actor who creates it
   */
  public Snapshot snapshot(
      ModelVersion version,
      String configDigest,
      String image,
      Map<String, String> deployParameters,
      String actor) {
    if (version == null) {
      throw new RegistryException("a snapshot needs a registered model version");
    }
    if (image == null || image.isBlank()) {
      throw new RegistryException("a snapshot needs the image that serves v" + version.number());
    }
    String creator = Authors.check(actor, "snapshot's creator");
    ModelVersion registered =
        catalog
            .version(version.number())
            .filter(
                found ->
                    found.sha256().equals(version.sha256())
                        && found.artifactUri().equals(version.artifactUri()))
            .orElseThrow(
                () ->
                    new RegistryException(
                        "v"
                            + version.number()
                            + " with artifact "
                            + version.artifactUri()
                            + " is not registered here; register it first"));
    return snapshots.create(registered, configDigest, image, deployParameters, creator);
  }

  /**
   * The snapshot with that digest, or with a digest starting with that prefix ({@code sha256:}
   * optional, at least 4 hex digits).
   *
   * @throws RegistryException if the prefix matches more than one snapshot, or is not hex
   */
  public Optional<Snapshot> snapshotByDigest(String digestOrUniquePrefix) {
    return snapshots.find(digestOrUniquePrefix);
  }

  // ---- environments ----

  /** The environments that have a history, by name. */
  public List<String> environments() {
    return environments.environments();
  }

  /**
   * Where an environment stands; an empty state (seq 0) if nothing happened there yet. Reads one
   * commit, however long the history.
   */
  public EnvironmentState state(String environment) {
    return environments.state(environment);
  }

  /**
   * A page of an environment's history, newest first: the entries after skipping the {@code offset}
   * newest, at most {@code limit} of them. Reads only the commits down to the page's end.
   */
  public List<HistoryEntry> history(String environment, int limit, int offset) {
    return environments.history(environment, limit, offset);
  }

  /** The environment's approval requests: those pending, then the most recently closed. */
  public List<ApprovalRequest> approvals(String environment) {
    return state(environment).approvals();
  }

  /**
   * Appends an entry to an environment's history, compare-and-swap: the general writer the
   * operations below are built on, for policies that need their own.
   *
   * @param expectedSeq the {@link EnvironmentState#seq()} the caller's decision was based on
   * @param entry what happened; its seq and verified flag are filled in, a missing time is now
   * @param change the state after the entry, computed from the state at {@code expectedSeq}
   * @return the environment's new state
   * @throws RegistryConflictException if the environment is no longer at {@code expectedSeq}
   */
  public EnvironmentState append(
      String environment,
      long expectedSeq,
      HistoryEntry entry,
      UnaryOperator<EnvironmentState> change) {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(change, "change");
    return environments.append(
        environment,
        expectedSeq,
        state -> new EnvironmentHistory.Change(entry, change.apply(state), null));
  }

  /**
   * Makes a snapshot the environment's current one. It counts as unverified until {@link #verify}
   * records a passed health check.
   *
   * @param approvalId an approved request for this snapshot, consumed by the promotion; {@code
   *     null} where the environment needs no approval (the policy decides)
   */
  public EnvironmentState promote(
      String environment,
      long expectedSeq,
      Snapshot snapshot,
      String actor,
      String reason,
      String approvalId) {
    Objects.requireNonNull(snapshot, "snapshot");
    return environments.append(
        environment, expectedSeq, actions.promote(snapshot, actor, reason, approvalId));
  }

  /**
   * Returns the environment to an earlier snapshot.
   *
   * @param targetDigest the snapshot (digest or unique prefix), or {@code null} for the newest
   *     verified one that is not current ({@link EnvironmentState#rollbackTarget()})
   */
  public EnvironmentState rollback(
      String environment, long expectedSeq, String targetDigest, String actor, String reason) {
    return environments.append(
        environment, expectedSeq, actions.rollback(targetDigest, actor, reason));
  }

  /**
   * Records the result of a health check of the environment's current snapshot; a pass makes it a
   * rollback target.
   *
   * @param snapshotDigest the snapshot that was checked (digest or prefix); must still be current
   */
  public EnvironmentState verify(
      String environment,
      long expectedSeq,
      String snapshotDigest,
      boolean passed,
      String actor,
      String reason) {
    return environments.append(
        environment, expectedSeq, actions.verify(snapshotDigest, passed, actor, reason));
  }

  /**
   * Opens an approval request to promote a snapshot; pending older requests of the environment
   * expire. Its id is the seq of this entry.
   *
   * @param required approvals the policy requires (0: approved at once)
   */
  public EnvironmentState requestApproval(
      String environment,
      long expectedSeq,
      Snapshot snapshot,
      int required,
      String requester,
      String reason) {
    Objects.requireNonNull(snapshot, "snapshot");
    return environments.append(
        environment, expectedSeq, actions.request(snapshot, required, requester, reason));
  }

  /** Adds an approval to a pending request; each user approves a request once. */
  public EnvironmentState approve(
      String environment, long expectedSeq, String requestId, String approver, String reason) {
    return environments.append(
        environment, expectedSeq, actions.approve(requestId, approver, reason));
  }

  /** Rejects a pending request. */
  public EnvironmentState reject(
      String environment, long expectedSeq, String requestId, String approver, String reason) {
    return environments.append(
        environment, expectedSeq, actions.reject(requestId, approver, reason));
  }

  /** Objects read from the repository so far (a test seam: reads must not grow with history). */
  long objectsRead() {
    return store.objectsRead();
  }

  /** Whether pushes to the remote go atomically (false once a remote said it cannot). */
  boolean pushesAtomically() {
    return remote != null && remote.atomic();
  }

  GitStore store() {
    return store;
  }

  private Instant now() {
    // Git keeps seconds, the JSON milliseconds; finer would only look like precision
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  @Override
  public void close() {
    store.close();
  }
}
