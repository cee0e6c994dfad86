package org.openautoglm.config.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openautoglm.config.document.DocumentParser;
import org.openautoglm.config.document.PositionedDocument;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;

class CompactSchemaTranslatorTest {
  private static final DocumentParser PARSER = new DocumentParser(LoadLimits.DEFAULT);

  private static ConfigSchema compile(String compact) {
    return new SchemaLoader(LoadLimits.DEFAULT).compile(new SourceFile("schemas/c.yaml", compact));
  }

  private static JsonNode translate(String compact) {
    SourceFile source = new SourceFile("schemas/c.yaml", compact);
    return new CompactSchemaTranslator(PARSER.parse(source), source::position).translate();
  }

  private static List<String> problems(ConfigSchema schema, String document) {
    PositionedDocument parsed = PARSER.parse(new SourceFile("config.yaml", document));
    return schema.validate(parsed.root()).stream()
        .map(v -> (v.pointer().isEmpty() ? "(root)" : v.pointer()) + ": " + v.message())
        .toList();
  }

  private static Diagnostic rejectionOf(String compact) {
    Throwable thrown = catchThrowable(() -> compile(compact));
    assertThat(thrown).isInstanceOf(ConfigException.class);
    return ((ConfigException) thrown).diagnostic();
  }

  private static final ConfigSchema SERVER =
      compile(
          String.join(
              "\n",
              "host: {type: string, required: true}",
              "port: {type: integer, range: [1024, 65535]}",
              "ratio: {type: number, range: [0, null]}",
              "mode: {enum: [train, eval]}",
              "name: {type: string, pattern: '^[a-z]+$', length: [2, 5]}",
              "tags: {type: array, items: string, length: [1, 2]}",
              "seed: integer",
              "anything: any",
              "optional: {type: string, nullable: true}",
              "trainer:",
              "  type: object",
              "  properties:",
              "    lr: {type: number, range: [0, 1], required: true}",
              "open: {type: object, additional: true}",
              "labels: {type: object, additional: true, properties: {team: string}}",
              "extras: {description: free text, default: 1, format: email}",
              ""));

  @Test
  void shouldTranslateToJsonSchema202012() {
    JsonNode schema = translate("host: {type: string, required: true}\nport: integer\n");

    assertThat(schema.toString())
        .isEqualTo(
            "{\"type\":\"object\",\"properties\":{\"host\":{\"type\":\"string\"},"
                + "\"port\":{\"type\":\"integer\"}},\"required\":[\"host\"],"
                + "\"additionalProperties\":false,"
                + "\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"}");
  }

  @Test
  void shouldAcceptADocumentThatFits() {
    assertThat(
            problems(
                SERVER,
                "host: h\nport: 8080\nratio: 1000.5\nmode: eval\nname: ab\ntags: [a]\nseed: 3\n"
                    + "anything: [1, {x: y}]\noptional: null\ntrainer: {lr: 0.5}\n"
                    + "open: {whatever: 1}\nlabels: {team: ml, other: x}\nextras: [1]\n"))
        .isEmpty();
  }

  @Test
  void shouldRequireRequiredKeys() {
    assertThat(problems(SERVER, "port: 8080\n"))
        .containsExactly("(root): missing required key 'host'; add it");
    assertThat(problems(SERVER, "host: h\ntrainer: {}\n"))
        .containsExactly("/trainer: missing required key 'lr'; add it");
  }

  @Test
  void shouldCheckRangesInclusively() {
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(problems(SERVER, "host: h\nport: 1024\n")).isEmpty();
    softly.assertThat(problems(SERVER, "host: h\nport: 65535\n")).isEmpty();
    softly
        .assertThat(problems(SERVER, "host: h\nport: 1023\n"))
        .containsExactly("/port: must be ≥ 1024, found integer 1023");
    softly
        .assertThat(problems(SERVER, "host: h\nport: 65536\n"))
        .containsExactly("/port: must be ≤ 65535, found integer 65536");
    softly
        .assertThat(problems(SERVER, "host: h\nratio: -0.5\n"))
        .containsExactly("/ratio: must be ≥ 0, found number -0.5");
    softly.assertAll();
  }

