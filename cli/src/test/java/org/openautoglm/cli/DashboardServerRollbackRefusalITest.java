package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.DashboardFixture.ALICE;
import static org.openautoglm.cli.DashboardFixture.BOB;
import static org.openautoglm.cli.DashboardFixture.CAROL;
import static org.openautoglm.cli.DashboardFixture.GUEST;
import static org.openautoglm.cli.DashboardFixture.error;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way {@code POST /api/environments/{env}/rollback} is refused, on a production that runs v2
 * and could roll back to v1: after each refusal the registry, the deployed model and the run list
 * are exactly as before.
 */
@Timeout(120)
class DashboardServerRollbackRefusalITest {
  private static final String PRODUCTION = "/api/environments/production/rollback";
  private static final String VALID = "{\"reason\": \"latency regression\"}";
  private static final int SMALL_LIMIT = 64;

  @TempDir static Path temp;

  private static DashboardFixture fixture;
  private static DashboardServer small;

  private JsonNode before;

  @BeforeAll
  static void productionOnV2() {
    fixture = DashboardFixture.create(temp);
    fixture.project().register("model-1.safetensors", "weights one");
    fixture.project().register("model-2.safetensors", "weights two");
    fixture.project().promoteToProduction(1);
    fixture.project().promoteToProduction(2);
    fixture.start();
    small =
        fixture.startAnother(
            new DashboardServer.Options(
                InetAddress.getLoopbackAddress(), 0, SMALL_LIMIT, Set.of(), null));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @BeforeEach
  void remember() {
    before = fixture.observable();
    assertThat(before.get("total").asInt()).isEqualTo(6);
  }

  @AfterEach
  void nothingChanged() {
    assertThat(fixture.observable()).isEqualTo(before);
    assertThat(fixture.project().deployedVersion("production")).isEqualTo(2);
  }

  @Test
  void shouldAsk401ForATokenWhenThereIsNone() {
    HttpResponse<String> response = fixture.post(PRODUCTION, null, VALID);

    assertThat(error(response, 401))
        .isEqualTo("this endpoint changes something: send Authorization: Bearer <token>");
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
  }

  @Test
  void shouldRefuseAnUnknownTokenWith401() {
    HttpResponse<String> response = fixture.post(PRODUCTION, "alice-token-0123456789abcdeX", VALID);
    HttpResponse<String> basic =
        DashboardFixture.send(
            HttpRequest.newBuilder(fixture.uri(PRODUCTION))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic YWxpY2U6YWxpY2U=")
                .POST(HttpRequest.BodyPublishers.ofString(VALID)));

    assertThat(error(response, 401)).isEqualTo("the token is not valid; ask the operator for one");
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer error=\"invalid_token\"");
    assertThat(error(basic, 401)).isEqualTo("use Authorization: Bearer <token>");
  }

  @Test
  void shouldRefuseProductionToResearchersAndToSomeoneWithoutARoleWith403() {
    HttpResponse<String> bob = fixture.post(PRODUCTION, BOB, VALID);
    HttpResponse<String> carol = fixture.post(PRODUCTION, CAROL, VALID);
    HttpResponse<String> guest = fixture.post(PRODUCTION, GUEST, VALID);
    HttpResponse<String> guestInDev = fixture.post("/api/environments/dev/rollback", GUEST, VALID);

    assertThat(error(bob, 403))
        .isEqualTo(
            "bob (researcher) may roll back test, test-*, dev only; production can be rolled back"
                + " by admin");
    assertThat(error(carol, 403)).startsWith("carol (researcher) may roll back test, test-*, dev");
    assertThat(error(guest, 403)).startsWith("guest").contains("production");
    assertThat(error(guestInDev, 403)).startsWith("guest").contains("dev");
  }

  @Test
  void shouldAnswer404ForAnUnknownEnvironment() {
    assertThat(error(fixture.post("/api/environments/prod/rollback", ALICE, VALID), 404))
        .isEqualTo(
            "the project has no environment 'prod'; its environments: dev, staging, production");
  }

