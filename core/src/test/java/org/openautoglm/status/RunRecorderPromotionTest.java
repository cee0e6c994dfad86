package org.openautoglm.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.openautoglm.status.StatusFixtures.T0;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.deploy.DeployListener;
import org.openautoglm.deploy.DeployOutcome;
import org.openautoglm.deploy.Deployer;
import org.openautoglm.deploy.Release;
import org.openautoglm.notify.Notifier;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Policy;
import org.openautoglm.policy.PolicyLoader;
import org.openautoglm.promotion.EnvironmentTarget;
import org.openautoglm.promotion.PromotionListener;
import org.openautoglm.promotion.PromotionOutcome;
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.promotion.Promotions;
import org.openautoglm.registry.ApprovalRequest;
import org.openautoglm.registry.Registry;
import org.openautoglm.status.StatusFixtures.MutableClock;

/**
 * The recorder listening to real promotions: a Git registry, a policy read from YAML, and a
 * deployer the test tells which releases fail (no health check, so a deploy that succeeds is
 * verified).
 */
class RunRecorderPromotionTest {
  private static final String POLICY =
      """
      apiVersion: autoglm/v1
      members:
        admin: {users: [alice, dave]}
        researcher: {users: [bob]}
      environments:
        dev: {}
        production: {approvals: 1, approvers: [admin]}
      """;

  private static final Actor ALICE = Actor.of("alice");
  private static final Actor DAVE = Actor.of("dave");
  private static final Actor BOB = Actor.of("bob");

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(T0);
  private final List<Release> deployed = new CopyOnWriteArrayList<>();
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private volatile Predicate<Release> failing = release -> false;
  private volatile Map<String, String> devParameters = Map.of("replicas", "1");
  private Registry registry;
  private Policy policy;
  private RunStore store;

  @BeforeEach
  void createWorld() {
    registry = Registry.open(dir.resolve("registry.git"));
    policy =
        new PolicyLoader(LoadLimits.DEFAULT).load(new SourceFile("autoglm-policy.yaml", POLICY));
    store = RunStore.open(dir.resolve("runs"));
    for (int i = 0; i < 3; i++) {
      StatusFixtures.register(registry, Map.of("loss", 0.5 - i * 0.1));
    }
  }

  @AfterEach
  void closeWorld() {
    registry.close();
  }

  private Promotions promotions(PromotionListener listener) {
    return new Promotions(
        "sentiment",
        registry,
        policy,
        environment ->
            new EnvironmentTarget(
                environment,
                new TestDeployer(),
                null,
                Duration.ofSeconds(20),
                EnvironmentTarget.DEFAULT_ROLLBACK_TIMEOUT,
                null,
                environment.equals("dev") ? devParameters : Map.of("replicas", "4"),
                true),
        Notifier.none(),
        listener,
        Clock.systemUTC());
  }

  /** Deploys by taking 5 s on the recorder's clock; fails the releases {@link #failing} names. */
  private final class TestDeployer implements Deployer {
    @Override
    public DeployOutcome deploy(Release release, Duration timeout, DeployListener listener) {
      deployed.add(release);
      clock.advance(Duration.ofSeconds(5));
      listener.log("deploying v" + release.modelVersion());
      return failing.test(release)
          ? DeployOutcome.failed("v" + release.modelVersion() + " crashed", Duration.ofSeconds(5))
          : DeployOutcome.succeeded("running", Duration.ofSeconds(5));
    }

    @Override
    public String describe() {
      return "a test deployer";
    }
  }

  private RunRecorder recorder(RunKind kind, String environment, Integer version) {
    RunRecorder recorder =
        RunRecorder.start(store, "sentiment", kind, kind.json() + " v" + version, "bob", clock);
    recorder.concerning(environment, version);
    return recorder;
  }

  private PromotionListener listenerFor(RunRecorder recorder, String by) {
    return recorder.promotion(
        by,
        new PromotionListener() {
          @Override
          public void log(String line) {
            heard.add(line);
          }

          @Override
          public void deploying(String environment, int version) {
            heard.add("deploying " + environment + " v" + version);
          }
        });
  }

  private PromotionResult promoteQuietly(Actor actor, String environment, int version) {
    PromotionResult result =
        promotions(PromotionListener.NONE).promote(actor, environment, version, null);
    assertThat(result.outcome()).as(result.message()).isEqualTo(PromotionOutcome.DONE);
    return result;
  }