  @Test
  void shouldCheckTypes() {
    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(problems(SERVER, "host: 1\n"))
        .containsExactly("/host: expected string, found integer 1");
    softly
        .assertThat(problems(SERVER, "host: h\nseed: 1.5\n"))
        .containsExactly("/seed: expected integer, found number 1.5");
    softly
        .assertThat(problems(SERVER, "host: h\nport: \"8080\"\n"))
        .containsExactly("/port: expected integer, found string \"8080\"");
    softly
        .assertThat(problems(SERVER, "host: h\nport: null\n"))
        .containsExactly("/port: expected integer, found null");
    softly
        .assertThat(problems(SERVER, "host: h\ntrainer: 5\n"))
        .containsExactly("/trainer: expected object, found integer 5");
    softly.assertAll();
  }

  @Test
  void shouldCheckEnumsPatternsAndLengths() {
    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(problems(SERVER, "host: h\nmode: test\n"))
        .containsExactly("/mode: must be one of [\"train\", \"eval\"], found string \"test\"");
    softly
        .assertThat(problems(SERVER, "host: h\nname: ABC\n"))
        .containsExactly("/name: string \"ABC\" does not match the pattern ^[a-z]+$");
    softly
        .assertThat(problems(SERVER, "host: h\nname: a\n"))
        .containsExactly("/name: must be at least 2 characters long, found string \"a\"");
    softly
        .assertThat(problems(SERVER, "host: h\nname: abcdef\n"))
        .containsExactly("/name: must be at most 5 characters long, found string \"abcdef\"");
    softly
        .assertThat(problems(SERVER, "host: h\ntags: []\n"))
        .containsExactly("/tags: must have at least 1 item(s), found 0");
    softly
        .assertThat(problems(SERVER, "host: h\ntags: [a, b, c]\n"))
        .containsExactly("/tags: must have at most 2 item(s), found 3");
    softly
        .assertThat(problems(SERVER, "host: h\ntags: [a, 1]\n"))
        .containsExactly("/tags/1: expected string, found integer 1");
    softly.assertAll();
  }

  @Test
  void shouldCloseObjectsUnlessTheyAllowMore() {
    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(problems(SERVER, "host: h\nprot: 80\n"))
        .containsExactly("/prot: unknown key 'prot': the schema does not allow it (a typo?)");
    softly
        .assertThat(problems(SERVER, "host: h\ntrainer: {lr: 0.1, lr_decay: 2}\n"))
        .containsExactly(
            "/trainer/lr_decay: unknown key 'lr_decay': the schema does not allow it (a typo?)");
    softly.assertThat(problems(SERVER, "host: h\nopen: {a: 1}\n")).isEmpty();
    softly
        .assertThat(problems(SERVER, "host: h\nlabels: {team: 5}\n"))
        .containsExactly("/labels/team: expected string, found integer 5");
    softly.assertAll();
  }

  @Test
  void shouldAllowNullOnlyWhereNullable() {
    assertThat(problems(SERVER, "host: h\noptional: null\n")).isEmpty();
    assertThat(problems(SERVER, "host: null\n"))
        .containsExactly("/host: expected string, found null");
  }

  @Test
  void shouldReportEveryViolationAtOnce() {
    assertThat(problems(SERVER, "port: 1\nmode: x\nseed: y\nextra: 1\n")).hasSize(5);
  }

  @Test
  void shouldInferTheTypeFromPropertiesOrItems() {
    ConfigSchema schema =
        compile(
            "inner: {properties: {a: integer}}\nlist: {items: {type: integer, range: [0, 9]}}\n");

    assertThat(problems(schema, "inner: {a: 1}\nlist: [1, 2]\n")).isEmpty();
    assertThat(problems(schema, "inner: {a: x, b: 1}\nlist: [1, 10]\n"))
        .containsExactlyInAnyOrder(
            "/inner/a: expected integer, found string \"x\"",
            "/inner/b: unknown key 'b': the schema does not allow it (a typo?)",
            "/list/1: must be ≤ 9, found integer 10");
  }

