package org.openautoglm.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.openautoglm.policy.Action;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Policy;
import org.openautoglm.registry.ApprovalRequest;
import org.openautoglm.registry.EnvironmentState;
import org.openautoglm.registry.HistoryEntry;
import org.openautoglm.registry.ModelVersion;
import org.openautoglm.registry.Registry;
import org.openautoglm.registry.RegistryJson;
import org.openautoglm.registry.Snapshot;

/**
 * The JSON models the dashboard draws, built from the registry and a {@link RunSource}: the project
 * (environments, recent runs, the key metric's trend), an environment's history, a run list, a run,
 * and what the person looking may do. The CLI server and the Jenkins actions serve exactly these
 * (docs/rest-api.md).
 *
 * <p>Every model reads a bounded amount whatever the size of the store: the environments' small
 * state documents, one page of runs or history, and the newest {@link #TREND_VERSIONS} versions.
 */
public final class ProjectStatus {
  /** Versions shown in the trend chart. */
  public static final int TREND_VERSIONS = 50;

  /** Runs in the project model's first page. */
  public static final int RECENT_RUNS = 20;

  /** The metric the trend shows when versions have it. */
  static final String PREFERRED_METRIC = "loss";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String name;
  private final List<String> environments;
  private final Registry registry;
  private final RunSource runs;

  /**
   * @param name the project's name
   * @param environments its environments, in promotion order
   */
  public ProjectStatus(String name, List<String> environments, Registry registry, RunSource runs) {
    this.name = name;
    this.environments = List.copyOf(environments);
    this.registry = registry;
    this.runs = runs;
  }

  public List<String> environments() {
    return environments;
  }

