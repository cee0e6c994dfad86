package org.openautoglm.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.openautoglm.status.StatusFixtures.T0;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Policy;
import org.openautoglm.policy.PolicyLoader;
import org.openautoglm.registry.ApprovalRequest;
import org.openautoglm.registry.EnvironmentState;
import org.openautoglm.registry.ModelVersion;
import org.openautoglm.registry.Registry;
import org.openautoglm.registry.RegistryOptions;
import org.openautoglm.registry.Snapshot;
import org.openautoglm.status.StatusFixtures.MutableClock;

/** The dashboard's JSON models: project, runs, history, session and approvals. */
class ProjectStatusTest {
  /** The default roles and environment rules (test, staging, production) with members. */
  private static final String TEAM =
      """
      apiVersion: autoglm/v1
      members:
        admin: {users: [alice, dave]}
        researcher: {users: [bob]}
        guest: {users: [gus]}
      """;

  private static final List<String> ENVIRONMENTS = List.of("test", "staging", "production");

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(T0);
  private Registry registry;
  private RunStore store;
  private ProjectStatus status;

  @BeforeEach
  void open() {
    registry =
        Registry.open(dir.resolve("registry.git"), RegistryOptions.defaults().withClock(clock));
    store = RunStore.open(dir.resolve("runs"));
    status = new ProjectStatus("sentiment", ENVIRONMENTS, registry, store);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  // ---- project ----

  @Test
  void shouldShowAnEmptyProject() {
    ObjectNode project = status.project(T0);

    assertThat(project.path("name").asText()).isEqualTo("sentiment");
    assertThat(project.path("environments")).hasSize(3);
    assertThat(project.path("environments").findValuesAsText("name"))
        .containsExactly("test", "staging", "production");
    JsonNode test = project.path("environments").get(0);
    assertThat(test.toString())
        .isEqualTo(
            "{\"name\":\"test\",\"version\":null,\"snapshot\":null,\"since\":null,\"by\":null,"
                + "\"verified\":false,\"historySize\":0,\"rollbackTarget\":null,\"approvals\":[]}");
    assertThat(project.path("runs").toString())
        .isEqualTo("{\"total\":0,\"limit\":20,\"offset\":0,\"items\":[],\"unreadable\":[]}");
    assertThat(project.path("trend").toString()).isEqualTo("{\"metric\":null,\"points\":[]}");
    assertThat(status.environments()).containsExactlyElementsOf(ENVIRONMENTS);
  }

  @Test
  void shouldShowWhatEachEnvironmentRunsAndWhereItCanRollBackTo() {
    ModelVersion v1 = StatusFixtures.register(registry, Map.of("loss", 0.5));
    ModelVersion v2 = StatusFixtures.register(registry, Map.of("loss", 0.4));
    Snapshot s1 = StatusFixtures.snapshot(registry, v1, "2");
    Snapshot s2 = StatusFixtures.snapshot(registry, v2, "2");
    deployAndVerify("staging", s1, "bob", true);
    clock.advance(java.time.Duration.ofMinutes(5));
    deployAndVerify("staging", s2, "alice", true);

    JsonNode staging = status.project(T0).path("environments").get(1);

    assertThat(staging.path("name").asText()).isEqualTo("staging");
    assertThat(staging.path("version").asInt()).isEqualTo(2);
    assertThat(staging.path("snapshot").asText()).isEqualTo(s2.digest());
    assertThat(staging.path("verified").asBoolean()).isTrue();
    assertThat(staging.path("since").asText()).isEqualTo(T0.plusSeconds(300).toString());
    assertThat(staging.path("by").asText()).isEqualTo("alice");
    assertThat(staging.path("historySize").asInt()).isEqualTo(4);
    assertThat(staging.path("rollbackTarget").toString())
        .isEqualTo("{\"snapshot\":\"" + s1.digest() + "\",\"version\":1}");
    assertThat(staging.path("approvals")).isEmpty();
  }

  @Test
  void shouldShowAnUnverifiedDeploy() {
    ModelVersion v1 = StatusFixtures.register(registry, Map.of());
    deployAndVerify("test", StatusFixtures.snapshot(registry, v1, "1"), "bob", false);

    JsonNode test = status.project(T0).path("environments").get(0);

    assertThat(test.path("version").asInt()).isEqualTo(1);
    assertThat(test.path("verified").asBoolean()).isFalse();
    assertThat(test.path("rollbackTarget").isNull()).isTrue();
  }

  @Test
  void shouldListThePendingApprovalsOfAnEnvironment() {
    ModelVersion v1 = StatusFixtures.register(registry, Map.of());
    Snapshot s1 = StatusFixtures.snapshot(registry, v1, "4");
    EnvironmentState requested =
        registry.requestApproval("production", 0, s1, 1, "alice", "ship it");
    String id = requested.pendingApprovals().get(0).id();

    JsonNode approvals = status.project(T0).path("environments").get(2).path("approvals");

    assertThat(approvals).hasSize(1);
    assertThat(approvals.get(0).toString())
        .isEqualTo(
            "{\"id\":\"production:"
                + id
                + "\",\"environment\":\"production\",\"version\":1,\"snapshot\":\""
                + s1.digest()
                + "\",\"requester\":\"alice\",\"reason\":\"ship it\",\"requestedAt\":\""
                + T0
                + "\",\"required\":1,\"state\":\"open\",\"approvals\":[]}");

    registry.approve("production", requested.seq(), id, "dave", "fine");
    JsonNode approved = status.project(T0).path("environments").get(2).path("approvals").get(0);
    assertThat(approved.path("state").asText()).isEqualTo("approved");
    assertThat(approved.path("approvals").toString())
        .isEqualTo("[{\"user\":\"dave\",\"at\":\"" + T0 + "\"}]");
  }

  @Test
  void shouldShowTheNewestRunsFirstOnTheFirstPage() {
    List<RunRecord> runs = new ArrayList<>();
    for (int i = 0; i < ProjectStatus.RECENT_RUNS + 5; i++) {
      runs.add(store.create(StatusFixtures.pending(T0.plusSeconds(i))));
    }

    JsonNode page = status.project(T0.plusSeconds(100)).path("runs");

    assertThat(page.path("total").asInt()).isEqualTo(25);
    assertThat(page.path("limit").asInt()).isEqualTo(ProjectStatus.RECENT_RUNS);
    assertThat(page.path("items")).hasSize(ProjectStatus.RECENT_RUNS);
    assertThat(page.path("items").get(0).path("id").asText()).isEqualTo(runs.get(24).id());
    assertThat(page.path("items").get(19).path("id").asText()).isEqualTo(runs.get(5).id());
    assertThat(page.path("items").get(0).path("durationMs").asLong()).isEqualTo(76_000);
    assertThat(page.path("items").get(0).has("phases")).isFalse();
  }

  @Test
  void shouldPageRunsAndNameUnreadableOnes() throws IOException {
    RunRecord old = store.create(StatusFixtures.pending(T0));
    RunRecord newer = store.create(StatusFixtures.pending(T0.plusSeconds(1)));
    String broken = RunIds.next(T0.plusSeconds(2));
    Files.writeString(store.directory().resolve(broken + ".json"), "{");

    JsonNode all = status.runs(10, 0, T0);
    JsonNode second = status.runs(1, 1, T0);

    assertThat(all.path("total").asInt()).isEqualTo(3);
    assertThat(all.path("items").findValuesAsText("id")).containsExactly(newer.id(), old.id());
    assertThat(all.path("unreadable").toString()).isEqualTo("[\"" + broken + "\"]");
    assertThat(second.path("items").findValuesAsText("id")).containsExactly(newer.id());
    assertThat(second.path("offset").asInt()).isEqualTo(1);
    assertThat(second.path("limit").asInt()).isEqualTo(1);
    assertThat(status.runs(10_000, 0, T0).path("limit").asInt()).isEqualTo(RunSource.MAX_PAGE);
  }

  @Test
  void shouldShowOneRunWithTheApprovalRequestItWaitsFor() {
    ModelVersion v1 = StatusFixtures.register(registry, Map.of());
    EnvironmentState requested =
        registry.requestApproval(
            "production", 0, StatusFixtures.snapshot(registry, v1, "4"), 1, "alice", null);
    String global = "production:" + requested.pendingApprovals().get(0).id();
    RunRecord waiting =
        store.create(
            StatusFixtures.pending(T0)
                .moveTo(RunState.AWAITING_APPROVAL, "alice", "needs approval", T0)
                .withApproval(global, T0));
    RunRecord plain = store.create(StatusFixtures.pending(T0.plusSeconds(1)));
    RunRecord elsewhere =
        store.create(StatusFixtures.pending(T0.plusSeconds(2)).withApproval("qa:1", T0));
    RunRecord gone =
        store.create(StatusFixtures.pending(T0.plusSeconds(3)).withApproval("production:999", T0));

    JsonNode view = status.run(waiting.id(), T0.plusSeconds(10)).orElseThrow();

    assertThat(view.path("id").asText()).isEqualTo(waiting.id());
    assertThat(view.path("phases")).hasSize(2);
    assertThat(view.path("durationMs").asLong()).isEqualTo(10_000);
    assertThat(view.path("approvalRequest").path("id").asText()).isEqualTo(global);
    assertThat(view.path("approvalRequest").path("requester").asText()).isEqualTo("alice");
    assertThat(view.path("approvalRequest").path("state").asText()).isEqualTo("open");
    for (RunRecord run : List.of(plain, elsewhere, gone)) {
      JsonNode other = status.run(run.id(), T0).orElseThrow();
      assertThat(other.has("approvalRequest")).isTrue();
      assertThat(other.path("approvalRequest").isNull()).as(run.approval()).isTrue();
    }
    assertThat(status.run(RunIds.next(T0), T0)).isEmpty();
    assertThat(status.run("../runs", T0)).isEmpty();
  }

  // ---- trend ----

  @Test
  void shouldTrendTheLossOfTheNewestVersionsOldestFirst() {
    List<ModelVersion> versions = new ArrayList<>();
    for (int i = 1; i <= ProjectStatus.TREND_VERSIONS + 5; i++) {
      clock.set(T0.plusSeconds(i));
      versions.add(StatusFixtures.register(registry, Map.of("loss", 1.0 / i, "accuracy", 0.5)));
    }

    JsonNode trend = status.project(T0).path("trend");

    assertThat(trend.path("metric").asText()).isEqualTo("loss");
    JsonNode points = trend.path("points");
    assertThat(points).hasSize(ProjectStatus.TREND_VERSIONS);
    assertThat(points.get(0).toString())
        .isEqualTo(
            "{\"version\":6,\"value\":" + (1.0 / 6) + ",\"at\":\"" + T0.plusSeconds(6) + "\"}");
    assertThat(points.get(49).path("version").asInt()).isEqualTo(55);
    assertThat(points.findValues("version")).extracting(JsonNode::asInt).isSorted();
  }

  @Test
  void shouldPreferTheLossWhereverSomeVersionsHaveIt() {
    ObjectNode trend =
        ProjectStatus.trend(
            List.of(
                version(1, Map.of("accuracy", 0.7)),
                version(2, Map.of("accuracy", 0.8, "loss", 0.3)),
                version(3, Map.of("accuracy", 0.9))));

    assertThat(trend.path("metric").asText()).isEqualTo("loss");
    assertThat(trend.path("points").findValues("version"))
        .extracting(JsonNode::asInt)
        .containsExactly(2);
    assertThat(trend.path("points").get(0).path("value").asDouble()).isEqualTo(0.3);
  }

  @Test
  void shouldTrendTheFirstMetricByNameWithoutALoss() {
    ObjectNode trend =
        ProjectStatus.trend(
            List.of(
                version(1, Map.of("f1", 0.6, "precision", 0.7)),
                version(2, Map.of("f1", 0.65, "accuracy", 0.9)),
                version(3, Map.of("f1", 0.7))));

    assertThat(trend.path("metric").asText()).isEqualTo("accuracy");
    assertThat(trend.path("points").findValues("version"))
        .extracting(JsonNode::asInt)
        .containsExactly(2);
  }

  @Test
  void shouldSkipValuesThatAreNotFinite() {
    Map<String, Double> nan = new HashMap<>(Map.of("loss", Double.NaN));
    Map<String, Double> infinite = new HashMap<>(Map.of("loss", Double.POSITIVE_INFINITY));
    ObjectNode trend =
        ProjectStatus.trend(
            List.of(
                version(1, Map.of("loss", 0.9)),
                version(2, nan),
                version(3, infinite),
                version(4, Map.of("loss", Double.NEGATIVE_INFINITY)),
                version(5, Map.of("loss", 0.4))));

    assertThat(trend.path("metric").asText()).isEqualTo("loss");
    assertThat(trend.path("points").findValues("version"))
        .extracting(JsonNode::asInt)
        .containsExactly(1, 5);
  }

  @Test
  void shouldTrendNothingWhenNoVersionHasMetrics() {
    ObjectNode trend = ProjectStatus.trend(List.of(version(1, Map.of()), version(2, null)));

    assertThat(trend.path("metric").isNull()).isTrue();
    assertThat(trend.path("points")).isEmpty();
  }

  private static ModelVersion version(int number, Map<String, Double> metrics) {
    return new ModelVersion(
        number,
        "s3://m/" + number,
        StatusFixtures.sha256("v" + number),
        "img:" + number,
        null,
        null,
        metrics,
        null,
        "bob",
        T0.plusSeconds(number));
  }

  // ---- history ----

  @Test
  void shouldPageAnEnvironmentsHistoryNewestFirst() {
    ModelVersion v1 = StatusFixtures.register(registry, Map.of());
    ModelVersion v2 = StatusFixtures.register(registry, Map.of());
    deployAndVerify("test", StatusFixtures.snapshot(registry, v1, "1"), "bob", true);
    deployAndVerify("test", StatusFixtures.snapshot(registry, v2, "1"), "bob", false);

    JsonNode newest = status.history("test", 2, 0);
    JsonNode oldest = status.history("test", 2, 2);

    assertThat(newest.path("environment").asText()).isEqualTo("test");
    assertThat(newest.path("total").asInt()).isEqualTo(4);
    assertThat(newest.path("limit").asInt()).isEqualTo(2);
    assertThat(newest.path("offset").asInt()).isZero();
    assertThat(newest.path("items").findValues("seq"))
        .extracting(JsonNode::asInt)
        .containsExactly(4, 3);
    assertThat(newest.path("items").get(0).path("action").asText()).isEqualTo("verify");
    assertThat(newest.path("items").get(0).path("verified").asBoolean()).isFalse();
    assertThat(newest.path("items").get(1).path("version").asInt()).isEqualTo(2);
    assertThat(oldest.path("items").findValues("seq"))
        .extracting(JsonNode::asInt)
        .containsExactly(2, 1);
    assertThat(oldest.path("offset").asInt()).isEqualTo(2);
    assertThat(status.history("test", 2, 10).path("items")).isEmpty();
    assertThat(status.history("test", 10_000, 0).path("limit").asInt())
        .isEqualTo(RunSource.MAX_PAGE);
    assertThat(status.history("test", 10_000, 0).path("items")).hasSize(4);
    assertThat(status.history("staging", 10, 0).path("total").asInt()).isZero();
  }

  @Test
  void shouldRefuseTheHistoryOfAnEnvironmentTheProjectDoesNotHave() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> status.history("qa", 10, 0))
        .withMessage(
            "the project has no environment 'qa'; its environments: test, staging, production");
  }

  // ---- session ----

  @Test
  void shouldLetSomeoneNotSignedInDoNothing() {
    openRequests();

    ObjectNode session = status.session(null, team());

    assertThat(session.path("user").isNull()).isTrue();
    assertThat(session.path("roles")).isEmpty();
    assertThat(rights(session))
        .containsExactly(
            Map.entry("test", List.of(false, false)),
            Map.entry("staging", List.of(false, false)),
            Map.entry("production", List.of(false, false)));
    assertThat(session.path("approvals").size()).isEqualTo(2);
    assertThat(approvals(session))
        .containsOnlyKeys("staging:1", "production:1")
        .doesNotContainValue(true);
  }

  @Test
  void shouldLetAnAdminDoEverythingButApproveTheirOwnRequest() {
    openRequests();

    ObjectNode alice = status.session(Actor.of("alice"), team());
    ObjectNode dave = status.session(Actor.of("dave"), team());

    assertThat(alice.path("user").asText()).isEqualTo("alice");
    assertThat(alice.path("roles").toString()).isEqualTo("[\"admin\"]");
    assertThat(rights(alice)).allSatisfy((env, may) -> assertThat(may).containsExactly(true, true));
    assertThat(approvals(alice))
        .containsEntry("production:1", false) // alice asked for it herself
        .containsEntry("staging:1", true);
    assertThat(approvals(dave))
        .containsEntry("production:1", true)
        .containsEntry("staging:1", true);
  }

  @Test
  void shouldLetAResearcherPromoteAndRollBackOnlyInTest() {
    openRequests();

    ObjectNode bob = status.session(Actor.of("bob"), team());

    assertThat(bob.path("roles").toString()).isEqualTo("[\"researcher\"]");
    assertThat(rights(bob))
        .containsExactly(
            Map.entry("test", List.of(true, true)),
            Map.entry("staging", List.of(false, false)),
            Map.entry("production", List.of(false, false)));
    assertThat(approvals(bob))
        .containsOnlyKeys("staging:1", "production:1")
        .doesNotContainValue(true);
  }

  @Test
  void shouldLetAGuestOrAStrangerOnlyLook() {
    for (String user : List.of("gus", "mallory")) {
      ObjectNode session = status.session(Actor.of(user), team());
      assertThat(session.path("user").asText()).isEqualTo(user);
      assertThat(rights(session)).allSatisfy((env, may) -> assertThat(may).containsOnly(false));
    }
    assertThat(status.session(Actor.of("gus"), team()).path("roles").toString())
        .isEqualTo("[\"guest\"]");
    assertThat(status.session(Actor.of("mallory"), team()).path("roles")).isEmpty();
  }

  @Test
  void shouldNotOfferToApproveARequestThatHasItsApprovals() {
    ModelVersion v1 = StatusFixtures.register(registry, Map.of());
    EnvironmentState requested =
        registry.requestApproval(
            "production", 0, StatusFixtures.snapshot(registry, v1, "4"), 1, "bob", null);
    registry.approve("production", requested.seq(), "1", "alice", null);

    assertThat(approvals(status.session(Actor.of("dave"), team())))
        .containsExactly(Map.entry("production:1", false));
  }

  @Test
  void shouldFollowAPolicyWithItsOwnRules() {
    Policy selfApproving =
        new PolicyLoader(LoadLimits.DEFAULT)
            .load(
                new SourceFile(
                    "autoglm-policy.yaml",
                    """
                    apiVersion: autoglm/v1
                    roles:
                      operator: {read: true, promote: [staging], rollback: ["*"], approve: [production]}
                    members:
                      operator: {users: [olga]}
                    environments:
                      production: {approvals: 1, approvers: [operator], allowSelfApproval: true}
                    """));
    openRequests();
    ModelVersion v2 = StatusFixtures.register(registry, Map.of());
    long seq = registry.state("production").seq();
    registry.requestApproval(
        "production", seq, StatusFixtures.snapshot(registry, v2, "4"), 1, "olga", null);
    String id = "production:" + registry.state("production").pendingApprovals().get(0).id();

    ObjectNode olga = status.session(Actor.of("olga"), selfApproving);

    assertThat(olga.path("roles").toString()).isEqualTo("[\"operator\"]");
    assertThat(rights(olga))
        .containsExactly(
            Map.entry("test", List.of(false, true)),
            Map.entry("staging", List.of(true, true)),
            Map.entry("production", List.of(false, true)));
    assertThat(approvals(olga)).containsEntry(id, true);
  }

  // ---- approvals ----

  @Test
  void shouldFindAnApprovalRequestByItsGlobalId() {
    openRequests();

    ApprovalRequest request = status.approval("production:1").orElseThrow();

    assertThat(request.environment()).isEqualTo("production");
    assertThat(request.id()).isEqualTo("1");
    assertThat(request.requester()).isEqualTo("alice");
    assertThat(ProjectStatus.approvalId(request)).isEqualTo("production:1");
    assertThat(status.approval("staging:1").orElseThrow().requester()).isEqualTo("bob");
    assertThat(status.approval("production:2")).isEmpty();
    assertThat(status.approval("test:1")).isEmpty();
  }

  @Test
  void shouldFindNothingInAnEnvironmentTheProjectDoesNotHave() {
    openRequests();

    assertThat(status.approval("qa:1")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"production", "production:", ":12", ":", "", "12"})
  void shouldRefuseAMalformedApprovalIdShowingTheExpectedForm(String id) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> status.approval(id))
        .withMessage("an approval id is ENVIRONMENT:NUMBER, like production:12; got '" + id + "'");
  }

  // ---- helpers ----

  private void deployAndVerify(
      String environment, Snapshot snapshot, String actor, boolean passed) {
    EnvironmentState state = registry.state(environment);
    state = registry.promote(environment, state.seq(), snapshot, actor, null, null);
    registry.verify(environment, state.seq(), snapshot.digest(), passed, actor, "checked");
  }

  /** Opens request 1 by alice in production and request 1 by bob in staging. */
  private void openRequests() {
    ModelVersion v1 = StatusFixtures.register(registry, Map.of());
    registry.requestApproval(
        "production", 0, StatusFixtures.snapshot(registry, v1, "4"), 1, "alice", null);
    registry.requestApproval(
        "staging", 0, StatusFixtures.snapshot(registry, v1, "2"), 1, "bob", null);
  }

  private static Policy team() {
    return new PolicyLoader(LoadLimits.DEFAULT).load(new SourceFile("autoglm-policy.yaml", TEAM));
  }

  /** Environment → [promote, rollback]. */
  private static Map<String, List<Boolean>> rights(ObjectNode session) {
    Map<String, List<Boolean>> rights = new LinkedHashMap<>();
    session
        .path("environments")
        .fields()
        .forEachRemaining(
            e ->
                rights.put(
                    e.getKey(),
                    List.of(
                        e.getValue().path("promote").asBoolean(),
                        e.getValue().path("rollback").asBoolean())));
    return rights;
  }

  private static Map<String, Boolean> approvals(ObjectNode session) {
    Map<String, Boolean> approvals = new LinkedHashMap<>();
    session
        .path("approvals")
        .fields()
        .forEachRemaining(e -> approvals.put(e.getKey(), e.getValue().asBoolean()));
    return approvals;
  }
}
