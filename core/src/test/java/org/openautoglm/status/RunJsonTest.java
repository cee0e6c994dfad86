package org.openautoglm.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openautoglm.status.StatusFixtures.T0;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stored record, the run list's summary and the run page's view. */
class RunJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void shouldWriteTheRecordWithItsSchemaPhasesRanksAndMetrics() {
    RunRecord run = StatusFixtures.full(T0);

    ObjectNode node = RunJson.record(run);

    assertThat(node.path("schema").asInt()).isEqualTo(RunJson.SCHEMA).isEqualTo(1);
    assertThat(node.path("id").asText()).isEqualTo(run.id());
    assertThat(node.path("kind").asText()).isEqualTo("promotion");
    assertThat(node.path("state").asText()).isEqualTo("TRAINING");
    assertThat(node.path("parent").asText()).isEqualTo("20261204-120000-abc123");
    assertThat(node.path("approval").asText()).isEqualTo("dev:4");
    assertThat(node.path("createdAt").asText()).isEqualTo("2026-12-04T18:23:49.125Z");
    assertThat(node.path("updatedAt").asText()).isEqualTo("2026-12-04T18:23:53.125Z");
    assertThat(node.path("durationMs").asLong()).as("up to the last update").isEqualTo(4_000);
    JsonNode phases = node.path("phases");
    assertThat(phases).hasSize(3);
    assertThat(phases.get(1).toString())
        .isEqualTo(
            "{\"state\":\"VALIDATING\",\"start\":\"2026-12-04T18:23:51.125Z\","
                + "\"end\":\"2026-12-04T18:23:52.125Z\",\"actor\":\"ci\",\"reason\":\"checking configs\"}");
    assertThat(phases.get(2).path("end").isNull()).isTrue();
    assertThat(phases.get(2).path("reason").isNull()).isTrue();
    assertThat(node.path("ranks").toString())
        .isEqualTo(
            "[{\"rank\":0,\"state\":\"RUNNING\",\"exitCode\":null,\"reason\":null},"
                + "{\"rank\":1,\"state\":\"FAILED\",\"exitCode\":3,\"reason\":\"OOM killed\"}]");
    assertThat(node.path("metrics").path("loss").toString())
        .isEqualTo("{\"ranks\":{\"0\":[[0,2.5],[1,null]],\"1\":[[0,2.25]]}}");
    assertThat(node.path("metrics").path("loss").has("merged")).isFalse();
  }

  @Test
  void shouldReadBackWhatItWrote() throws Exception {
    RunRecord run = StatusFixtures.full(T0);

    RunRecord read = RunJson.read(MAPPER.readTree(MAPPER.writeValueAsBytes(RunJson.record(run))));

    assertThat(read).isEqualTo(run);
  }

  @Test
  void shouldWriteAbsentValuesAsNull() {
    ObjectNode node = RunJson.record(StatusFixtures.pending(T0));

    for (String field : List.of("environment", "version", "message", "parent", "approval")) {
      assertThat(node.has(field)).as(field).isTrue();
      assertThat(node.get(field).isNull()).as(field).isTrue();
    }
    assertThat(node.path("ranks")).isEmpty();
    assertThat(node.path("metrics")).isEmpty();
  }

  @Test
  void shouldRefuseARecordWithoutItsRequiredFields() throws Exception {
    JsonNode noKind = MAPPER.readTree("{\"id\":\"20261204-182349-3f9a1c\",\"state\":\"PENDING\"}");
    JsonNode noCreation =
        MAPPER.readTree(
            "{\"id\":\"20261204-182349-3f9a1c\",\"kind\":\"training\",\"state\":\"PENDING\"}");

    assertThatThrownBy(() -> RunJson.read(noKind)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RunJson.read(noCreation))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("createdAt");
  }

  @Test
  void shouldSummariseARunInOneLineWithoutItsDetails() {
    RunRecord run =
        StatusFixtures.pending(T0)
            .concerning("production", 12)
            .moveTo(RunState.AWAITING_APPROVAL, "alice", "needs 1 approval", T0.plusSeconds(2));

    ObjectNode summary = RunJson.summary(run, T0.plusSeconds(90));

    assertThat(summary.toString())
        .isEqualTo(
            "{\"id\":\""
                + run.id()
                + "\",\"project\":\"sentiment\",\"kind\":\"training\",\"title\":\"train 2×2 on dev\","
                + "\"state\":\"AWAITING_APPROVAL\",\"actor\":\"bob\",\"environment\":\"production\","
                + "\"version\":12,\"message\":\"needs 1 approval\","
                + "\"createdAt\":\"2026-12-04T18:23:49.125Z\",\"updatedAt\":\"2026-12-04T18:23:51.125Z\","
                + "\"durationMs\":90000}");
  }

  @Test
  void shouldMeasureAFinishedRunToItsEndInTheSummary() {
    RunRecord run =
        StatusFixtures.pending(T0)
            .moveTo(RunState.DEPLOYING, "bob", null, T0.plusSeconds(1))
            .moveTo(RunState.VERIFIED, "bob", null, T0.plusSeconds(7))
            .moveTo(RunState.ROLLED_BACK, "alice", null, T0.plusSeconds(600));

    assertThat(RunJson.summary(run, T0.plusSeconds(10_000)).path("durationMs").asLong())
        .isEqualTo(7_000);
    assertThat(RunJson.view(run, T0.plusSeconds(10_000)).path("durationMs").asLong())
        .isEqualTo(7_000);
  }

  @Test
  void shouldAddTheMeanOverRanksAtEachStepToTheView() {
    RunRecord run =
        StatusFixtures.pending(T0)
            .withTraining(
                List.of(),
                Map.of(
                    "loss",
                    Map.of(
                        0,
                        List.of(
                            new MetricPoint(0, 1.0),
                            new MetricPoint(10, 2.0),
                            new MetricPoint(20, 3.0)),
                        1,
                        List.of(
                            new MetricPoint(10, 3.0),
                            new MetricPoint(20, 4.0),
                            new MetricPoint(30, 5.0)),
                        2,
                        List.of(new MetricPoint(20, 8.0)))),
                T0);

    ObjectNode view = RunJson.view(run, T0.plusSeconds(42));

    assertThat(view.path("metrics").path("loss").path("merged").toString())
        .isEqualTo("[[0,1.0],[10,2.5],[20,5.0],[30,5.0]]");
    assertThat(view.path("metrics").path("loss").path("ranks").path("2").toString())
        .isEqualTo("[[20,8.0]]");
    assertThat(view.path("durationMs").asLong()).isEqualTo(42_000);
    assertThat(view.has("schema")).isFalse();
  }

  @Test
  void shouldShowAStepWhereARankDivergedAsAGapInTheMergedSeries() {
    List<MetricPoint> merged =
        RunJson.merged(
            Map.of(
                0, List.of(new MetricPoint(5, 1.0), new MetricPoint(1, 0.5)),
                1, List.of(new MetricPoint(5, Double.NaN), new MetricPoint(1, 1.5))));

    assertThat(merged).extracting(MetricPoint::step).containsExactly(1L, 5L);
    assertThat(merged.get(0).value()).isEqualTo(1.0);
    assertThat(merged.get(1).value()).isNaN();

    RunRecord run =
        StatusFixtures.pending(T0)
            .withTraining(
                List.of(),
                Map.of(
                    "loss",
                    Map.of(
                        0, List.of(new MetricPoint(5, 1.0)),
                        1, List.of(new MetricPoint(5, Double.NaN)))),
                T0);
    assertThat(RunJson.view(run, T0).path("metrics").path("loss").path("merged").toString())
        .isEqualTo("[[5,null]]");
  }

  @Test
  void shouldMergeNothingToAnEmptySeries() {
    assertThat(RunJson.merged(Map.of())).isEmpty();
    assertThat(RunJson.merged(Map.of(0, List.of()))).isEmpty();
  }

  @Test
  void shouldWriteTimesAsIsoInstantsOrNull() {
    assertThat(RunJson.time(null)).isNull();
    assertThat(RunJson.time(Instant.parse("2026-01-02T03:04:05Z")))
        .isEqualTo("2026-01-02T03:04:05Z");
  }
}