  @Test
  void shouldAnswer409ForASnapshotThatCannotBeRolledBackTo() {
    String current =
        fixture
            .observable()
            .get("environments")
            .get(2)
            .get("snapshot")
            .asText()
            .substring("sha256:".length());

    HttpResponse<String> already =
        fixture.post(PRODUCTION, ALICE, "{\"reason\": \"again\", \"to\": \"" + current + "\"}");
    HttpResponse<String> unknown =
        fixture.post(PRODUCTION, ALICE, "{\"reason\": \"x\", \"to\": \"" + "0".repeat(64) + "\"}");

    assertThat(error(already, 409))
        .startsWith("production runs sha256:")
        .endsWith("nothing to roll back");
    assertThat(error(unknown, 409)).contains("no snapshot");
  }

  @Test
  void shouldRefuseMalformedJsonNamingLineAndColumn() {
    HttpResponse<String> response =
        fixture.post(PRODUCTION, ALICE, "{\n  \"reason\": \"latency\",\n  reason\n}");

    assertThat(error(response, 400))
        .matches("the body is not valid JSON \\(line 3, column \\d+\\): Unexpected character .*");
  }

  @Test
  void shouldRequireAReasonAsANonEmptyString() {
    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(error(fixture.post(PRODUCTION, ALICE, "{}"), 400))
        .isEqualTo("/reason is required (a non-empty string)");
    softly
        .assertThat(error(fixture.post(PRODUCTION, ALICE, "{\"reason\": \" \"}"), 400))
        .isEqualTo("/reason is required (a non-empty string)");
    softly
        .assertThat(error(fixture.post(PRODUCTION, ALICE, "{\"reason\": null}"), 400))
        .isEqualTo("/reason is required (a non-empty string)");
    softly
        .assertThat(error(fixture.post(PRODUCTION, ALICE, "{\"reason\": 5}"), 400))
        .isEqualTo("/reason must be a string or null");
    softly
        .assertThat(error(fixture.post(PRODUCTION, ALICE, "{\"reason\": [\"a\"]}"), 400))
        .isEqualTo("/reason must be a string or null");
    softly
        .assertThat(error(fixture.post(PRODUCTION, ALICE, "{\"reason\": \"x\", \"to\": 1}"), 400))
        .isEqualTo("/to must be a string or null");
    softly.assertAll();
  }

  @Test
  void shouldRefuseABodyThatIsNotAnObject() {
    for (String body : List.of("[]", "\"reason\"", "5", "null", "")) {
      assertThat(error(fixture.post(PRODUCTION, ALICE, body), 400))
          .as("body '%s'", body)
          .isEqualTo("the body must be a JSON object");
    }
  }

