package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.PromotionProject.ADMIN;
import static org.openautoglm.cli.PromotionProject.OTHER_ADMIN;
import static org.openautoglm.cli.PromotionProject.RESEARCHER;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autoglm history} of a production environment that saw every kind of entry; the history is
 * built once through the CLI and only read by the tests.
 */
@Timeout(120)
class PromotionHistoryTest {
  private static final Set<String> ACTIONS =
      Set.of("request", "approve", "promote", "rollback", "verify", "reject");

  @TempDir static Path temp;

  private static PromotionProject project;

  @BeforeAll
  static void buildHistory() {
    project = PromotionProject.create(temp);
    productionWithEveryKindOfEntry();
  }

  @AfterAll
  static void stopHealthServer() {
    project.close();
  }

  @Test
  void shouldPrintTheDocumentedHistoryJsonNewestFirstWithPaging() {
    JsonNode all = project.history("production", 100, 0);

    assertThat(PromotionProject.fieldNames(all))
        .containsExactly("environment", "current", "entries");
    assertThat(all.get("environment").asText()).isEqualTo("production");
    assertThat(PromotionProject.fieldNames(all.get("current")))
        .containsExactly("snapshot", "version", "since", "by", "verified");
    assertThat(all.get("current").get("version").asInt()).isEqualTo(1);
    assertThat(all.get("current").get("by").asText()).isEqualTo(ADMIN);
    assertThat(all.get("current").get("verified").isBoolean()).isTrue();
    List<JsonNode> entries = new ArrayList<>();
    all.get("entries").forEach(entries::add);
    SoftAssertions softly = new SoftAssertions();
    for (JsonNode entry : entries) {
      softly
          .assertThat(PromotionProject.fieldNames(entry))
          .as("fields of %s", entry)
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
      softly.assertThat(entry.get("seq").isIntegralNumber()).as("seq of %s", entry).isTrue();
      softly.assertThat(ACTIONS).contains(entry.get("action").asText());
      softly
          .assertThat(entry.get("version").isInt() || entry.get("version").isNull())
          .as("version of %s", entry)
          .isTrue();
      softly
          .assertThat(entry.get("snapshot").isTextual() || entry.get("snapshot").isNull())
          .as("snapshot of %s", entry)
          .isTrue();
      softly.assertThat(entry.get("actor").isTextual()).as("actor of %s", entry).isTrue();
      softly.assertThat(entry.get("approvers").isArray()).as("approvers of %s", entry).isTrue();
      entry.get("approvers").forEach(approver -> softly.assertThat(approver.isTextual()).isTrue());
      softly.assertThat(entry.get("at").isTextual()).as("at of %s", entry).isTrue();
      softly
          .assertThat(entry.get("reason").isTextual() || entry.get("reason").isNull())
          .as("reason of %s", entry)
          .isTrue();
      softly.assertThat(entry.get("verified").isBoolean()).as("verified of %s", entry).isTrue();
    }
    softly
        .assertThat(entries)
        .extracting(entry -> entry.get("seq").asLong())
        .containsExactly(12L, 11L, 10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
    softly
        .assertThat(entries)
        .extracting(entry -> entry.get("action").asText() + " v" + entry.get("version").asInt())
        .containsExactly(
            "reject v2",
            "request v2",
            "verify v1",
            "rollback v1",
            "verify v2",
            "promote v2",
            "approve v2",
            "request v2",
            "verify v1",
            "promote v1",
            "approve v1",
            "request v1");
    softly
        .assertThat(entries)
        .extracting(entry -> Instant.parse(entry.get("at").asText()))
        .isSortedAccordingTo(Comparator.reverseOrder());
    softly.assertThat(entries.get(0).get("actor").asText()).isEqualTo(OTHER_ADMIN);
    softly.assertThat(entries.get(0).get("reason").asText()).isEqualTo("not during the sale");
    softly
        .assertThat(entries.get(5).get("approvers"))
        .extracting(JsonNode::asText)
        .containsExactly(OTHER_ADMIN);
    softly.assertThat(entries.get(4).get("verified").asBoolean()).isTrue();
    softly.assertThat(entries.get(5).get("verified").asBoolean()).isFalse();
    softly
        .assertThat(project.history("production", 3, 2).get("entries"))
        .containsExactlyElementsOf(entries.subList(2, 5));
    softly
        .assertThat(project.history("production", 5, 10).get("entries"))
        .containsExactlyElementsOf(entries.subList(10, 12));
    softly.assertThat(project.history("production", 5, 12).get("entries")).isEmpty();
    softly
        .assertThat(project.history("production", 1, 0).get("current"))
        .isEqualTo(all.get("current"));
    softly.assertAll();
    CliRun noPage = project.as(RESEARCHER, "history", "--env", "production", "--limit", "0");
    assertThat(noPage.exitCode()).as(noPage.transcript()).isEqualTo(2);
    assertThat(noPage.err())
        .isEqualTo("autoglm: --limit must be at least 1 and --offset at least 0\n");
  }

  @Test
  void shouldPrintOneHistoryLinePerEntryUnderTheCurrentState() {
    CliRun run = project.as(RESEARCHER, "history", "--env", "production", "--limit", "7");

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    List<String> lines = run.outLines();
    String at = "\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z";
    assertThat(lines).hasSize(8);
    assertThat(lines.get(0))
        .matches("production: v1 \\(sha256:[0-9a-f]{12}\\) since " + at + " by alice, verified");
    List<String> expected =
        List.of(
            "   12  AT  reject   v2 by dave: not during the sale",
            "   11  AT  request  v2 by alice",
            "   10  AT  verify   v1 by alice — passed: restored in \\d+\\.\\d s \\(health check"
                + " passed: GET "
                + Pattern.quote(project.healthUrl("production"))
                + "\\)",
            "    9  AT  rollback v1 by alice",
            "    8  AT  verify   v2 by alice — passed: health check passed: GET "
                + Pattern.quote(project.healthUrl("production")),
            "    7  AT  promote  v2 by alice, approved by dave",
            "    6  AT  approve  v2 by dave, approved by dave");
    SoftAssertions softly = new SoftAssertions();
    IntStream.range(0, expected.size())
        .forEach(
            i -> softly.assertThat(lines.get(i + 1)).matches(expected.get(i).replace("AT", at)));
    softly.assertAll();
  }

  /**
   * Production with v1 and v2 promoted (each approved by dave), rolled back to v1 by alice, and a
   * second request for v2 rejected by dave: twelve entries, every kind of action.
   */
  private static void productionWithEveryKindOfEntry() {
    project.register("model-1.safetensors", "weights one");
    project.register("model-2.safetensors", "weights two");
    project.promoteToProduction(1);
    project.promoteToProduction(2);
    CliRun rollback = project.as(ADMIN, "rollback", "--env", "production");
    assertThat(rollback.exitCode()).as(rollback.transcript()).isZero();
    CliRun request = project.as(ADMIN, "promote", "--env", "production", "--version", "2");
    assertThat(request.exitCode()).as(request.transcript()).isEqualTo(5);
    CliRun reject =
        project.as(
            OTHER_ADMIN,
            "approve",
            "--env",
            "production",
            "--request",
            PromotionProject.requestId(request),
            "--reject",
            "--reason",
            "not during the sale");
    assertThat(reject.exitCode()).as(reject.transcript()).isZero();
    assertThat(reject.out()).isEqualTo("done: dave rejected v2 for production\n");
  }
}