  /** {@code GET /api/project}. */
  public ObjectNode project(Instant now) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("name", name);
    ArrayNode envs = node.putArray("environments");
    for (String environment : environments) {
      envs.add(environment(registry.state(environment)));
    }
    node.set("runs", runs(runs.page(RECENT_RUNS, 0), now));
    node.set("trend", trend(registry.latestVersions(TREND_VERSIONS)));
    return node;
  }

  /** {@code GET /api/runs}. */
  public ObjectNode runs(int limit, int offset, Instant now) {
    return runs(runs.page(limit, offset), now);
  }

  /** {@code GET /api/runs/{id}}: the run with the approval request it waits for, if any. */
  public Optional<ObjectNode> run(String id, Instant now) {
    return runs.find(id)
        .map(
            run -> {
              ObjectNode node = RunJson.view(run, now);
              node.set("approvalRequest", MAPPER.nullNode());
              if (run.approval() != null) {
                approval(run.approval())
                    .ifPresent(request -> node.set("approvalRequest", approval(request)));
              }
              return node;
            });
  }

  /**
   * {@code GET /api/environments/{env}/history}: newest first.
   *
   * @throws IllegalArgumentException when the project has no such environment
   */
  public ObjectNode history(String environment, int limit, int offset) {
    requireEnvironment(environment);
    EnvironmentState state = registry.state(environment);
    int capped = Math.min(limit, RunSource.MAX_PAGE);
    List<HistoryEntry> entries = registry.history(environment, capped, offset);
    ObjectNode node = MAPPER.createObjectNode();
    node.put("environment", environment);
    node.put("total", state.seq());
    node.put("limit", capped);
    node.put("offset", offset);
    ArrayNode items = node.putArray("items");
    entries.forEach(entry -> items.add(RegistryJson.entry(entry)));
    return node;
  }

  /**
   * {@code GET /api/session}: who is looking and what they may do, so that the dashboard shows only
   * the buttons that would work. The server checks again on every POST.
   *
   * @param actor the person, or {@code null} for someone not signed in (read-only)
   */
  public ObjectNode session(Actor actor, Policy policy) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("user", actor == null ? null : actor.user());
    ArrayNode roles = node.putArray("roles");
    ObjectNode perEnvironment = node.putObject("environments");
    ObjectNode approvals = node.putObject("approvals");
    if (actor != null) {
      policy.rolesOf(actor).forEach(roles::add);
    }
    for (String environment : environments) {
      ObjectNode may = perEnvironment.putObject(environment);
      may.put(
          "rollback",
          actor != null && policy.decide(actor, Action.ROLLBACK, environment).allowed());
      may.put(
          "promote", actor != null && policy.decide(actor, Action.PROMOTE, environment).allowed());
      for (ApprovalRequest request : registry.state(environment).pendingApprovals()) {
        approvals.put(
            approvalId(request),
            actor != null
                && request.state() == ApprovalRequest.State.OPEN
                && policy.checkApproval(actor, environment, request.requester()).allowed());
      }
    }
    return node;
  }

  /**
   * The approval request with a global id {@code env:id}; empty when the environment or the request
   * does not exist.
   *
   * @throws IllegalArgumentException when the id is not of that form
   */
  public Optional<ApprovalRequest> approval(String globalId) {
    int colon = globalId.lastIndexOf(':');
    if (colon <= 0 || colon == globalId.length() - 1) {
      throw new IllegalArgumentException(
          "an approval id is ENVIRONMENT:NUMBER, like production:12; got '" + globalId + "'");
    }
    String environment = globalId.substring(0, colon);
    if (!environments.contains(environment)) {
      return Optional.empty();
    }
    return registry.state(environment).approval(globalId.substring(colon + 1));
  }

  /** The global id of an approval request: {@code env:id}. */
  public static String approvalId(ApprovalRequest request) {
    return request.environment() + ":" + request.id();
  }

  /**
   * Refuses an environment the project does not have, naming those it has.
   *
   * @throws IllegalArgumentException when there is no such environment
   */
  public void requireEnvironment(String environment) {
    if (!environments.contains(environment)) {
      throw new IllegalArgumentException(
          "the project has no environment '"
              + environment
              + "'; its environments: "
              + String.join(", ", environments));
    }
  }

  private ObjectNode environment(EnvironmentState state) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("name", state.environment());
    node.put("version", state.version());
    node.put("snapshot", state.snapshot());
    node.put("since", RunJson.time(state.since()));
    node.put("by", state.by());
    node.put("verified", state.verified());
    node.put("historySize", state.seq());
    Optional<String> back = state.rollbackTarget();
    if (back.isPresent()) {
      ObjectNode target = node.putObject("rollbackTarget");
      target.put("snapshot", back.get());
      target.put(
          "version", registry.snapshotByDigest(back.get()).map(Snapshot::version).orElse(null));
    } else {
      node.putNull("rollbackTarget");
    }
    ArrayNode pending = node.putArray("approvals");
    state.pendingApprovals().forEach(request -> pending.add(approval(request)));
    return node;
  }

  static ObjectNode approval(ApprovalRequest request) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", approvalId(request));
    node.put("environment", request.environment());
    node.put("version", request.version());
    node.put("snapshot", request.snapshot());
    node.put("requester", request.requester());
    node.put("reason", request.reason());
    node.put("requestedAt", RunJson.time(request.requestedAt()));
    node.put("required", request.required());
    node.put("state", request.state().json());
    ArrayNode given = node.putArray("approvals");
    for (ApprovalRequest.Approval approval : request.approvals()) {
      ObjectNode a = given.addObject();
      a.put("user", approval.user());
      a.put("at", RunJson.time(approval.at()));
    }
    return node;
  }

  private static ObjectNode runs(RunPage page, Instant now) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("total", page.total());
    node.put("limit", page.limit());
    node.put("offset", page.offset());
    ArrayNode items = node.putArray("items");
    page.runs().forEach(run -> items.add(RunJson.summary(run, now)));
    ArrayNode unreadable = node.putArray("unreadable");
    page.unreadable().forEach(unreadable::add);
    return node;
  }

  /** The key metric of the newest versions: {@code loss} when they have it, else the first name. */
  static ObjectNode trend(List<ModelVersion> versions) {
    TreeSet<String> names = new TreeSet<>();
    versions.forEach(version -> names.addAll(version.metrics().keySet()));
    String metric =
        names.contains(PREFERRED_METRIC)
            ? PREFERRED_METRIC
            : names.isEmpty() ? null : names.first();
    ObjectNode node = MAPPER.createObjectNode();
    node.put("metric", metric);
    ArrayNode points = node.putArray("points");
    for (ModelVersion version : versions) {
      Map<String, Double> metrics = version.metrics();
      if (metric != null && metrics.containsKey(metric) && Double.isFinite(metrics.get(metric))) {
        ObjectNode point = points.addObject();
        point.put("version", version.number());
        point.put("value", metrics.get(metric));
        point.put("at", RunJson.time(version.createdAt()));
      }
    }
    return node;
  }
}
