package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.DashboardFixture.BOB;
import static org.openautoglm.cli.DashboardFixture.error;
import static org.openautoglm.cli.DashboardFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/validate}: a posted config checked as the project's file of that name against
 * its schema and each environment's values, without touching the file on disk.
 */
@Timeout(120)
class DashboardServerValidateITest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VALID = "replicas: {{ .replicas }}\nendpoint: {{ .endpoint }}\n";

  @TempDir static Path temp;

  private static DashboardFixture fixture;
  private static Path config;
  private static String original;

  @BeforeAll
  static void start() throws Exception {
    fixture = DashboardFixture.create(temp);
    fixture.start();
    config = Path.of(fixture.project().descriptor()).resolveSibling("configs/serving.yaml");
    original = Files.readString(config);
  }

  @AfterAll
  static void stop() throws Exception {
    assertThat(Files.readString(config)).as("the project's own file").isEqualTo(original);
    fixture.close();
  }

  @Test
  void shouldAnswerWhatAutoglmValidateSaysOfTheSameFile() throws Exception {
    JsonNode all = validate("configs/serving.yaml", VALID, null);
    JsonNode production = validate("configs/serving.yaml", VALID, "production");
    CliRun cli =
        CliRun.autoglm("validate", "--project", fixture.project().descriptor(), "--format", "json");

    assertThat(original).isEqualTo(VALID);
    assertThat(all).isEqualTo(JSON.readTree(cli.out()));
    // each environment renders valid; across environments, replicas differs without mayDiffer
    assertThat(all.get("files"))
        .extracting(file -> file.get("env").asText() + " " + file.get("valid").asBoolean())
        .containsExactly("dev true", "staging true", "production true", "null false");
    assertThat(production.get("valid").asBoolean()).as(production.toString()).isTrue();
    assertThat(production.get("files"))
        .extracting(file -> file.get("env").asText())
        .containsExactly("production");
    assertThat(production.get("files").get(0).get("file").asText()).isEqualTo(config.toString());
  }

  @Test
  void shouldReportErrorsOfAnInvalidConfigWithLineAndColumn() {
    JsonNode wrongType =
        validate("configs/serving.yaml", "replicas: many\nendpoint: {{ .endpoint }}\n", "dev");
    JsonNode broken =
        validate("configs/serving.yaml", "replicas: {{ .replicas }}\nendpoint: [\n", "dev");

    assertThat(wrongType.get("valid").asBoolean()).isFalse();
    List<ReportedError> errors = ReportedError.allIn(wrongType.toString());
    assertThat(errors)
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.env()).isEqualTo("dev");
              assertThat(error.path()).isEqualTo("/replicas");
              assertThat(error.line()).isEqualTo(1);
              assertThat(error.column()).isEqualTo(11);
              assertThat(error.message()).contains("integer");
            });
    assertThat(broken.get("valid").asBoolean()).isFalse();
    assertThat(ReportedError.allIn(broken.toString()))
        .isNotEmpty()
        .allSatisfy(error -> assertThat(error.line()).isBetween(2, 3));
  }

  @Test
  void shouldAnswer404ForAFileOrEnvironmentTheProjectDoesNotHave() {
    SoftAssertions softly = new SoftAssertions();
    for (String file :
        List.of("configs/other.yaml", "../autoglm.yaml", "autoglm.yaml", "/etc/passwd")) {
      softly
          .assertThat(error(post(body(file, VALID, null)), 404))
          .as(file)
          .startsWith("the project has no config '" + file + "'; its configs: ")
          .endsWith("configs/serving.yaml");
    }
    softly
        .assertThat(error(post(body("configs/serving.yaml", VALID, "prod")), 404))
        .isEqualTo(
            "the project has no environment 'prod'; its environments: dev, staging, production");
    softly.assertAll();
  }

  @Test
  void shouldRequireATokenAndAFileAndContent() {
    HttpResponse<String> anonymous =
        fixture.post("/api/validate", null, body("configs/serving.yaml", VALID, null));
    HttpResponse<String> get = fixture.get("/api/validate", "Authorization", "Bearer " + BOB);

    assertThat(error(anonymous, 401))
        .isEqualTo("this endpoint changes something: send Authorization: Bearer <token>");
    assertThat(error(post("{\"content\": \"a: 1\"}"), 400))
        .isEqualTo("/file is required (a non-empty string)");
    assertThat(error(post("{\"file\": \"configs/serving.yaml\"}"), 400))
        .isEqualTo("/content is required (a non-empty string)");
    assertThat(error(post("{\"file\": \"configs/serving.yaml\", \"content\": 1}"), 400))
        .isEqualTo("/content must be a string or null");
    assertThat(
            error(
                post(
                    "{\"file\": \"configs/serving.yaml\", \"content\": \"a\", \"environment\":"
                        + " [\"dev\"]}"),
                400))
        .isEqualTo("/environment must be a string or null");
    assertThat(error(get, 405)).startsWith("GET is not allowed");
  }

  private static JsonNode validate(String file, String content, String environment) {
    HttpResponse<String> response = post(body(file, content, environment));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  private static HttpResponse<String> post(String body) {
    return fixture.post("/api/validate", BOB, body);
  }

  private static String body(String file, String content, String environment) {
    var node = JSON.createObjectNode().put("file", file).put("content", content);
    if (environment != null) {
      node.put("environment", environment);
    }
    return node.toString();
  }
}
