package org.openautoglm.config.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.config.document.DocumentParser;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;

class SchemaLoaderTest {
  private static final DocumentParser PARSER = new DocumentParser(LoadLimits.DEFAULT);

  @TempDir Path directory;

  private static ConfigSchema compile(String name, String text) {
    return new SchemaLoader(LoadLimits.DEFAULT).compile(new SourceFile(name, text));
  }

  private static List<String> problems(ConfigSchema schema, String document) {
    return schema.validate(PARSER.parse(new SourceFile("config.yaml", document)).root()).stream()
        .map(v -> v.pointer() + ": " + v.message())
        .toList();
  }

  private static Diagnostic rejection(String name, String text) {
    Throwable thrown = catchThrowable(() -> compile(name, text));
    assertThat(thrown).isInstanceOf(ConfigException.class);
    return ((ConfigException) thrown).diagnostic();
  }

  @Test
  void shouldCheckFormatsLikeAjvFormats() {
    ConfigSchema schema = compile("s.yaml", "endpoint: {type: string, format: uri}\n");

    assertThat(problems(schema, "endpoint: https://example.com/v1\n")).isEmpty();
    assertThat(problems(schema, "endpoint: not a uri\n"))
        .singleElement()
        .asString()
        .startsWith("/endpoint: ");
  }

  @Test
  void shouldReportATypoInAJsonSchemaAtItsPlaceInTheSchemaFile() {
    Diagnostic error =
        rejection(
            "s.json",
            "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\",\n"
                + " \"properties\": {\"port\": {\"type\": \"strin\"},\n"
                + "                \"x\": {\"minimum\": \"a\"}}}\n");

    assertThat(error.position()).hasToString("s.json:2:34");
    assertThat(error.message())
        .startsWith("invalid JSON Schema: /properties/port/type: matches none of the allowed forms")
        .contains("found string \"strin\"")
        .endsWith("(checked against the JSON Schema 2020-12 meta-schema)");
  }

  @Test
  void shouldDetectJsonSchemaByItsDialect() {
    ConfigSchema schema =
        compile(
            "s.json",
            "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\","
                + " \"properties\": {\"port\": {\"type\": \"integer\"}}}");

    // JSON Schema objects are open: an unknown key passes, unlike in the compact form
    assertThat(problems(schema, "port: 1\nother: x\n")).isEmpty();
    assertThat(problems(schema, "port: x\n"))
        .containsExactly("/port: expected integer, found string \"x\"");
  }

  @Test
  void shouldDetectJsonSchemaByATopLevelTypeName() {
    ConfigSchema schema =
        compile("s.yaml", "type: object\nproperties:\n  port: {type: integer}\nrequired: [port]\n");

    assertThat(problems(schema, "other: 1\n"))
        .containsExactly(": missing required key 'port'; add it");
  }

  @Test
  void shouldReadACompactSchemaWithAKeyNamedType() {
    // "type" is a field here, its spec a mapping: still the compact form
    ConfigSchema schema = compile("s.yaml", "type: {enum: [a, b]}\n");

    assertThat(problems(schema, "type: a\n")).isEmpty();
    assertThat(problems(schema, "type: c\nextra: 1\n"))
        .containsExactlyInAnyOrder(
            "/type: must be one of [\"a\", \"b\"], found string \"c\"",
            "/extra: unknown key 'extra': the schema does not allow it (a typo?)");
  }

  @Test
  void shouldReadJsonSchemaWithoutADialectAs202012() {
    // prefixItems is new in 2020-12: an older dialect would ignore it and accept [a, 1]
    ConfigSchema schema =
        compile(
            "s.yaml",
            "type: object\nproperties:\n  pair:\n    type: array\n"
                + "    prefixItems: [{type: integer}, {type: string}]\n    items: false\n");

    assertThat(problems(schema, "pair: [1, a]\n")).isEmpty();
    assertThat(problems(schema, "pair: [a, 1]\n"))
        .containsExactly(
            "/pair/0: expected integer, found string \"a\"",
            "/pair/1: expected string, found integer 1");
  }

