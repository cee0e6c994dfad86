package org.openautoglm.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.LongStream;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An environment's history: promote, verify, roll back, approvals, paging, the audit commits. */
class EnvironmentHistoryTest {
  private static final String PROD = "production";

  @TempDir Path work;

  private final TickingClock clock = new TickingClock(Instant.parse("2025-06-01T09:00:00Z"));
  private Registry registry;

  @BeforeEach
  void openRegistry() {
    registry =
        Registry.open(work.resolve("registry.git"), RegistryOptions.defaults().withClock(clock));
  }

  @AfterEach
  void closeRegistry() {
    registry.close();
  }

  @Test
  void shouldStartEmpty() {
    EnvironmentState state = registry.state(PROD);

    assertThat(state).isEqualTo(EnvironmentState.empty(PROD));
    assertThat(registry.history(PROD, 10, 0)).isEmpty();
    assertThat(registry.environments()).isEmpty();
    assertThat(registry.approvals(PROD)).isEmpty();
  }

  @Test
  void shouldPromoteVerifyAndRollBackToTheLastVerifiedSnapshot() {
    Snapshot v1 = Fixtures.snapshot(registry, "alice");
    Snapshot v2 = Fixtures.snapshot(registry, "alice");

    registry.promote(PROD, 0, v1, "alice", "first release", null);
    registry.verify(PROD, 1, v1.digest(), true, "jenkins", "health check passed");
    registry.promote(PROD, 2, v2, "bob", "better recall", null);
    EnvironmentState failed =
        registry.verify(PROD, 3, v2.digest().substring(0, 20), false, "jenkins", "5xx rate 12%");

    assertThat(failed.rollbackTarget()).contains(v1.digest());
    EnvironmentState rolledBack = registry.rollback(PROD, 4, null, "carol", "errors after v2");

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(rolledBack.seq()).isEqualTo(5);
    soft.assertThat(rolledBack.snapshot()).isEqualTo(v1.digest());
    soft.assertThat(rolledBack.version()).isEqualTo(1);
    soft.assertThat(rolledBack.by()).isEqualTo("carol");
    soft.assertThat(rolledBack.verified()).isFalse();
    soft.assertThat(rolledBack.lastVerified()).containsExactly(v1.digest());
    soft.assertThat(rolledBack.rollbackTarget()).isEmpty();
    soft.assertThat(registry.state(PROD)).isEqualTo(rolledBack);
    soft.assertThat(registry.environments()).containsExactly(PROD);

    List<HistoryEntry> history = registry.history(PROD, 10, 0);
    soft.assertThat(history)
        .extracting(
            HistoryEntry::seq,
            e -> e.action().json(),
            HistoryEntry::version,
            HistoryEntry::actor,
            HistoryEntry::verified)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(5L, "rollback", 1, "carol", false),
            org.assertj.core.groups.Tuple.tuple(4L, "verify", 2, "jenkins", false),
            org.assertj.core.groups.Tuple.tuple(3L, "promote", 2, "bob", false),
            org.assertj.core.groups.Tuple.tuple(2L, "verify", 1, "jenkins", true),
            org.assertj.core.groups.Tuple.tuple(1L, "promote", 1, "alice", false));
    soft.assertThat(history.get(1).reason()).isEqualTo("5xx rate 12%");
    soft.assertThat(history.get(0).snapshot()).isEqualTo(v1.digest());
    soft.assertThat(history)
        .extracting(HistoryEntry::at)
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    soft.assertAll();
  }

  @Test
  void shouldRefuseToRollBackWithNothingVerified() {
    Snapshot v1 = Fixtures.snapshot(registry, "alice");
    registry.promote(PROD, 0, v1, "alice", null, null);

    assertThatThrownBy(() -> registry.rollback(PROD, 1, null, "alice", "oops"))
        .isInstanceOf(RegistryException.class)
        .hasMessage(
            "production has no earlier verified snapshot to roll back to; name a snapshot"
                + " to roll back to");
    assertThat(registry.state(PROD).seq()).isEqualTo(1);
  }

  @Test
  void shouldRefuseAHealthCheckOfASnapshotThatIsNoLongerCurrent() {
    Snapshot v1 = Fixtures.snapshot(registry, "alice");
    Snapshot v2 = Fixtures.snapshot(registry, "alice");
    registry.promote(PROD, 0, v1, "alice", null, null);
    registry.promote(PROD, 1, v2, "alice", null, null);

    assertThatThrownBy(() -> registry.verify(PROD, 2, v1.digest(), true, "jenkins", null))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(
            "production runs " + v2.shortDigest() + " now, not " + v1.shortDigest());
  }

  @Test
  void shouldPageThroughTheHistoryNewestFirst() {
    Snapshot snapshot = Fixtures.snapshot(registry, "alice");
    registry.promote(PROD, 0, snapshot, "alice", null, null);
    for (long seq = 1; seq < 25; seq++) {
      registry.verify(PROD, seq, snapshot.digest(), seq % 2 == 0, "jenkins", "check " + seq);
    }

    assertThat(registry.history(PROD, 10, 0))
        .extracting(HistoryEntry::seq)
        .containsExactlyElementsOf(
            LongStream.rangeClosed(16, 25).map(s -> 41 - s).boxed().toList());
    assertThat(registry.history(PROD, 10, 10))
        .extracting(HistoryEntry::seq)
        .containsExactly(15L, 14L, 13L, 12L, 11L, 10L, 9L, 8L, 7L, 6L);
    assertThat(registry.history(PROD, 10, 20))
        .extracting(HistoryEntry::seq)
        .containsExactly(5L, 4L, 3L, 2L, 1L);
    assertThat(registry.history(PROD, 10, 25)).isEmpty();
    assertThat(registry.history(PROD, 0, 0)).isEmpty();
    assertThat(registry.history(PROD, Integer.MAX_VALUE, 0)).hasSize(25);
    assertThatThrownBy(() -> registry.history(PROD, -1, 0)).isInstanceOf(RegistryException.class);
  }

  @Test
  void shouldReadTheStateFromOneCommitHoweverLongTheHistory() {
    Snapshot snapshot = Fixtures.snapshot(registry, "alice");
    registry.promote(PROD, 0, snapshot, "alice", null, null);
    long shortHistory = objectsReadBy(() -> registry.state(PROD));
    long shortPage = objectsReadBy(() -> registry.history(PROD, 1, 0));

    for (long seq = 1; seq <= 150; seq++) {
      registry.verify(PROD, seq, snapshot.digest(), true, "jenkins", null);
    }

    // the tip commit, its tree, state.json
    assertThat(shortHistory).isEqualTo(3);
    assertThat(objectsReadBy(() -> registry.state(PROD))).isEqualTo(shortHistory);
    assertThat(objectsReadBy(() -> registry.history(PROD, 1, 0))).isEqualTo(shortPage);
    // a page further down parses the commits above it, but reads no entries but its own
    assertThat(objectsReadBy(() -> registry.history(PROD, 5, 100))).isEqualTo(100 + 5 * shortPage);
  }

  @Test
  void shouldWriteEachEntryAsACommitByTheActorAtTheEntrysTime() throws Exception {
    Snapshot v1 = Fixtures.snapshot(registry, "alice");
    registry.requestApproval(PROD, 0, v1, 1, "alice", "quarterly model");
    registry.approve(PROD, 1, "1", "bob", "metrics look right");
    registry.promote(PROD, 2, v1, "alice", "fixes drift", "1");

    Repository repository = registry.store().repository();
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit tip = walk.parseCommit(repository.resolve("refs/autoglm/env/production"));
      HistoryEntry entry = registry.history(PROD, 1, 0).get(0);

      assertThat(tip.getShortMessage())
          .isEqualTo(
              "promote v1 ("
                  + v1.shortDigest()
                  + ") to production by alice: fixes drift;"
                  + " approved by bob");
      assertThat(tip.getFullMessage())
          .contains(
              "\nSeq: 3\n",
              "\nSnapshot: " + v1.digest() + "\n",
              "\nApproved-by: bob\n",
              "\nRequest: 1\n");
      assertThat(tip.getAuthorIdent().getName()).isEqualTo("alice");
      assertThat(tip.getCommitterIdent().getName()).isEqualTo("alice");
      assertThat(tip.getAuthorIdent().getWhenAsInstant()).isEqualTo(entry.at());
      assertThat(tip.getParentCount()).isEqualTo(1);
      RevCommit approval = walk.parseCommit(tip.getParent(0));
      assertThat(approval.getShortMessage())
          .isEqualTo(
              "approve #1 (v1 ("
                  + v1.shortDigest()
                  + ") to production) by bob: metrics"
                  + " look right");
      RevCommit request = walk.parseCommit(approval.getParent(0));
      assertThat(request.getShortMessage())
          .isEqualTo(
              "request approval #1 to promote v1 ("
                  + v1.shortDigest()
                  + ") to production"
                  + " by alice: quarterly model");
      assertThat(request.getParentCount()).isZero();
    }
  }

  @Test
  void shouldCollectApprovalsAndConsumeTheRequestOnPromotion() {
    Snapshot v1 = Fixtures.snapshot(registry, "alice");
    registry.requestApproval(PROD, 0, v1, 2, "alice", "release 1");
    EnvironmentState once = registry.approve(PROD, 1, "1", "bob", null);

    assertThat(once.approval("1").orElseThrow().state()).isEqualTo(ApprovalRequest.State.OPEN);
    assertThatThrownBy(() -> registry.promote(PROD, 2, v1, "alice", null, "1"))
        .isInstanceOf(RegistryException.class)
        .hasMessage(
            "approval request #1 in production is waiting for approvals (1 of 2); it cannot"
                + " be used for a promotion");
    assertThatThrownBy(() -> registry.approve(PROD, 2, "1", "bob", null))
        .hasMessage("bob has approved request #1 already; it needs another approver");

    EnvironmentState twice = registry.approve(PROD, 2, "1", "carol", null);
    assertThat(twice.approval("1").orElseThrow().state()).isEqualTo(ApprovalRequest.State.APPROVED);
    assertThat(twice.pendingApprovals()).hasSize(1);

    EnvironmentState promoted = registry.promote(PROD, 3, v1, "alice", null, "1");
    ApprovalRequest consumed = promoted.approval("1").orElseThrow();
    assertThat(consumed.state()).isEqualTo(ApprovalRequest.State.CONSUMED);
    assertThat(consumed.approvers()).containsExactly("bob", "carol");
    assertThat(promoted.pendingApprovals()).isEmpty();
    assertThat(registry.approvals(PROD)).containsExactly(consumed);
    assertThat(registry.history(PROD, 1, 0).get(0).approvers()).containsExactly("bob", "carol");
    assertThatThrownBy(() -> registry.promote(PROD, 4, v1, "alice", null, "1"))
        .hasMessageContaining("is used by a promotion already");
  }

  @Test
  void shouldRejectAndExpireRequests() {
    Snapshot v1 = Fixtures.snapshot(registry, "alice");
    Snapshot v2 = Fixtures.snapshot(registry, "alice");
    registry.requestApproval(PROD, 0, v1, 1, "alice", null);
    registry.requestApproval(PROD, 1, v2, 1, "alice", "v2 instead");

    EnvironmentState state = registry.reject(PROD, 2, "2", "bob", "not this week");

    assertThat(state.approvals())
        .extracting(ApprovalRequest::id, ApprovalRequest::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("1", ApprovalRequest.State.EXPIRED),
            org.assertj.core.groups.Tuple.tuple("2", ApprovalRequest.State.REJECTED));
    assertThatThrownBy(() -> registry.approve(PROD, 3, "2", "carol", null))
        .hasMessage("approval request #2 is rejected; it cannot be approved");
    assertThatThrownBy(() -> registry.approve(PROD, 3, "9", "carol", null))
        .hasMessage("production has no pending approval request #9");
    assertThat(registry.history(PROD, 1, 0).get(0))
        .extracting(e -> e.action(), HistoryEntry::actor, HistoryEntry::reason)
        .containsExactly(HistoryEntry.Action.REJECT, "bob", "not this week");
  }

  @Test
  void shouldRefusePromotionWithARequestForAnotherSnapshot() {
    Snapshot v1 = Fixtures.snapshot(registry, "alice");
    Snapshot v2 = Fixtures.snapshot(registry, "alice");
    registry.requestApproval(PROD, 0, v1, 0, "alice", null);

    assertThatThrownBy(() -> registry.promote(PROD, 1, v2, "alice", null, "1"))
        .hasMessage(
            "approval request #1 approves "
                + v1.shortDigest()
                + " (v1), not "
                + v2.shortDigest()
                + " (v2)");
  }

  @Test
  void shouldAppendAnyEntryWithTheGeneralWriter() {
    Instant at = Instant.parse("2025-01-02T03:04:05.678Z");
    EnvironmentState state =
        registry.append(
            "staging",
            0,
            HistoryEntry.of(
                HistoryEntry.Action.VERIFY,
                null,
                null,
                "ops",
                List.of("lead"),
                at,
                "manual smoke test"),
            before -> before.checked(true));

    HistoryEntry entry = registry.history("staging", 1, 0).get(0);
    assertThat(state.seq()).isEqualTo(1);
    assertThat(entry.seq()).isEqualTo(1);
    assertThat(entry.at()).isEqualTo(at);
    assertThat(entry.verified()).isTrue();
    assertThat(entry.approvers()).containsExactly("lead");
  }

  @Test
  void shouldRefuseBadNamesWithoutWriting() {
    Snapshot v1 = Fixtures.snapshot(registry, "alice");

    assertThatThrownBy(() -> registry.promote("Prod!", 0, v1, "alice", null, null))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("'Prod!' is not an environment name");
    assertThatThrownBy(() -> registry.state("../versions")).isInstanceOf(RegistryException.class);
    assertThatThrownBy(() -> registry.promote(PROD, 0, v1, "", null, null))
        .hasMessageContaining("the actor is missing");
    assertThatThrownBy(() -> registry.promote(PROD, 0, v1, "a\nb", null, null))
        .hasMessageContaining("is not a user name");
    assertThat(registry.environments()).isEmpty();
  }

  @Test
  void shouldPrintTheHistoryInTheCliShape() throws Exception {
    Snapshot v1 = Fixtures.snapshot(registry, "alice");
    registry.promote(PROD, 0, v1, "alice", "first", null);
    registry.verify(PROD, 1, v1.digest(), true, "jenkins", null);

    JsonNode json =
        new ObjectMapper()
            .readTree(
                RegistryJson.write(
                    RegistryJson.history(registry.state(PROD), registry.history(PROD, 10, 0))));

    assertThat(json.fieldNames()).toIterable().containsExactly("environment", "current", "entries");
    assertThat(json.get("environment").asText()).isEqualTo(PROD);
    assertThat(json.get("current").get("snapshot").asText()).isEqualTo(v1.digest());
    assertThat(json.get("current").get("verified").asBoolean()).isTrue();
    JsonNode newest = json.get("entries").get(0);
    assertThat(newest.fieldNames())
        .toIterable()
        .containsExactly(
            "seq",
            "action",
            "version",
            "snapshot",
            "actor",
            "approvers",
            "at",
            "reason",
            "verified");
    assertThat(newest.get("action").asText()).isEqualTo("verify");
    assertThat(newest.get("reason").isNull()).isTrue();
    assertThat(newest.get("at").asText()).endsWith("Z");
    assertThat(json.get("entries").get(1).get("reason").asText()).isEqualTo("first");
    assertThat(
            RegistryJson.history(EnvironmentState.empty("dev"), List.of()).get("current").isNull())
        .isTrue();
  }

  private long objectsReadBy(Runnable read) {
    long before = registry.objectsRead();
    read.run();
    return registry.objectsRead() - before;
  }

  /** A clock that moves one second each time it is read, so entries have distinct times. */
  private static final class TickingClock extends Clock {
    private Instant now;

    TickingClock(Instant start) {
      now = start;
    }

    @Override
    public synchronized Instant instant() {
      now = now.plus(Duration.ofSeconds(1));
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
