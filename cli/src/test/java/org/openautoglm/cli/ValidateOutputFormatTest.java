package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.CliRun.autoglm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The three report formats of {@code validate}, read the way their consumers read them. */
class ValidateOutputFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code file:line:column: } as editors and Jenkins' warnings parsers expect it. */
  private static final Pattern DIAGNOSTIC = Pattern.compile("^(.+):(\\d+):(\\d+): (.+)$");

  @TempDir Path temp;

  /** A project with schema errors, a missing value, and (in its own run) a drift. */
  private ExampleProject brokenProject() {
    return ExampleProject.copyInto(temp)
        .replace("values/production.yaml", "batch_size: 256", "batch_size: 99999")
        .replace("values/dev.yaml", "  eval_uri: file:///data/reviews/sample/eval\n", "")
        .replace("configs/train.yaml", "  weight_decay: 0.01", "  weight_decy: 0.01");
  }

  @Test
  void shouldPrintExactlyOneJsonObjectOfTheDocumentedShape() throws IOException {
    ExampleProject project = brokenProject();

    CliRun run = autoglm("validate", "--format", "json", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    assertThat(run.err()).isEmpty();
    JsonNode root = onlyJsonObjectIn(run.out());
    assertDocumentedShape(root);
    assertThat(root.get("valid").booleanValue()).isFalse();
    assertThat(root.get("files")).hasSize(6);
  }

  @Test
  void shouldPutTheComparisonAcrossEnvironmentsUnderANullEnvironment() throws IOException {
    ExampleProject project =
        ExampleProject.copyInto(temp)
            .append("values/production.yaml", "model:\n  base: roberta-base\n");

    CliRun run = autoglm("validate", "--format", "json", "--project", project.descriptor());

    JsonNode root = onlyJsonObjectIn(run.out());
    assertDocumentedShape(root);
    List<JsonNode> comparisons = new ArrayList<>();
    for (JsonNode file : root.get("files")) {
      if (file.get("env").isNull()) {
        comparisons.add(file);
      }
    }
    assertThat(comparisons).hasSize(1);
    JsonNode drift = comparisons.get(0).get("errors").get(0);
    assertThat(drift.get("path").asText()).isEqualTo("/model/base");
    assertThat(drift.get("source").isTextual()).isTrue();
  }

  @Test
  void shouldPrintValidJsonForTheExamples() throws IOException {
    ExampleProject project = ExampleProject.copyInto(temp);

    CliRun run = autoglm("validate", "--format", "json", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    JsonNode root = onlyJsonObjectIn(run.out());
    assertDocumentedShape(root);
    assertThat(root.get("valid").booleanValue()).isTrue();
    assertThat(root.get("files")).hasSize(6).allSatisfy(f -> assertThat(f.get("errors")).isEmpty());
  }

  @Test
  void shouldPrintOneJsonObjectForARefusedFileToo() throws IOException {
    Path file = temp.resolve("config.yaml");
    Files.writeString(file, "a: !!javax.script.ScriptEngineManager []\n");

    CliRun run = autoglm("validate", "--format", "json", file.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    JsonNode root = onlyJsonObjectIn(run.out());
    assertDocumentedShape(root);
    JsonNode error = root.get("files").get(0).get("errors").get(0);
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(root.get("files").get(0).get("env").isNull()).isTrue();
    softly.assertThat(error.get("path").asText()).isEmpty();
    softly.assertThat(error.get("line").intValue()).isEqualTo(1);
    softly.assertThat(error.get("column").intValue()).isEqualTo(4);
    softly.assertThat(error.get("source").isNull()).isTrue();
    softly.assertAll();
  }

  @Test
  void shouldPrintOneJsonObjectForARefusedValuesFile() throws IOException {
    ExampleProject project =
        ExampleProject.copyInto(temp).append("values/staging.yaml", "trainer: {}\n");

    CliRun run = autoglm("validate", "--format", "json", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
    JsonNode root = onlyJsonObjectIn(run.out());
    assertDocumentedShape(root);
    assertThat(ReportedError.allIn(run.out()))
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.file()).isEqualTo(project.path("values/staging.yaml"));
              assertThat(error.line()).isEqualTo(15);
              assertThat(error.column()).isEqualTo(1);
              assertThat(project.textAt("values/staging.yaml", 15, 1)).isEqualTo("trainer: {}");
              assertThat(error.message()).containsIgnoringCase("duplicate key 'trainer'");
            });
  }

  @Test
  void shouldWriteJunitXmlWithAnErrorForARefusedProjectDescriptor() throws Exception {
    ExampleProject project =
        ExampleProject.copyInto(temp)
            .replace("autoglm.yaml", "apiVersion: autoglm/v1", "apiVersion: v2");

    CliRun run = autoglm("validate", "--format", "junit", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
    Element suite = parseXml(run.out()).getDocumentElement();
    assertThat(suite.getAttribute("tests")).isEqualTo("1");
    assertThat(suite.getAttribute("errors")).isEqualTo("1");
    Element testcase = children(suite, "testcase").get(0);
    assertThat(testcase.getAttribute("classname")).isEqualTo(project.descriptor());
    assertThat(children(testcase, "error"))
        .singleElement()
        .satisfies(
            error ->
                assertThat(error.getAttribute("message"))
                    .startsWith(project.descriptor() + ":3:13: /apiVersion: "));
  }

  @Test
  void shouldWriteJunitXmlWithATestCasePerFileAndEnvironment() throws Exception {
    ExampleProject project =
        ExampleProject.copyInto(temp)
            .replace("values/production.yaml", "batch_size: 256", "batch_size: 99999")
            .replace(
                "configs/serving.json", "  \"max_batch_size\": 32,\n", "  \"model\": \"x\",\n");

    CliRun run = autoglm("validate", "--format", "junit", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(2);
    Element suite = parseXml(run.out()).getDocumentElement();
    List<Element> cases = children(suite, "testcase");
    String train = project.path("configs/train.yaml");
    String serving = project.path("configs/serving.json");
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(suite.getTagName()).isEqualTo("testsuite");
    softly
        .assertThat(cases)
        .extracting(c -> c.getAttribute("classname") + " [" + c.getAttribute("name") + "]")
        .containsExactly(
            train + " [dev]",
            train + " [staging]",
            train + " [production]",
            serving + " [dev]",
            serving + " [staging]",
            serving + " [production]");
    softly.assertThat(suite.getAttribute("tests")).isEqualTo(String.valueOf(cases.size()));
    softly
        .assertThat(suite.getAttribute("failures"))
        .isEqualTo(String.valueOf(cases.stream().filter(c -> has(c, "failure")).count()))
        .isEqualTo("1");
    softly
        .assertThat(suite.getAttribute("errors"))
        .isEqualTo(String.valueOf(cases.stream().filter(c -> has(c, "error")).count()))
        .isEqualTo("3");
    softly.assertThat(cases.subList(0, 2)).noneMatch(c -> has(c, "failure") || has(c, "error"));
    softly.assertThat(has(cases.get(2), "failure")).isTrue();
    softly.assertThat(cases.subList(3, 6)).allMatch(c -> has(c, "error") && !has(c, "failure"));
    softly.assertAll();

    Element failure = children(cases.get(2), "failure").get(0);
    softly.assertThat(failure.getAttribute("type")).isEqualTo("invalid");
    softly.assertThat(failure.getAttribute("message")).startsWith(train + ":12:15: [production] ");
    softly.assertThat(failure.getTextContent()).contains("/trainer/batch_size");
    Element error = children(cases.get(3), "error").get(0);
    softly.assertThat(error.getAttribute("type")).isEqualTo("unreadable");
    softly
        .assertThat(error.getAttribute("message"))
        .startsWith(serving + ":6:")
        .containsIgnoringCase("duplicate");
    softly.assertThat(project.textAt("configs/serving.json", 6, 3)).startsWith("\"model\"");
    softly.assertAll();
  }

  private static boolean has(Element parent, String tag) {
    return !children(parent, tag).isEmpty();
  }

  @Test
  void shouldKeepJunitXmlWellFormedWhateverTheUserWrote() throws Exception {
    String name = "odd <&\" \u0001 name.yaml";
    Path file = temp.resolve(name);
    Files.writeString(file, "precision: {{ .precision }}\n");
    Path schema = temp.resolve("schema.yaml");
    Files.writeString(schema, "precision: {enum: [fp32, bf16]}\n");

    CliRun run =
        autoglm(
            "validate",
            "--format",
            "junit",
            "--schema",
            schema.toString(),
            "--set",
            "precision=<fp&\"16>",
            file.toString());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    Element suite = parseXml(run.out()).getDocumentElement();
    Element testcase = children(suite, "testcase").get(0);
    Element failure = children(testcase, "failure").get(0);
    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(testcase.getAttribute("classname"))
        .as("a control character cannot be carried by XML 1.0 and is replaced")
        .isEqualTo(file.toString().replace('\u0001', '\uFFFD'));
    softly.assertThat(failure.getAttribute("message")).contains("<fp&\\\"16>", "odd <&\"");
    softly.assertThat(failure.getTextContent()).contains("<fp&\\\"16>");
    softly.assertAll();
  }

  @Test
  void shouldPrintTextLinesThatStartWithFileLineAndColumn() {
    ExampleProject project = brokenProject();

    CliRun run = autoglm("validate", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    List<String> lines = run.outLines();
    assertThat(lines).hasSize(6);
    assertThat(lines.subList(0, lines.size() - 1))
        .allSatisfy(
            line -> {
              Matcher diagnostic = DIAGNOSTIC.matcher(line);
              assertThat(diagnostic.matches()).as(line).isTrue();
              assertThat(diagnostic.group(1)).isEqualTo(project.path("configs/train.yaml"));
              assertThat(Integer.parseInt(diagnostic.group(2))).isPositive();
              assertThat(Integer.parseInt(diagnostic.group(3))).isPositive();
              assertThat(diagnostic.group(4)).matches("\\[(dev|staging|production)\\] .+");
            });
    assertThat(lines.get(lines.size() - 1)).isEqualTo("invalid: 5 errors in 3 of 6 checks");
  }

  /** Parses stdout as JSON and checks that nothing but one object is there. */
  private static JsonNode onlyJsonObjectIn(String out) throws IOException {
    try (JsonParser parser = JSON.createParser(out)) {
      JsonNode root = JSON.readTree(parser);
      assertThat(root).as(out).isNotNull();
      assertThat(root.isObject()).as("top level is an object").isTrue();
      assertThat(parser.nextToken()).as("nothing after the object").isNull();
      return root;
    }
  }

  private static void assertDocumentedShape(JsonNode root) {
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(fieldNames(root)).containsExactly("valid", "files");
    softly.assertThat(root.get("valid").isBoolean()).as("valid is a boolean").isTrue();
    softly.assertThat(root.get("files").isArray()).as("files is an array").isTrue();
    boolean allValid = true;
    for (JsonNode file : root.get("files")) {
      softly.assertThat(fieldNames(file)).containsExactly("file", "env", "valid", "errors");
      softly.assertThat(file.get("file").isTextual()).as("file is a string").isTrue();
      softly
          .assertThat(file.get("env").isTextual() || file.get("env").isNull())
          .as("env is a string or null")
          .isTrue();
      softly.assertThat(file.get("valid").isBoolean()).as("file valid is a boolean").isTrue();
      softly.assertThat(file.get("errors").isArray()).as("errors is an array").isTrue();
      softly
          .assertThat(file.get("valid").booleanValue())
          .as("a file is valid exactly when it has no errors")
          .isEqualTo(file.get("errors").isEmpty());
      allValid &= file.get("valid").booleanValue();
      for (JsonNode error : file.get("errors")) {
        softly
            .assertThat(fieldNames(error))
            .containsExactly("path", "line", "column", "message", "source");
        softly
            .assertThat(error.get("path").asText())
            .as("path is a JSON pointer")
            .matches("(/[^/]*)*");
        softly.assertThat(error.get("path").isTextual()).isTrue();
        softly.assertThat(error.get("line").isInt()).as("line is an integer").isTrue();
        softly.assertThat(error.get("line").intValue()).isPositive();
        softly.assertThat(error.get("column").isInt()).as("column is an integer").isTrue();
        softly.assertThat(error.get("column").intValue()).isPositive();
        softly.assertThat(error.get("message").isTextual()).isTrue();
        softly.assertThat(error.get("message").asText()).isNotBlank();
        softly
            .assertThat(error.get("source").isTextual() || error.get("source").isNull())
            .as("source is a string or null")
            .isTrue();
      }
    }
    softly.assertThat(root.get("valid").booleanValue()).isEqualTo(allValid);
    softly.assertAll();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Document parseXml(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> result = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element element && element.getTagName().equals(tag)) {
        result.add(element);
      }
    }
    return result;
  }
}
