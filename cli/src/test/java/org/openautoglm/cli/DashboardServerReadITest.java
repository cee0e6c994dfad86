package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.DashboardFixture.ALICE;
import static org.openautoglm.cli.DashboardFixture.BOB;
import static org.openautoglm.cli.DashboardFixture.CAROL;
import static org.openautoglm.cli.DashboardFixture.DAVE;
import static org.openautoglm.cli.DashboardFixture.GUEST;
import static org.openautoglm.cli.DashboardFixture.error;
import static org.openautoglm.cli.DashboardFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read side of the {@code ui} server's REST API over real HTTP: health, project, runs, a run,
 * an environment's history and the session, with their paging and refusals. The project is built
 * once through the CLI: v1 and v2 went to production, v3 is verified in staging and waits for an
 * approval to go to production.
 */
@Timeout(120)
class DashboardServerReadITest {
  /** Runs the CLI left: 3 per version taken to production (the waiting promotion goes on). */
  private static final int RUNS = 9;

  @TempDir static Path temp;

  private static DashboardFixture fixture;
  private static String openRequest;

  @BeforeAll
  static void buildProject() {
    fixture = DashboardFixture.create(temp);
    PromotionProject project = fixture.project();
    fixture.registerWithLoss("model-1.safetensors", 0.9);
    fixture.registerWithLoss("model-2.safetensors", 0.7);
    // v3 carries another metric only: the trend keeps to loss and leaves v3 out
    CliRun third =
        project.as(
            PromotionProject.RESEARCHER,
            "register",
            "--artifact",
            project.artifact("model-3.safetensors", "weights three").toString(),
            "--metric",
            "accuracy=0.93");
    assertThat(third.exitCode()).as(third.transcript()).isZero();
    project.promoteToProduction(1);
    project.promoteToProduction(2);
    project.promoted(PromotionProject.RESEARCHER, "dev", 3);
    project.promoted(PromotionProject.ADMIN, "staging", 3);
    openRequest = fixture.requestProduction(3);
    fixture.start();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  // ---- health and project ----

  @Test
  void shouldAnswerHealthWithoutCachingOrSniffing() {
    HttpResponse<String> health = fixture.get("/api/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(health.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(health.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(health.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void shouldDescribeTheProjectsEnvironmentsRecentRunsAndLossTrend() {
    HttpResponse<String> response = fixture.get("/api/project");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode project = json(response);
    assertThat(PromotionProject.fieldNames(project))
        .containsExactly("name", "environments", "runs", "trend");
    assertThat(project.get("name").asText()).isEqualTo("sentiment-serving");
    assertThat(project.get("environments"))
        .extracting(env -> env.get("name").asText() + " v" + env.get("version").asInt())
        .containsExactly("dev v3", "staging v3", "production v2");
    JsonNode production = project.get("environments").get(2);
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(production.get("verified").asBoolean()).isTrue();
    softly.assertThat(production.get("by").asText()).isEqualTo("alice");
    softly.assertThat(production.get("snapshot").asText()).startsWith("sha256:");
    softly.assertThat(production.get("rollbackTarget").get("version").asInt()).isEqualTo(1);
    softly
        .assertThat(production.get("approvals"))
        .extracting(
            request ->
                request.get("id").asText()
                    + " v"
                    + request.get("version").asInt()
                    + " by "
                    + request.get("requester").asText()
                    + " "
                    + request.get("state").asText())
        .containsExactly(openRequest + " v3 by alice open");
    softly.assertThat(project.get("environments").get(0).get("approvals")).isEmpty();
    JsonNode runs = project.get("runs");
    softly.assertThat(runs.get("total").asInt()).isEqualTo(RUNS);
    softly.assertThat(runs.get("limit").asInt()).isEqualTo(20);
    softly.assertThat(runs.get("items")).hasSize(RUNS);
    // newest first; a promotion that waited for approval goes on in the same run
    softly
        .assertThat(runs.get("items"))
        .extracting(run -> run.get("title").asText() + ": " + run.get("state").asText())
        .containsExactly(
            "promote v3 to production: AWAITING_APPROVAL",
            "promote v3 to staging: VERIFIED",
            "promote v3 to dev: VERIFIED",
            "promote v2 to production: VERIFIED",
            "promote v2 to staging: VERIFIED",
            "promote v2 to dev: VERIFIED",
            "promote v1 to production: VERIFIED",
            "promote v1 to staging: VERIFIED",
            "promote v1 to dev: VERIFIED");
    softly.assertThat(project.get("trend").get("metric").asText()).isEqualTo("loss");
    softly
        .assertThat(project.get("trend").get("points"))
        .extracting(point -> "v" + point.get("version").asInt() + "=" + point.get("value"))
        .containsExactlyInAnyOrder("v1=0.9", "v2=0.7");
    softly.assertAll();
  }

  // ---- runs ----

  @Test
  void shouldPageThroughRunsNewestFirstWithoutGapsOrOverlaps() {
    JsonNode all = json(fixture.get("/api/runs?limit=200"));
    JsonNode byDefault = json(fixture.get("/api/runs"));
    List<String> paged = new ArrayList<>();
    for (int offset = 0; offset < RUNS + 4; offset += 4) {
      JsonNode page = json(fixture.get("/api/runs?limit=4&offset=" + offset));
      assertThat(page.get("total").asInt()).isEqualTo(RUNS);
      assertThat(page.get("limit").asInt()).isEqualTo(4);
      assertThat(page.get("offset").asInt()).isEqualTo(offset);
      assertThat(page.get("items").size()).isEqualTo(Math.max(0, Math.min(4, RUNS - offset)));
      page.get("items").forEach(run -> paged.add(run.get("id").asText()));
    }

    List<String> ids = new ArrayList<>();
    all.get("items").forEach(run -> ids.add(run.get("id").asText()));
    assertThat(all.get("total").asInt()).isEqualTo(RUNS);
    assertThat(ids).hasSize(RUNS).doesNotHaveDuplicates();
    assertThat(ids).isSortedAccordingTo((a, b) -> b.compareTo(a));
    assertThat(paged).isEqualTo(ids);
    assertThat(byDefault.get("limit").asInt()).isEqualTo(20);
    assertThat(byDefault.get("offset").asInt()).isZero();
    assertThat(byDefault.get("unreadable")).isEmpty();
    assertThat(json(fixture.get("/api/runs?offset=500")).get("items")).isEmpty();
  }

  @Test
  void shouldRefuseALimitOrOffsetOutOfRangeNamingTheParameter() {
    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(error(fixture.get("/api/runs?limit=0"), 400))
        .isEqualTo("limit must be between 1 and 200; got 0");
    softly
        .assertThat(error(fixture.get("/api/runs?limit=201"), 400))
        .isEqualTo("limit must be between 1 and 200; got 201");
    softly
        .assertThat(error(fixture.get("/api/runs?limit=-1"), 400))
        .isEqualTo("limit must be between 1 and 200; got -1");
    softly
        .assertThat(error(fixture.get("/api/runs?limit=abc"), 400))
        .isEqualTo("limit must be a whole number; got 'abc'");
    softly
        .assertThat(error(fixture.get("/api/runs?limit="), 400))
        .isEqualTo("limit must be a whole number; got ''");
    softly
        .assertThat(error(fixture.get("/api/runs?limit=99999999999"), 400))
        .isEqualTo("limit must be a whole number; got '99999999999'");
    softly
        .assertThat(error(fixture.get("/api/runs?offset=-1"), 400))
        .isEqualTo("offset must be between 0 and 2147483647; got -1");
    softly
        .assertThat(error(fixture.get("/api/runs?limit=5&offset=x"), 400))
        .isEqualTo("offset must be a whole number; got 'x'");
    softly
        .assertThat(error(fixture.get("/api/environments/dev/history?limit=0"), 400))
        .isEqualTo("limit must be between 1 and 200; got 0");
    softly.assertAll();
    // HttpClient will not send a malformed escape; a browser or curl would
    DashboardFixture.RawResponse malformed =
        fixture.raw("GET /api/runs?limit=%zz HTTP/1.1\r\nHost: 127.0.0.1", new byte[0]);
    assertThat(malformed.status()).as(malformed.body()).isEqualTo(400);
  }

  @Test
  void shouldShowOneRunWithTheApprovalRequestItWaitsFor() {
    String waiting = runId("promote v3 to production", "AWAITING_APPROVAL");
    String verified = runId("promote v1 to dev", "VERIFIED");

    HttpResponse<String> waitingResponse = fixture.get("/api/runs/" + waiting);
    JsonNode waitingRun = json(waitingResponse);
    JsonNode verifiedRun = json(fixture.get("/api/runs/" + verified));

    assertThat(waitingResponse.statusCode()).isEqualTo(200);
    assertThat(waitingResponse.headers().firstValue("Cache-Control")).hasValue("no-store");
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(waitingRun.get("id").asText()).isEqualTo(waiting);
    softly.assertThat(waitingRun.get("kind").asText()).isEqualTo("promotion");
    softly.assertThat(waitingRun.get("state").asText()).isEqualTo("AWAITING_APPROVAL");
    softly.assertThat(waitingRun.get("environment").asText()).isEqualTo("production");
    softly.assertThat(waitingRun.get("version").asInt()).isEqualTo(3);
    softly.assertThat(waitingRun.get("approval").asText()).isEqualTo(openRequest);
    softly.assertThat(waitingRun.get("approvalRequest").get("id").asText()).isEqualTo(openRequest);
    softly.assertThat(waitingRun.get("approvalRequest").get("state").asText()).isEqualTo("open");
    softly
        .assertThat(waitingRun.get("phases"))
        .extracting(phase -> phase.get("state").asText())
        .containsExactly("PENDING", "AWAITING_APPROVAL");
    softly.assertThat(waitingRun.has("durationMs")).isTrue();
    softly.assertThat(verifiedRun.get("title").asText()).isEqualTo("promote v1 to dev");
    softly.assertThat(verifiedRun.get("state").asText()).isEqualTo("VERIFIED");
    softly.assertThat(verifiedRun.get("actor").asText()).isEqualTo("bob");
    softly.assertThat(verifiedRun.get("approvalRequest").isNull()).isTrue();
    softly
        .assertThat(verifiedRun.get("phases"))
        .extracting(phase -> phase.get("state").asText())
        .containsExactly("PENDING", "DEPLOYING", "VERIFIED");
    softly.assertAll();
  }

  @Test
  void shouldAnswer404ForAnUnknownRunAndForPathTricks() {
    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(error(fixture.get("/api/runs/20000101-000000-000000"), 404))
        .isEqualTo("no run 20000101-000000-000000");
    for (String trick :
        List.of(
            "/api/runs/%2e%2e",
            "/api/runs/..",
            "/api/runs/%2e%2e%2fautoglm.yaml",
            "/api/runs/..%2F..%2F..%2Fautoglm.yaml",
            "/api/runs/%2e%2e%2f.lock",
            "/api/runs/.lock",
            "/api/runs/20000101-000000-000000.json")) {
      HttpResponse<String> response = fixture.get(trick);
      softly.assertThat(response.statusCode()).as(trick + ": " + response.body()).isEqualTo(404);
      softly.assertThat(response.body()).as(trick).doesNotContain("apiVersion");
    }
    softly
        .assertThat(error(fixture.get("/api/runs/a/b"), 404))
        .startsWith("no API endpoint /api/runs/a/b");
    softly.assertThat(error(fixture.get("/api/nothing"), 404)).startsWith("no API endpoint");
    softly.assertAll();
  }

  // ---- history ----

  @Test
  void shouldPageThroughAnEnvironmentsHistoryNewestFirst() {
    JsonNode all = json(fixture.get("/api/environments/production/history?limit=200"));
    JsonNode first = json(fixture.get("/api/environments/production/history?limit=2"));
    JsonNode second = json(fixture.get("/api/environments/production/history?limit=2&offset=2"));
    JsonNode beyond = json(fixture.get("/api/environments/production/history?offset=1000"));

    int total = all.get("total").asInt();
    assertThat(all.get("environment").asText()).isEqualTo("production");
    assertThat(all.get("items")).hasSize(total);
    List<Integer> seqs = new ArrayList<>();
    all.get("items").forEach(entry -> seqs.add(entry.get("seq").asInt()));
    assertThat(seqs).isSortedAccordingTo((a, b) -> b - a);
    assertThat(all.get("items").get(0).get("action").asText()).isEqualTo("request");
    assertThat(all.get("items").get(0).get("version").asInt()).isEqualTo(3);
    assertThat(all.get("items"))
        .extracting(entry -> entry.get("action").asText() + " v" + entry.get("version").asInt())
        .contains("promote v2", "verify v2", "promote v1", "approve v1");
    assertThat(first.get("items"))
        .containsExactly(all.get("items").get(0), all.get("items").get(1));
    assertThat(second.get("items"))
        .containsExactly(all.get("items").get(2), all.get("items").get(3));
    assertThat(second.get("offset").asInt()).isEqualTo(2);
    assertThat(second.get("total").asInt()).isEqualTo(total);
    assertThat(beyond.get("items")).isEmpty();
  }

  @Test
  void shouldAnswer404ListingTheEnvironmentsForAnUnknownOne() {
    assertThat(error(fixture.get("/api/environments/prod/history"), 404))
        .isEqualTo(
            "the project has no environment 'prod'; its environments: dev, staging, production");
    assertThat(error(fixture.get("/api/environments/%2e%2e/history"), 404))
        .isEqualTo(
            "the project has no environment '..'; its environments: dev, staging, production");
  }

  // ---- session ----

  @Test
  void shouldTellWhoIsLookingAndWhatTheyMayDo() {
    JsonNode anonymous = json(fixture.get("/api/session"));
    JsonNode alice = session(ALICE);
    JsonNode dave = session(DAVE);
    JsonNode bob = session(BOB);
    JsonNode carol = session(CAROL);
    JsonNode guest = session(GUEST);

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(anonymous.get("user").isNull()).isTrue();
    softly.assertThat(anonymous.get("roles")).isEmpty();
    softly.assertThat(mayDo(anonymous)).containsExactly("dev -", "staging -", "production -");
    softly.assertThat(anonymous.get("approvals").get(openRequest).asBoolean()).isFalse();

    softly.assertThat(alice.get("user").asText()).isEqualTo("alice");
    softly.assertThat(alice.get("roles")).extracting(JsonNode::asText).containsExactly("admin");
    softly
        .assertThat(mayDo(alice))
        .containsExactly(
            "dev rollback promote", "staging rollback promote", "production rollback promote");
    softly
        .assertThat(alice.get("approvals").get(openRequest).asBoolean())
        .as("alice asked for it and may not approve her own request")
        .isFalse();
    softly.assertThat(dave.get("approvals").get(openRequest).asBoolean()).isTrue();

    for (JsonNode researcher : List.of(bob, carol)) {
      softly
          .assertThat(researcher.get("roles"))
          .extracting(JsonNode::asText)
          .containsExactly("researcher");
      softly
          .assertThat(mayDo(researcher))
          .containsExactly("dev rollback promote", "staging -", "production -");
      softly.assertThat(researcher.get("approvals").get(openRequest).asBoolean()).isFalse();
    }
    softly.assertThat(bob.get("user").asText()).isEqualTo("bob");
    softly.assertThat(carol.get("user").asText()).isEqualTo("carol");

    softly.assertThat(guest.get("user").asText()).isEqualTo("guest");
    softly.assertThat(guest.get("roles")).isEmpty();
    softly.assertThat(mayDo(guest)).containsExactly("dev -", "staging -", "production -");
    softly.assertThat(guest.get("approvals").get(openRequest).asBoolean()).isFalse();
    softly.assertAll();
  }

  @Test
  void shouldRefuseAnUnknownTokenOrAnotherSchemeWith401() {
    HttpResponse<String> unknown =
        fixture.get("/api/session", "Authorization", "Bearer not-a-token-of-anybody-here");
    HttpResponse<String> basic =
        fixture.get("/api/session", "Authorization", "Basic YWxpY2U6c2VjcmV0");
    HttpResponse<String> bare = fixture.get("/api/session", "Authorization", "Bearer");
    HttpResponse<String> prefix =
        fixture.get("/api/session", "Authorization", "Bearer " + ALICE.substring(0, 20));
    HttpResponse<String> lowerCaseScheme =
        fixture.get("/api/session", "Authorization", "bearer " + ALICE);

    assertThat(error(unknown, 401)).isEqualTo("the token is not valid; ask the operator for one");
    assertThat(unknown.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer error=\"invalid_token\"");
    assertThat(error(basic, 401)).isEqualTo("use Authorization: Bearer <token>");
    assertThat(basic.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(error(bare, 401)).isEqualTo("use Authorization: Bearer <token>");
    assertThat(error(prefix, 401)).isEqualTo("the token is not valid; ask the operator for one");
    assertThat(lowerCaseScheme.statusCode()).as("the scheme is case-insensitive").isEqualTo(200);
    assertThat(json(lowerCaseScheme).get("user").asText()).isEqualTo("alice");
  }

  @Test
  void shouldAnswer405WithAllowForAWriteToAReadEndpoint() {
    for (String path :
        List.of(
            "/api/health",
            "/api/project",
            "/api/session",
            "/api/runs",
            "/api/environments/dev/history")) {
      HttpResponse<String> post =
          DashboardFixture.send(
              HttpRequest.newBuilder(fixture.uri(path))
                  .header("Authorization", "Bearer " + ALICE)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{}")));
      HttpResponse<String> delete =
          DashboardFixture.send(HttpRequest.newBuilder(fixture.uri(path)).DELETE());

      assertThat(error(post, 405))
          .as(path)
          .isEqualTo("POST is not allowed; this endpoint answers GET");
      assertThat(post.headers().firstValue("Allow")).as(path).hasValue("GET");
      assertThat(error(delete, 405)).as(path).startsWith("DELETE is not allowed");
    }
  }

  private static String runId(String title, String state) {
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

  private static JsonNode session(String token) {
    HttpResponse<String> response = fixture.get("/api/session", "Authorization", "Bearer " + token);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  /** Per environment in order: "env rollback promote", "env -" for nothing. */
  private static List<String> mayDo(JsonNode session) {
    List<String> may = new ArrayList<>();
    session
        .get("environments")
        .fields()
        .forEachRemaining(
            env -> {
              String rights =
                  (env.getValue().get("rollback").asBoolean() ? " rollback" : "")
                      + (env.getValue().get("promote").asBoolean() ? " promote" : "");
              may.add(env.getKey() + (rights.isEmpty() ? " -" : rights));
            });
    return may;
  }
}
