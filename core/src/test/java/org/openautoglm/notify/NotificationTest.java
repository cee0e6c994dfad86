package org.openautoglm.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The one-line text and the JSON payload of each event. */
class NotificationTest {
  private static final Instant AT = Instant.parse("2025-01-31T12:00:00Z");

  private static Notification of(NotificationEvent event, String actor, String reason) {
    return new Notification(
        event, "sentiment", "production", 7, "sha256:1a2b3c4d5e6f7a8b", actor, reason, AT);
  }

  @Test
  void shouldSummariseEachEventInOneLine() {
    assertThat(of(NotificationEvent.APPROVAL_REQUESTED, "bob", null).text())
        .isEqualTo(
            "Approval requested: sentiment version 7 (snapshot 1a2b3c4d5e6f) to production,"
                + " requested by bob");
    assertThat(of(NotificationEvent.PROMOTED, "alice", null).text())
        .isEqualTo("Promoted sentiment version 7 to production (snapshot 1a2b3c4d5e6f) by alice");
    assertThat(of(NotificationEvent.ROLLED_BACK, "carol", "p99 latency doubled").text())
        .isEqualTo(
            "Rolled back production to sentiment version 7 (snapshot 1a2b3c4d5e6f) by carol:"
                + " p99 latency doubled");
    assertThat(
            new Notification(
                    NotificationEvent.FAILED,
                    null,
                    "staging",
                    null,
                    null,
                    null,
                    "health check failed",
                    AT)
                .text())
        .isEqualTo("Failed: model in staging: health check failed");
  }

  @Test
  void shouldKeepUserTextOnOneLineAndFreeOfSlackMarkup() {
    String text =
        of(NotificationEvent.ROLLED_BACK, "eve", "bad\nrelease <!channel> & <http://evil|click>")
            .text();

    assertThat(text).doesNotContain("\n").doesNotContain("<").doesNotContain(">");
    assertThat(text).endsWith(": bad release &lt;!channel&gt; &amp; &lt;http://evil|click&gt;");
  }

  @Test
  void shouldCutAVeryLongReason() {
    String text = of(NotificationEvent.FAILED, null, "x".repeat(5_000)).text();

    assertThat(text).hasSizeLessThan(700).endsWith("…");
  }

  @Test
  void shouldWriteNullsForWhatIsNotKnown() throws Exception {
    Notification failed =
        new Notification(NotificationEvent.FAILED, null, "staging", null, null, null, null, AT);

    JsonNode payload = new ObjectMapper().readTree(Notifier.payload(failed));

    assertThat(payload.path("event").asText()).isEqualTo("failed");
    assertThat(payload.path("version").isNull()).isTrue();
    assertThat(payload.path("actor").isNull()).isTrue();
    assertThat(payload.path("text").asText()).isEqualTo("Failed: model in staging");
    assertThat(payload.fieldNames())
        .toIterable()
        .containsExactly(
            "event",
            "text",
            "project",
            "environment",
            "version",
            "snapshot",
            "actor",
            "reason",
            "at");
  }

  @Test
  void shouldReadEventKeysInEveryCommonSpelling() {
    assertThat(NotificationEvent.ofKey("rolled_back")).isEqualTo(NotificationEvent.ROLLED_BACK);
    assertThat(NotificationEvent.ofKey("approval-requested"))
        .isEqualTo(NotificationEvent.APPROVAL_REQUESTED);
    assertThat(NotificationEvent.PROMOTED.key()).isEqualTo("promoted");
  }
}