  @Test
  void shouldGoThroughDeployingToVerifiedWhenThePromotionSucceeds() {
    RunRecorder recorder = recorder(RunKind.PROMOTION, "dev", 1);

    PromotionResult result =
        promotions(listenerFor(recorder, "bob")).promote(BOB, "dev", 1, "first");
    RunRecord run = recorder.promoted(result, 1, "bob");

    assertThat(result.outcome()).isEqualTo(PromotionOutcome.DONE);
    assertThat(run.state()).isEqualTo(RunState.VERIFIED);
    assertThat(run.message()).isEqualTo("v1 is live and verified in dev");
    assertThat(run.phases())
        .extracting(Phase::state, Phase::start, Phase::end, Phase::reason)
        .containsExactly(
            tuple(RunState.PENDING, T0, T0, null),
            tuple(RunState.DEPLOYING, T0, T0.plusSeconds(5), "deploying v1 to dev"),
            tuple(
                RunState.VERIFIED,
                T0.plusSeconds(5),
                T0.plusSeconds(5),
                "v1 is live and verified in dev"));
    assertThat(run.duration(T0.plusSeconds(3_600))).isEqualTo(Duration.ofSeconds(5));
    assertThat(heard).contains("deploying dev v1");
    assertThat(deployed).extracting(Release::modelVersion).containsExactly(1);
    assertThat(store.find(recorder.id())).contains(run);
  }