  @Test
  void shouldAnswer415ForABodyThatIsNotSentAsJson() {
    HttpResponse<String> text =
        DashboardFixture.send(
            HttpRequest.newBuilder(fixture.uri(PRODUCTION))
                .header("Authorization", "Bearer " + ALICE)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(VALID)));
    HttpResponse<String> form =
        DashboardFixture.send(
            HttpRequest.newBuilder(fixture.uri(PRODUCTION))
                .header("Authorization", "Bearer " + ALICE)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("reason=x")));
    HttpResponse<String> none =
        DashboardFixture.send(
            HttpRequest.newBuilder(fixture.uri(PRODUCTION))
                .header("Authorization", "Bearer " + ALICE)
                .POST(HttpRequest.BodyPublishers.ofString(VALID)));

    for (HttpResponse<String> response : List.of(text, form, none)) {
      assertThat(error(response, 415)).isEqualTo("send the body as Content-Type: application/json");
    }
  }

  @Test
  void shouldAnswer413ForABodyOverTheLimitWithContentLength() {
    byte[] body = oversized(DashboardServer.DEFAULT_MAX_BODY + 1);

    HttpResponse<String> response =
        DashboardFixture.send(
            HttpRequest.newBuilder(fixture.uri(PRODUCTION))
                .header("Authorization", "Bearer " + ALICE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

    assertThat(error(response, 413))
        .isEqualTo(
            "the body is larger than " + DashboardServer.DEFAULT_MAX_BODY + " bytes (--max-body)");
  }

  @Test
  void shouldAnswer413ForAChunkedBodyOverTheLimit() {
    byte[] body = oversized(DashboardServer.DEFAULT_MAX_BODY + 1);

    HttpResponse<String> response =
        DashboardFixture.send(
            HttpRequest.newBuilder(fixture.uri(PRODUCTION))
                .header("Authorization", "Bearer " + ALICE)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body))));

    assertThat(error(response, 413))
        .isEqualTo(
            "the body is larger than " + DashboardServer.DEFAULT_MAX_BODY + " bytes (--max-body)");
  }

  @Test
  void shouldApplyAConfiguredMaxBodyToBothFramings() {
    // at the limit the body is read: bob is then refused by the policy, not by the size
    String atLimit = padded(SMALL_LIMIT);
    String overLimit = padded(SMALL_LIMIT + 1);

    HttpResponse<String> accepted =
        DashboardFixture.send(post(small, BOB, HttpRequest.BodyPublishers.ofString(atLimit)));
    HttpResponse<String> sized =
        DashboardFixture.send(post(small, ALICE, HttpRequest.BodyPublishers.ofString(overLimit)));
    HttpResponse<String> chunked =
        DashboardFixture.send(
            post(
                small,
                ALICE,
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(overLimit.getBytes(StandardCharsets.UTF_8)))));

    assertThat(error(accepted, 403)).startsWith("bob (researcher)");
    assertThat(error(sized, 413)).isEqualTo("the body is larger than 64 bytes (--max-body)");
    assertThat(error(chunked, 413)).isEqualTo("the body is larger than 64 bytes (--max-body)");
  }

  @Test
  void shouldAnswerTheRefusalBeforeTheBodyToALargeBodyFromSomeoneWithoutAToken() {
    // under the limit but larger than what the JDK server drains on its own
    byte[] body = oversized(DashboardServer.DEFAULT_MAX_BODY / 2);

    HttpResponse<String> anonymous =
        DashboardFixture.send(
            HttpRequest.newBuilder(fixture.uri(PRODUCTION))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    HttpResponse<String> text =
        DashboardFixture.send(
            HttpRequest.newBuilder(fixture.uri(PRODUCTION))
                .header("Authorization", "Bearer " + ALICE)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

    assertThat(error(anonymous, 401)).startsWith("this endpoint changes something");
    assertThat(error(text, 415)).startsWith("send the body as Content-Type: application/json");
  }

  @Test
  void shouldAnswer405WithAllowPostToAGet() {
    HttpResponse<String> get = fixture.get(PRODUCTION, "Authorization", "Bearer " + ALICE);
    HttpResponse<String> put =
        DashboardFixture.send(
            HttpRequest.newBuilder(fixture.uri(PRODUCTION))
                .header("Authorization", "Bearer " + ALICE)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(VALID)));

    assertThat(error(get, 405))
        .isEqualTo("GET is not allowed; this endpoint changes something and takes POST only");
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    assertThat(error(put, 405)).startsWith("PUT is not allowed");
    assertThat(put.headers().firstValue("Allow")).hasValue("POST");
  }

  private static HttpRequest.Builder post(
      DashboardServer server, String token, HttpRequest.BodyPublisher body) {
    return HttpRequest.newBuilder(DashboardFixture.uri(server, PRODUCTION))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(body);
  }

  /** A JSON object with a reason, exactly {@code size} bytes long. */
  private static String padded(int size) {
    String start = "{\"reason\": \"";
    String end = "\"}";
    String json = start + "x".repeat(size - start.length() - end.length()) + end;
    assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(size);
    return json;
  }

  private static byte[] oversized(int size) {
    return padded(size).getBytes(StandardCharsets.UTF_8);
  }
}
