package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.DashboardFixture.ALICE;
import static org.openautoglm.cli.DashboardFixture.BOB;
import static org.openautoglm.cli.DashboardFixture.DAVE;
import static org.openautoglm.cli.DashboardFixture.GUEST;
import static org.openautoglm.cli.DashboardFixture.error;
import static org.openautoglm.cli.DashboardFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Approve and Reject buttons through {@code POST /api/approvals/{id}/approve} and {@code
 * /reject}: alice asked for v1 in production, which needs one admin other than her.
 */
@Timeout(120)
class DashboardServerApprovalsITest {
  @TempDir Path temp;

  private DashboardFixture fixture;
  private String request;

  @BeforeEach
  void openAProductionRequest() {
    fixture = DashboardFixture.create(temp);
    fixture.project().register("model-1.safetensors", "weights one");
    fixture.project().promoted(PromotionProject.RESEARCHER, "dev", 1);
    fixture.project().promoted(PromotionProject.ADMIN, "staging", 1);
    request = fixture.requestProduction(1);
    fixture.start();
    assertThat(productionRequest().get("state").asText()).isEqualTo("open");
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void shouldLetAnotherAdminApproveButNeitherTheRequesterNorOthers() {
    String approve = "/api/approvals/" + request + "/approve";
    JsonNode before = fixture.observable();

    HttpResponse<String> anonymous = fixture.post(approve, null, "{}");
    HttpResponse<String> unknownToken = fixture.post(approve, "dave-token-0123456789abcdeX", "{}");
    HttpResponse<String> self = fixture.post(approve, ALICE, "{}");
    HttpResponse<String> researcher = fixture.post(approve, BOB, "{}");
    HttpResponse<String> guest = fixture.post(approve, GUEST, "{}");
    JsonNode afterRefusals = fixture.observable();
    HttpResponse<String> dave = fixture.post(approve, DAVE, "{\"reason\": \"load test passed\"}");
    HttpResponse<String> again = fixture.post(approve, DAVE, "{}");

    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(error(anonymous, 401))
        .isEqualTo("this endpoint changes something: send Authorization: Bearer <token>");
    softly.assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    softly
        .assertThat(error(unknownToken, 401))
        .isEqualTo("the token is not valid; ask the operator for one");
    softly
        .assertThat(error(self, 403))
        .startsWith("alice cannot approve their own request; promotions to production need");
    softly.assertThat(error(researcher, 403)).startsWith("bob (researcher)");
    softly.assertThat(error(guest, 403)).startsWith("guest");
    softly.assertThat(afterRefusals).as("nothing changed by a refusal").isEqualTo(before);

    softly.assertThat(dave.statusCode()).as(dave.body()).isEqualTo(200);
    JsonNode approved = json(dave);
    softly.assertThat(approved.get("outcome").asText()).isEqualTo("done");
    softly
        .assertThat(approved.get("message").asText())
        .isEqualTo("dave approved v1 for production; the requester can now promote it");
    softly
        .assertThat(approved.get("requestId").asText())
        .isEqualTo(request.substring("production:".length()));
    JsonNode state = productionRequest();
    softly.assertThat(state.get("state").asText()).isEqualTo("approved");
    softly
        .assertThat(state.get("approvals"))
        .extracting(given -> given.get("user").asText())
        .containsExactly("dave");
    softly
        .assertThat(error(again, 409))
        .isEqualTo("approval request " + request + " is approved, not open");
    JsonNode approveEntry =
        json(fixture.get("/api/environments/production/history?limit=1")).get("items").get(0);
    softly.assertThat(approveEntry.get("action").asText()).isEqualTo("approve");
    softly.assertThat(approveEntry.get("actor").asText()).isEqualTo("dave");
    softly.assertThat(approveEntry.get("reason").asText()).isEqualTo("load test passed");
    softly.assertAll();

    // the approval is the registry's: alice's next promote goes through
    fixture.project().promoted(PromotionProject.ADMIN, "production", 1);
    assertThat(fixture.project().deployedVersion("production")).isEqualTo(1);
  }

  @Test
  void shouldRejectWithAReasonOnceOnly() {
    String reject = "/api/approvals/" + request + "/reject";

    HttpResponse<String> self = fixture.post(reject, ALICE, "{\"reason\": \"never mind\"}");
    HttpResponse<String> dave = fixture.post(reject, DAVE, "{\"reason\": \"not before Monday\"}");
    HttpResponse<String> again = fixture.post(reject, DAVE, "{\"reason\": \"still no\"}");
    HttpResponse<String> approveRejected =
        fixture.post("/api/approvals/" + request + "/approve", DAVE, "{}");

    assertThat(error(self, 403)).startsWith("alice cannot approve their own request");
    assertThat(dave.statusCode()).as(dave.body()).isEqualTo(200);
    assertThat(json(dave).get("outcome").asText()).isEqualTo("done");
    assertThat(json(dave).get("message").asText()).isEqualTo("dave rejected v1 for production");
    assertThat(json(fixture.get("/api/project")).get("environments").get(2).get("approvals"))
        .as("a rejected request is no longer pending")
        .isEmpty();
    JsonNode entry =
        json(fixture.get("/api/environments/production/history?limit=1")).get("items").get(0);
    assertThat(entry.get("action").asText()).isEqualTo("reject");
    assertThat(entry.get("actor").asText()).isEqualTo("dave");
    assertThat(entry.get("reason").asText()).isEqualTo("not before Monday");
    assertThat(error(again, 409))
        .isEqualTo("approval request " + request + " is rejected, not open");
    assertThat(error(approveRejected, 409))
        .isEqualTo("approval request " + request + " is rejected, not open");
    assertThat(fixture.project().deployedVersion("production")).isNull();
  }

  @Test
  void shouldRefuseUnknownAndMalformedIdsAndBodies() {
    JsonNode before = fixture.observable();
    String number = request.substring("production:".length());

    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(error(fixture.post("/api/approvals/production:99/approve", DAVE, "{}"), 404))
        .isEqualTo("no approval request production:99");
    softly
        .assertThat(
            error(fixture.post("/api/approvals/prod:" + number + "/approve", DAVE, "{}"), 404))
        .isEqualTo("no approval request prod:" + number);
    for (String malformed : List.of(number, "production:", ":" + number, "production%3A")) {
      softly
          .assertThat(
              error(fixture.post("/api/approvals/" + malformed + "/approve", DAVE, "{}"), 400))
          .as(malformed)
          .startsWith("an approval id is ENVIRONMENT:NUMBER, like production:12; got '");
    }
    softly
        .assertThat(error(fixture.post("/api/approvals/" + request + "/approve", DAVE, "[]"), 400))
        .isEqualTo("the body must be a JSON object");
    softly
        .assertThat(
            error(
                fixture.post("/api/approvals/" + request + "/reject", DAVE, "{\"reason\": false}"),
                400))
        .isEqualTo("/reason must be a string or null");
    softly
        .assertThat(error(fixture.post("/api/approvals/" + request + "/approve", DAVE, "{"), 400))
        .startsWith("the body is not valid JSON (line 1, column 2)");
    HttpResponse<String> get =
        fixture.get("/api/approvals/" + request + "/approve", "Authorization", "Bearer " + DAVE);
    softly
        .assertThat(error(get, 405))
        .isEqualTo("GET is not allowed; this endpoint changes something and takes POST only");
    softly.assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    softly
        .assertThat(error(fixture.post("/api/approvals/" + request + "/merge", DAVE, "{}"), 404))
        .startsWith("no API endpoint");
    softly.assertAll();
    assertThat(fixture.observable()).isEqualTo(before);
    assertThat(productionRequest().get("state").asText()).isEqualTo("open");
  }

  /** The production request as the project model shows it. */
  private JsonNode productionRequest() {
    JsonNode approvals =
        json(fixture.get("/api/project")).get("environments").get(2).get("approvals");
    for (JsonNode candidate : approvals) {
      if (candidate.get("id").asText().equals(request)) {
        return candidate;
      }
    }
    throw new AssertionError("no request " + request + " among " + approvals);
  }
}