  @Test
  void shouldBeRolledBackWhenTheAutomaticRollbackRestoresTheVerifiedVersion() {
    promoteQuietly(BOB, "dev", 1);
    failing = release -> release.modelVersion() == 2;
    RunRecorder recorder = recorder(RunKind.PROMOTION, "dev", 2);

    PromotionResult result = promotions(listenerFor(recorder, "bob")).promote(BOB, "dev", 2, null);
    RunRecord run = recorder.promoted(result, 2, "bob");

    assertThat(result.outcome()).isEqualTo(PromotionOutcome.FAILED);
    assertThat(result.message()).contains("; rolled back to v1 in ");
    assertThat(heard).containsSubsequence("deploying dev v2", "deploying dev v1");
    assertThat(deployed).extracting(Release::modelVersion).containsExactly(1, 2, 1);
    assertThat(run.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(run.message()).isEqualTo(result.message());
    assertThat(run.phases())
        .extracting(Phase::state)
        .containsExactly(RunState.PENDING, RunState.DEPLOYING, RunState.ROLLED_BACK);
  }

  @Test
  void shouldFailWhenThereIsNoVerifiedVersionToRollBackTo() {
    failing = release -> true;
    RunRecorder recorder = recorder(RunKind.PROMOTION, "dev", 1);

    PromotionResult result = promotions(listenerFor(recorder, "bob")).promote(BOB, "dev", 1, null);
    RunRecord run = recorder.promoted(result, 1, "bob");

    assertThat(result.message()).contains("there is no earlier verified snapshot");
    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(run.phases())
        .extracting(Phase::state)
        .containsExactly(RunState.PENDING, RunState.DEPLOYING, RunState.FAILED);
  }

  @Test
  void shouldFailWhenTheAutomaticRollbackFailsToo() {
    promoteQuietly(BOB, "dev", 1);
    failing = release -> true;
    RunRecorder recorder = recorder(RunKind.PROMOTION, "dev", 2);

    RunRecord run =
        recorder.promoted(
            promotions(listenerFor(recorder, "bob")).promote(BOB, "dev", 2, null), 2, "bob");

    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(run.message()).contains("the rollback to v1 failed");
  }

  /**
   * Promoting the same model version again with new deploy parameters makes a new snapshot; when
   * its deploy fails, the automatic rollback restores the earlier verified snapshot of that very
   * version. The environment was restored, so the run was rolled back, not merely failed.
   */
  @Test
  void shouldBeRolledBackWhenTheRestoredSnapshotIsOfTheSameVersion() {
    promoteQuietly(BOB, "dev", 1);
    devParameters = Map.of("replicas", "8");
    failing = release -> "8".equals(release.parameters().get("replicas"));
    RunRecorder recorder = recorder(RunKind.PROMOTION, "dev", 1);

    PromotionResult result = promotions(listenerFor(recorder, "bob")).promote(BOB, "dev", 1, null);
    RunRecord run = recorder.promoted(result, 1, "bob");

    assertThat(result.outcome()).isEqualTo(PromotionOutcome.FAILED);
    assertThat(result.message()).contains("; rolled back to v1 in ");
    assertThat(result.state().verified()).isTrue();
    assertThat(result.timeToRestore()).isNotNull();
    assertThat(deployed)
        .extracting(release -> release.parameters().get("replicas"))
        .containsExactly("1", "8", "1");
    assertThat(run.state()).isEqualTo(RunState.ROLLED_BACK);
  }

  @Test
  void shouldFailWhenThePolicyDeniesThePromotion() {
    RunRecorder recorder = recorder(RunKind.PROMOTION, "production", 1);

    PromotionResult result =
        promotions(listenerFor(recorder, "bob")).promote(BOB, "production", 1, null);
    RunRecord run = recorder.promoted(result, 1, "bob");

    assertThat(result.outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(run.message()).isEqualTo(result.message()).contains("bob");
    assertThat(run.phases())
        .extracting(Phase::state)
        .containsExactly(RunState.PENDING, RunState.FAILED);
    assertThat(deployed).isEmpty();
  }

  @Test
  void shouldAwaitApprovalThenDeployOnceApproved() {
    RunRecorder recorder = recorder(RunKind.PROMOTION, "production", 1);
    Promotions promotions = promotions(listenerFor(recorder, "alice"));
    ProjectStatus status =
        new ProjectStatus("sentiment", List.of("dev", "production"), registry, store);

    PromotionResult asked = promotions.promote(ALICE, "production", 1, "ship it");
    RunRecord waiting = recorder.promoted(asked, 1, "alice");

    assertThat(asked.outcome()).isEqualTo(PromotionOutcome.WAITING_FOR_APPROVAL);
    assertThat(waiting.state()).isEqualTo(RunState.AWAITING_APPROVAL);
    assertThat(waiting.approval()).isEqualTo("production:" + asked.requestId());
    ApprovalRequest request = status.approval(waiting.approval()).orElseThrow();
    assertThat(request.requester()).isEqualTo("alice");
    assertThat(request.version()).isEqualTo(1);
    assertThat(
            status.run(recorder.id(), T0).orElseThrow().path("approvalRequest").path("id").asText())
        .isEqualTo(waiting.approval());

    PromotionResult stillWaiting = promotions.promote(ALICE, "production", 1, "ship it");
    RunRecord again = recorder.promoted(stillWaiting, 1, "alice");
    assertThat(again.state()).isEqualTo(RunState.AWAITING_APPROVAL);
    assertThat(again.message()).isEqualTo(stillWaiting.message()).endsWith("is open)");
    assertThat(again.phases()).hasSameSizeAs(waiting.phases());

    assertThat(
            promotions(PromotionListener.NONE)
                .approve(DAVE, "production", asked.requestId(), "ok")
                .outcome())
        .isEqualTo(PromotionOutcome.DONE);
    RunRecord verified =
        recorder.promoted(promotions.promote(ALICE, "production", 1, "ship it"), 1, "alice");

    assertThat(verified.state()).isEqualTo(RunState.VERIFIED);
    assertThat(verified.approval()).isEqualTo(waiting.approval());
    assertThat(verified.phases())
        .extracting(Phase::state)
        .containsExactly(
            RunState.PENDING, RunState.AWAITING_APPROVAL, RunState.DEPLOYING, RunState.VERIFIED);
  }

  @Test
  void shouldRecordARollbackRunAsRolledBack() {
    promoteQuietly(BOB, "dev", 1);
    promoteQuietly(BOB, "dev", 2);
    RunRecorder recorder = recorder(RunKind.ROLLBACK, "dev", null);

    PromotionResult result =
        promotions(listenerFor(recorder, "alice"))
            .rollback(ALICE, "dev", null, "v2 answers badly", Duration.ofMinutes(5));
    RunRecord run = recorder.rolledBack(result, "alice");

    assertThat(result.outcome()).isEqualTo(PromotionOutcome.DONE);
    assertThat(run.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(run.phases())
        .extracting(Phase::state, Phase::reason)
        .containsExactly(
            tuple(RunState.PENDING, null),
            tuple(RunState.DEPLOYING, "deploying v1 to dev"),
            tuple(RunState.ROLLED_BACK, result.message()));
  }

  // ---- RecordedPromotions: the same world, through the class the CLI, the ui server and Jenkins
  // use

  private RecordedPromotions recorded() {
    return new RecordedPromotions(
        "sentiment", registry, policy, store, this::promotions, heard::add, clock);
  }

  @Test
  void shouldGoOnWithTheWaitingRunWhenTheRequesterPromotesAgainAfterTheApproval() {
    promoteQuietly(ALICE, "dev", 1);
    RecordedPromotions recorded = recorded();
    RunRecorder first = recorded.startPromotion(ALICE, "production", 1);
    PromotionResult waiting = recorded.promote(first, ALICE, "production", 1, "release");
    assertThat(waiting.outcome()).isEqualTo(PromotionOutcome.WAITING_FOR_APPROVAL);
    promotions(PromotionListener.NONE).approve(DAVE, "production", waiting.requestId(), "ok");

    RunRecorder again = recorded.startPromotion(ALICE, "production", 1);
    PromotionResult done = recorded.promote(again, ALICE, "production", 1, "release");

    assertThat(done.outcome()).as(done.message()).isEqualTo(PromotionOutcome.DONE);
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(store.page(10, 0).runs())
        .filteredOn(run -> "production".equals(run.environment()))
        .extracting(RunRecord::state)
        .containsExactly(RunState.VERIFIED);
  }

  @Test
  void shouldOpenNoRunForAVersionThatIsNotRegistered() {
    int before = store.page(10, 0).total();

    assertThatThrownBy(() -> recorded().startPromotion(BOB, "dev", 9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("v9 is not registered; see autoglm register");
    assertThat(store.page(10, 0).total()).isEqualTo(before);
  }

  @Test
  void shouldLinkAPromotionRunToTheTrainingRunOfItsVersion() {
    RunRecorder training = recorder(RunKind.TRAINING, null, null);
    registry.register(
        org.openautoglm.registry.ModelVersion.draft(
            "file:/models/v4.pt",
            StatusFixtures.sha256("v4"),
            null,
            null,
            training.id(),
            Map.of(),
            null,
            "bob"));

    RunRecorder promotion = recorded().startPromotion(BOB, "dev", 4);

    assertThat(promotion.current().parent()).isEqualTo(training.id());
    assertThat(promotion.current().title()).isEqualTo("promote v4 to dev");
  }

  @Test
  void shouldLeaveNoRunWhenThePolicyRefusesTheRollback() {
    promoteQuietly(ALICE, "dev", 1);
    promoteQuietly(ALICE, "dev", 2);
    int before = store.page(10, 0).total();

    RecordedPromotions.Recorded refused =
        recorded().rollback(Actor.of("mallory"), "dev", null, "no", Duration.ofSeconds(30));

    assertThat(refused.run()).isNull();
    assertThat(refused.result().outcome()).isEqualTo(PromotionOutcome.DENIED);
    assertThat(store.page(10, 0).total()).isEqualTo(before);
    assertThat(registry.state("dev").version()).isEqualTo(2);
  }

  @Test
  void shouldMarkTheDeployItUndidRolledBack() {
    RecordedPromotions recorded = recorded();
    recorded.promote(recorded.startPromotion(BOB, "dev", 1), BOB, "dev", 1, null);
    RunRecorder second = recorded.startPromotion(BOB, "dev", 2);
    recorded.promote(second, BOB, "dev", 2, null);
    assertThat(second.current().state()).isEqualTo(RunState.VERIFIED);

    RecordedPromotions.Recorded back =
        recorded.rollback(BOB, "dev", null, "latency", Duration.ofSeconds(30));

    assertThat(back.result().outcome())
        .as(back.result().message())
        .isEqualTo(PromotionOutcome.DONE);
    assertThat(back.run().kind()).isEqualTo(RunKind.ROLLBACK);
    assertThat(back.run().state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(back.run().version()).isEqualTo(1);
    RunRecord undone = second.current();
    assertThat(undone.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(undone.phases())
        .last()
        .extracting(Phase::reason)
        .isEqualTo("rolled back by bob: latency");
  }
}