  @Test
  void shouldTranslateTheExampleProjectSchema() {
    ConfigSchema schema =
        new SchemaLoader(LoadLimits.DEFAULT)
            .load(
                java.nio.file.Path.of("..", "examples", "schemas", "train.schema.yaml"),
                "schemas/train.schema.yaml");

    assertThat(problems(schema, "schema_version: 3\n"))
        .containsExactlyInAnyOrder(
            "(root): missing required key 'model'; add it",
            "(root): missing required key 'trainer'; add it",
            "(root): missing required key 'data'; add it");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = "=>",
      quoteCharacter = '~',
      value = {
        "x: {type: strin} => 1:5 => unknown type 'strin'; use one of any, array, boolean,"
            + " integer, number, object, string",
        "a: string\\nseed: integr => 2:1 => unknown type 'integr'",
        "x:\\n  type: string\\n  requird: true => 3:3 => unknown key 'requird' in a field spec;"
            + " allowed: type, required, range, enum, pattern, length, format, items, properties,"
            + " additional, nullable, description, default",
        "x: {type: integer, range: [1]} => 1:20 => expected two bounds, for example range: [1024,"
            + " 65535] (use null for no bound)",
        "x: {type: integer, range: 5} => 1:20 => expected two bounds",
        "x: {type: integer, range: [a, 2]} => 1:20 => bounds are numbers or null",
        "x: {type: integer, range: [10, 1]} => 1:20 => the lower bound is greater than the upper"
            + " bound",
        "x: {type: number, range: [0.5, 0.25]} => 1:19 => the lower bound is greater than the"
            + " upper bound",
        "x: {type: string, range: [1, 2]} => 1:19 => 'range' needs type: integer or number",
        "x: {enum: [a], range: [1, 2]} => 1:16 => 'range' needs type: integer or number",
        "x: {type: string, pattern: '[a-'} => 1:19 => invalid regular expression: Illegal"
            + " character range",
        "x: {type: string, pattern: 5} => 1:19 => 'pattern' must be a string",
        "x: {type: integer, length: [1, 2]} => 1:20 => 'length' needs type: string or array",
        "x: {type: string, length: [-1, 2]} => 1:19 => length bounds are whole numbers ≥ 0",
        "x: {type: string, length: [1.5, 2]} => 1:19 => length bounds are whole numbers ≥ 0",
        "x: {type: string, required: yes} => 1:19 => 'required' is true or false",
        "x: {type: string, enum: []} => 1:19 => 'enum' is a non-empty list of values",
        "x: {type: string, items: string} => 1:19 => 'items' needs type: array",
        "x: {type: string, properties: {a: string}} => 1:19 => 'properties' needs type: object",
        "x: {properties: [a]} => 1:5 => 'properties' is a mapping of keys to field specs",
        "x: {type: array, items: {type: nope}} => 1:26 => unknown type 'nope'",
        "x: {type: 5} => 1:5 => 'type' must be a string",
        "a: string\\nx: 5 => 2:1 => a field spec is a type name (string, integer, ...) or a"
            + " mapping such as {type: string, required: true}",
        "- a => 1:1 => a compact schema is a mapping of config keys to field specs",
      })
  void shouldRejectAnInvalidCompactSchemaAtItsPosition(
      String schema, String position, String message) {
    Diagnostic error = rejectionOf(schema.replace("\\n", "\n"));

    assertThat(error.position()).hasToString("schemas/c.yaml:" + position);
    assertThat(error.message()).startsWith("invalid compact schema: " + message);
  }

  @Test
  void shouldRejectAnInvalidCompactSchemaInJsonAtItsPosition() {
    Throwable thrown =
        catchThrowable(
            () ->
                new SchemaLoader(LoadLimits.DEFAULT)
                    .compile(
                        new SourceFile(
                            "schemas/c.json", "{\n  \"port\": {\"type\": \"int\"}\n}\n")));

    Diagnostic error = ((ConfigException) thrown).diagnostic();
    assertThat(error.position()).hasToString("schemas/c.json:2:12");
    assertThat(error.message()).startsWith("invalid compact schema: unknown type 'int'");
  }
}
