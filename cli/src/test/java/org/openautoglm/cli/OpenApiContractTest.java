package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.DashboardFixture.ALICE;
import static org.openautoglm.cli.DashboardFixture.BOB;
import static org.openautoglm.cli.DashboardFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.config.document.DocumentParser;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;

/**
 * The server's answers match docs/openapi.yaml: every response of a populated project is checked
 * against the document's component schemas, so the published contract cannot drift from what the
 * server (and the dashboard, and Jenkins) actually exchange.
 */
@Timeout(120)
class OpenApiContractTest {
  private static final Path OPENAPI = Path.of("..", "docs", "openapi.yaml");

  @TempDir static Path temp;

  private static DashboardFixture fixture;
  private static JsonNode openapi;
  private static SchemaRegistry registry;

  @BeforeAll
  static void populate() {
    openapi =
        new DocumentParser(LoadLimits.DEFAULT)
            .parse(SourceFile.read(OPENAPI, OPENAPI.toString(), LoadLimits.DEFAULT))
            .root();
    registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
    fixture = DashboardFixture.create(temp);
    fixture.project().register("model-1.safetensors", "weights one");
    fixture.project().register("model-2.safetensors", "weights two");
    fixture.project().promoteToProduction(1);
    fixture.project().promoted(PromotionProject.RESEARCHER, "dev", 2);
    fixture.project().promoted(PromotionProject.ADMIN, "staging", 2);
    fixture.start();
    // an open request, so that environments and runs carry an approval
    fixture.requestProduction(2);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** The component schema {@code name}, resolved inside the whole document. */
  private static Schema component(String name) {
    ObjectNode root = openapi.deepCopy();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.put("$ref", "#/components/schemas/" + name);
    return registry.getSchema(SchemaLocation.of("urn:autoglm:openapi:" + name), root);
  }

  private static JsonNode inline(String path, String method, String status) {
    return openapi
        .get("paths")
        .get(path)
        .get(method)
        .get("responses")
        .get(status)
        .get("content")
        .get("application/json")
        .get("schema");
  }

  private static Schema inlineSchema(String path, String method) {
    ObjectNode root = openapi.deepCopy();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.set("allOf", root.arrayNode().add(inline(path, method, "200")));
    return registry.getSchema(
        SchemaLocation.of("urn:autoglm:openapi:" + method + path.replace('/', '_')), root);
  }

  private static void assertMatches(Schema schema, JsonNode answer) {
    List<?> errors = schema.validate(answer);
    assertThat(errors).as(answer.toPrettyString()).isEmpty();
  }

  @Test
  void shouldDescribeTheProjectModel() {
    JsonNode project = json(fixture.get("/api/project"));

    assertThat(project.get("environments")).hasSize(3);
    assertMatches(inlineSchema("/project", "get"), project);
    for (JsonNode environment : project.get("environments")) {
      assertMatches(component("Environment"), environment);
    }
  }

  @Test
  void shouldDescribeRunPagesAndEveryRun() {
    JsonNode page = json(fixture.get("/api/runs?limit=50"));

    assertMatches(component("RunPage"), page);
    assertThat(page.get("items")).isNotEmpty();
    for (JsonNode summary : page.get("items")) {
      JsonNode run = json(fixture.get("/api/runs/" + summary.get("id").asText()));
      assertMatches(component("Run"), run);
    }
  }

  @Test
  void shouldDescribeHistoryAndSession() {
    assertMatches(
        inlineSchema("/environments/{env}/history", "get"),
        json(fixture.get("/api/environments/production/history?limit=5")));
    assertMatches(inlineSchema("/session", "get"), json(fixture.get("/api/session")));
    assertMatches(
        inlineSchema("/session", "get"),
        json(fixture.get("/api/session", "Authorization", "Bearer " + ALICE)));
  }

  @Test
  void shouldDescribeErrorsAndOutcomes() {
    HttpResponse<String> denied =
        fixture.post("/api/environments/production/rollback", BOB, "{\"reason\": \"x\"}");
    assertThat(denied.statusCode()).isEqualTo(403);
    assertMatches(component("Error"), json(denied));

    HttpResponse<String> validated =
        fixture.post(
            "/api/validate",
            ALICE,
            "{\"file\": \"configs/serving.yaml\", \"content\": \"replicas: many\\n\"}");
    assertThat(validated.statusCode()).as(validated.body()).isEqualTo(200);
    assertMatches(inlineSchema("/validate", "post"), json(validated));
  }

  @Test
  void shouldBeTheDocumentTheDocsLinkTo() throws Exception {
    assertThat(Files.readString(Path.of("..", "docs", "rest-api.md"))).contains("openapi.yaml");
    assertThat(openapi.get("openapi").asText()).startsWith("3.1");
  }
}
