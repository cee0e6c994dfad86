package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.DashboardFixture.ALICE;
import static org.openautoglm.cli.DashboardFixture.BOB;
import static org.openautoglm.cli.DashboardFixture.error;
import static org.openautoglm.cli.DashboardFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Rollback button through {@code POST /api/environments/{env}/rollback} on a real deploy and
 * health check: what changes when it works, and that a rollback with nothing to go back to changes
 * nothing at all.
 */
@Timeout(120)
class DashboardServerRollbackITest {
  @TempDir Path temp;

  private DashboardFixture fixture;

  @BeforeEach
  void createProject() {
    fixture = DashboardFixture.create(temp);
    fixture.project().register("model-1.safetensors", "weights one");
    fixture.project().register("model-2.safetensors", "weights two");
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void shouldRollProductionBackAsAnAdminAndRecordItEverywhere() {
    fixture.project().promoteToProduction(1);
    fixture.project().promoteToProduction(2);
    fixture.start();
    String deployedV2 = runId("promote v2 to production", "VERIFIED");
    String deployedV1 = runId("promote v1 to production", "VERIFIED");
    int historyBefore = history("production").get("total").asInt();
    int runsBefore = fixture.runTotal();

    HttpResponse<String> response =
        fixture.post(
            "/api/environments/production/rollback", ALICE, "{\"reason\": \"latency regression\"}");

    assertThat(response.statusCode()).as(response.body() + fixture.log()).isEqualTo(200);
    JsonNode done = json(response);
    assertThat(PromotionProject.fieldNames(done))
        .containsExactly("outcome", "message", "requestId", "run", "timeToRestoreMs");
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(done.get("outcome").asText()).isEqualTo("done");
    softly
        .assertThat(done.get("message").asText())
        .matches("rolled back to v1 in \\d+\\.\\d s; production is verified");
    softly.assertThat(done.get("requestId").isNull()).isTrue();
    softly.assertThat(done.get("timeToRestoreMs").asLong()).isPositive();
    softly.assertThat(fixture.project().deployedVersion("production")).isEqualTo(1);

    JsonNode production = json(fixture.get("/api/project")).get("environments").get(2);
    softly.assertThat(production.get("version").asInt()).isEqualTo(1);
    softly.assertThat(production.get("verified").asBoolean()).isTrue();
    softly.assertThat(production.get("by").asText()).isEqualTo("alice");

    JsonNode history = history("production");
    softly.assertThat(history.get("total").asInt()).isEqualTo(historyBefore + 2);
    JsonNode verify = history.get("items").get(0);
    JsonNode rollback = history.get("items").get(1);
    softly.assertThat(verify.get("action").asText()).isEqualTo("verify");
    softly.assertThat(verify.get("version").asInt()).isEqualTo(1);
    softly
        .assertThat(verify.get("reason").asText())
        .matches(
            "restored in \\d+\\.\\d s \\(health check passed: GET "
                + Pattern.quote(fixture.project().healthUrl("production"))
                + "\\)");
    softly.assertThat(rollback.get("action").asText()).isEqualTo("rollback");
    softly.assertThat(rollback.get("version").asInt()).isEqualTo(1);
    softly.assertThat(rollback.get("actor").asText()).isEqualTo("alice");
    softly.assertThat(rollback.get("reason").asText()).isEqualTo("latency regression");

    softly.assertThat(fixture.runTotal()).isEqualTo(runsBefore + 1);
    JsonNode run = json(fixture.get("/api/runs/" + done.get("run").asText()));
    softly.assertThat(run.get("kind").asText()).isEqualTo("rollback");
    softly.assertThat(run.get("title").asText()).isEqualTo("roll back production");
    softly.assertThat(run.get("state").asText()).isEqualTo("ROLLED_BACK");
    softly.assertThat(run.get("actor").asText()).isEqualTo("alice");
    softly.assertThat(run.get("environment").asText()).isEqualTo("production");
    softly.assertThat(run.get("version").asInt()).isEqualTo(1);
    softly
        .assertThat(run.get("phases"))
        .extracting(phase -> phase.get("state").asText())
        .containsExactly("PENDING", "DEPLOYING", "ROLLED_BACK");

    JsonNode replaced = json(fixture.get("/api/runs/" + deployedV2));
    softly.assertThat(replaced.get("state").asText()).isEqualTo("ROLLED_BACK");
    JsonNode lastPhase = replaced.get("phases").get(replaced.get("phases").size() - 1);
    softly.assertThat(lastPhase.get("actor").asText()).isEqualTo("alice");
    softly
        .assertThat(lastPhase.get("reason").asText())
        .isEqualTo("rolled back by alice: latency regression");
    softly
        .assertThat(json(fixture.get("/api/runs/" + deployedV1)).get("state").asText())
        .as("the restored version's deploy")
        .isEqualTo("VERIFIED");
    softly.assertAll();
  }

  @Test
  void shouldLetAResearcherRollDevBack() {
    fixture.project().promoted(PromotionProject.RESEARCHER, "dev", 1);
    fixture.project().promoted(PromotionProject.RESEARCHER, "dev", 2);
    fixture.start();

    HttpResponse<String> response =
        fixture.post("/api/environments/dev/rollback", BOB, "{\"reason\": \"v2 answers badly\"}");

    assertThat(response.statusCode()).as(response.body() + fixture.log()).isEqualTo(200);
    assertThat(json(response).get("outcome").asText()).isEqualTo("done");
    assertThat(fixture.project().deployedVersion("dev")).isEqualTo(1);
    assertThat(runId("promote v2 to dev", "ROLLED_BACK")).isNotBlank();
  }

  @Test
  void shouldAnswer409AndRecordNothingWhenThereIsNothingToRollBackTo() {
    fixture.project().promoted(PromotionProject.RESEARCHER, "dev", 1);
    fixture.start();
    JsonNode before = fixture.observable();

    HttpResponse<String> response =
        fixture.post("/api/environments/dev/rollback", ALICE, "{\"reason\": \"try\"}");

    assertThat(error(response, 409))
        .isEqualTo("dev has no verified snapshot other than the current one to roll back to");
    assertThat(fixture.project().deployedVersion("dev")).isEqualTo(1);
    assertThat(fixture.observable())
        .as("a rollback that cannot happen is refused, not recorded as a failed run")
        .isEqualTo(before);
  }

  private JsonNode history(String environment) {
    HttpResponse<String> response =
        fixture.get("/api/environments/" + environment + "/history?limit=200");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  private String runId(String title, String state) {
    List<String> ids = new ArrayList<>();
    json(fixture.get("/api/runs?limit=200"))
        .get("items")
        .forEach(
            run -> {
              if (run.get("title").asText().equals(title)
                  && run.get("state").asText().equals(state)) {
                ids.add(run.get("id").asText());
              }
            });
    assertThat(ids).as("runs '%s' in %s", title, state).hasSize(1);
    return ids.get(0);
  }
}