  @Test
  void shouldWordCommonViolationsForPeople() {
    ConfigSchema schema =
        compile(
            "s.json",
            "{\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"name\"],"
                + " \"properties\": {\"name\": {\"type\": \"string\", \"pattern\": \"^[a-z]+$\"},"
                + " \"replicas\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 100},"
                + " \"ratio\": {\"exclusiveMinimum\": 0, \"exclusiveMaximum\": 1},"
                + " \"version\": {\"const\": 3},"
                + " \"mode\": {\"enum\": [\"train\", \"eval\"]},"
                + " \"step\": {\"type\": \"integer\", \"multipleOf\": 5}}}");

    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(problems(schema, "replicas: 1\n"))
        .containsExactly(": missing required key 'name'; add it");
    softly
        .assertThat(problems(schema, "name: a\nreplica: 1\n"))
        .containsExactly("/replica: unknown key 'replica': the schema does not allow it (a typo?)");
    softly
        .assertThat(problems(schema, "name: 5\n"))
        .containsExactly("/name: expected string, found integer 5");
    softly
        .assertThat(problems(schema, "name: Bad\n"))
        .containsExactly("/name: string \"Bad\" does not match the pattern ^[a-z]+$");
    softly
        .assertThat(problems(schema, "name: a\nreplicas: 0\n"))
        .containsExactly("/replicas: must be ≥ 1, found integer 0");
    softly
        .assertThat(problems(schema, "name: a\nreplicas: 101\n"))
        .containsExactly("/replicas: must be ≤ 100, found integer 101");
    softly
        .assertThat(problems(schema, "name: a\nratio: 0\n"))
        .containsExactly("/ratio: must be > 0, found integer 0");
    softly
        .assertThat(problems(schema, "name: a\nratio: 1\n"))
        .containsExactly("/ratio: must be < 1, found integer 1");
    softly
        .assertThat(problems(schema, "name: a\nversion: 2\n"))
        .containsExactly("/version: must be 3, found integer 2");
    softly
        .assertThat(problems(schema, "name: a\nmode: test\n"))
        .containsExactly("/mode: must be one of [\"train\", \"eval\"], found string \"test\"");
    // keywords without a wording of their own keep the validator's message
    softly
        .assertThat(problems(schema, "name: a\nstep: 7\n"))
        .containsExactly("/step: must be multiple of 5");
    softly.assertAll();
  }

  @Test
  void shouldAbbreviateLongValuesInMessages() {
    ConfigSchema schema = compile("s.yaml", "name: {type: string, length: [1, 3]}\n");

    assertThat(problems(schema, "name: " + "x".repeat(100) + "\n"))
        .singleElement()
        .asString()
        .endsWith("found string \"" + "x".repeat(56) + "...");
  }

  @Test
  void shouldFoldOneOfBranchesIntoOneMessage() {
    ConfigSchema schema =
        compile(
            "s.yaml",
            "type: object\nproperties:\n  files:\n    oneOf:\n      - {type: string}\n"
                + "      - {type: array, items: {type: string}}\n"
                + "  number:\n    oneOf: [{type: integer}, {type: number}]\n");

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(problems(schema, "files: a\n")).isEmpty();
    softly.assertThat(problems(schema, "files: [a, b]\n")).isEmpty();
    softly
        .assertThat(problems(schema, "files: 5\n"))
        .containsExactly(
            "/files: matches none of the allowed forms (string | array), found integer 5");
    // 1 is an integer and a number: oneOf wants exactly one
    softly
        .assertThat(problems(schema, "number: 1\n"))
        .containsExactly("/number: matches more than one of the allowed forms, found integer 1");
    softly.assertThat(problems(schema, "number: 1.5\n")).isEmpty();
    softly.assertAll();
  }

  @Test
  void shouldReportAnAnyOfThatNoBranchMatches() {
    ConfigSchema schema =
        compile(
            "s.yaml",
            "type: object\nproperties:\n  flag: {anyOf: [{type: string}, {type: boolean}]}\n"
                + "  list: {type: array, items: {anyOf: [{type: string}, {minimum: 5}]}}\n");

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(problems(schema, "flag: yes\n")).isEmpty();
    softly.assertThat(problems(schema, "flag: true\n")).isEmpty();
    softly
        .assertThat(problems(schema, "flag: 1\n"))
        .containsExactly(
            "/flag: matches none of the allowed forms (string | boolean), found integer 1");
    softly
        .assertThat(problems(schema, "list: [a, 1, 6, 2]\n"))
        .containsExactly(
            "/list/1: matches none of the allowed forms (string | must have a minimum value of 5),"
                + " found integer 1",
            "/list/3: matches none of the allowed forms (string | must have a minimum value of 5),"
                + " found integer 2");
    softly.assertAll();
  }

  @Test
  void shouldFoldAnyOfBranchesAboutNestedValuesIntoTheOuterValue() {
    ConfigSchema schema =
        compile(
            "s.yaml",
            "type: object\nproperties:\n  v:\n    anyOf:\n      - {type: string}\n"
                + "      - {type: object, properties: {a: {type: integer}}}\n");

    // one problem about v (not one about v and another about v/a)
    assertThat(problems(schema, "v: {a: x}\n"))
        .containsExactly(
            "/v: matches none of the allowed forms (string | integer), found a mapping");
  }

  @Test
  void shouldNotFetchARemoteReferenceAtCompileTime() throws IOException {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          byte[] body = "{\"type\": \"integer\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/remote.schema.json";

      Diagnostic error =
          assertTimeoutPreemptively(
              Duration.ofSeconds(5),
              () ->
                  rejection(
                      "s.json",
                      "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"$ref\": \""
                          + url
                          + "\"}"));

      assertThat(requests).hasValue(0);
      assertThat(error.position()).hasToString("s.json:1:1");
      assertThat(error.message())
          .startsWith("invalid JSON Schema: ")
          .contains(url)
          .endsWith("; fix the schema file");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void shouldNotFetchARemoteReferenceWhileValidating() {
    // an address that would make a real connection attempt hang until a timeout
    String url = "http://10.255.255.1/remote.schema.json";
    ConfigSchema schema =
        compile(
            "s.json",
            "{\"type\": \"object\", \"properties\": {\"v\": {\"$ref\": \"" + url + "\"}}}");

    List<Violation> violations =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () -> schema.validate(PARSER.parse(new SourceFile("c.yaml", "v: 1\n")).root()));

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.pointer()).isEmpty();
              assertThat(v.message()).startsWith("the schema s.json is broken: ").contains(url);
            });
  }

  @Test
  void shouldRejectAJsonSchemaThatDoesNotCompile() {
    Diagnostic error =
        rejection(
            "s.json", "{\"type\": \"object\", \"properties\": {\"v\": {\"minimum\": \"x\"}}}");

    // the meta-schema check finds it first, at the offending value
    assertThat(error.toString())
        .isEqualTo(
            "s.json:1:52: invalid JSON Schema: /properties/v/minimum: expected number, found"
                + " string \"x\" (checked against the JSON Schema 2020-12 meta-schema)");
  }

  @Test
  void shouldRejectASchemaThatDoesNotParse() {
    Diagnostic error = rejection("s.yaml", "a: 1\na: 2\n");

    assertThat(error.position()).hasToString("s.yaml:2:1");
    assertThat(error.message()).startsWith("duplicate key 'a'");
  }

  @Test
  void shouldLoadEachSchemaFileOnce() throws IOException {
    Path file = Files.writeString(directory.resolve("s.yaml"), "port: integer\n");
    SchemaLoader loader = new SchemaLoader(LoadLimits.DEFAULT);

    ConfigSchema first = loader.load(file, "schemas/s.yaml");
    Files.writeString(file, "port: string\n");
    ConfigSchema second = loader.load(directory.resolve(".").resolve("s.yaml"), "schemas/s.yaml");

    assertThat(second).isSameAs(first);
    assertThat(first.name()).isEqualTo("schemas/s.yaml");
  }

  @Test
  void shouldReportAMissingSchemaFileByItsDisplayName() {
    Throwable thrown =
        catchThrowable(
            () ->
                new SchemaLoader(LoadLimits.DEFAULT)
                    .load(directory.resolve("none.yaml"), "schemas/none.yaml"));

    assertThat(((ConfigException) thrown).diagnostic().toString())
        .isEqualTo("schemas/none.yaml:1:1: file not found");
  }
}
