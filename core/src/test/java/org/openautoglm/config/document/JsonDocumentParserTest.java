package org.openautoglm.config.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.time.Duration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.config.source.SourcePosition;

class JsonDocumentParserTest {
  private static final Duration HANG_GUARD = Duration.ofSeconds(5);

  private static final String NESTED =
      String.join(
          "\n",
          "{",
          "  \"server\": {",
          "    \"port\": 8080,",
          "    \"tags\": [\"a\", \"b\"],",
          "    \"tls\": {\"enabled\": true}",
          "  }",
          "}",
          "");

  private static PositionedDocument parse(String text) {
    return parse(text, LoadLimits.DEFAULT);
  }

  private static PositionedDocument parse(String text, LoadLimits limits) {
    SourceFile source = new SourceFile("config.json", text);
    return new JsonDocumentParser(limits).parse(source, source::position);
  }

  private static Diagnostic rejectionOf(String text) {
    return rejectionOf(text, LoadLimits.DEFAULT);
  }

  private static Diagnostic rejectionOf(String text, LoadLimits limits) {
    Throwable thrown =
        assertTimeoutPreemptively(HANG_GUARD, () -> catchThrowable(() -> parse(text, limits)));
    assertThat(thrown).isInstanceOf(ConfigException.class);
    return ((ConfigException) thrown).diagnostic();
  }

  private static SourcePosition valueAt(String text, String pointer) {
    SourceFile source = new SourceFile("config.json", text);
    PositionedDocument document =
        new JsonDocumentParser(LoadLimits.DEFAULT).parse(source, source::position);
    assertThat(document.has(pointer)).as("document has %s", pointer).isTrue();
    return source.position(document.span(pointer).start());
  }

  private static SourcePosition keyAt(String text, String pointer) {
    SourceFile source = new SourceFile("config.json", text);
    PositionedDocument document =
        new JsonDocumentParser(LoadLimits.DEFAULT).parse(source, source::position);
    return source.position(document.offsetForReport(pointer));
  }

  @Test
  void shouldPositionNestedValuesAtTheirFirstCharacter() {
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(valueAt(NESTED, "")).hasToString("config.json:1:1");
    softly.assertThat(valueAt(NESTED, "/server")).hasToString("config.json:2:13");
    softly.assertThat(valueAt(NESTED, "/server/port")).hasToString("config.json:3:13");
    softly.assertThat(valueAt(NESTED, "/server/tags")).hasToString("config.json:4:13");
    softly.assertThat(valueAt(NESTED, "/server/tags/1")).hasToString("config.json:4:19");
    softly.assertThat(valueAt(NESTED, "/server/tls/enabled")).hasToString("config.json:5:24");
    softly.assertAll();
  }

  @Test
  void shouldReportObjectMembersAtTheirKey() {
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(keyAt(NESTED, "/server/port")).hasToString("config.json:3:5");
    softly.assertThat(keyAt(NESTED, "/server/tls/enabled")).hasToString("config.json:5:13");
    softly.assertThat(keyAt(NESTED, "/server/tags/0")).hasToString("config.json:4:14");
    softly.assertAll();
  }

  @Test
  void shouldRecordSpansThatEndAfterTheValue() {
    SourceFile source = new SourceFile("config.json", "{\"a\": [1, 2], \"b\": \"xyz\"}");
    PositionedDocument document =
        new JsonDocumentParser(LoadLimits.DEFAULT).parse(source, source::position);

    assertThat(document.span("/a")).isEqualTo(new Span(6, 12));
    assertThat(source.text().substring(6, 12)).isEqualTo("[1, 2]");
    assertThat(document.span("/b")).isEqualTo(new Span(19, 24));
  }

  @Test
  void shouldEscapeSlashAndTildeInPointers() {
    PositionedDocument document = parse("{\"a/b\": {\"c~d\": 1}}");

    assertThat(document.has("/a~1b/c~0d")).isTrue();
    assertThat(document.root().at("/a~1b/c~0d").intValue()).isEqualTo(1);
  }

  @Test
  void shouldKeepNumberTypes() {
    JsonNode root =
        parse(
                "{\"int\": 42, \"long\": 9223372036854775807,"
                    + " \"big\": 123456789012345678901234567890, \"float\": 1.5e3, \"neg\": -0.5}")
            .root();

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(root.get("int").isInt()).isTrue();
    softly.assertThat(root.get("long").isLong()).isTrue();
    softly.assertThat(root.get("big").isBigInteger()).isTrue();
    softly
        .assertThat(root.get("big").bigIntegerValue())
        .isEqualTo(new BigInteger("123456789012345678901234567890"));
    softly.assertThat(root.get("float").isDouble()).isTrue();
    softly.assertThat(root.get("float").doubleValue()).isEqualTo(1500.0);
    softly.assertThat(root.get("neg").doubleValue()).isEqualTo(-0.5);
    softly.assertAll();
  }

  @Test
  void shouldAcceptAScalarDocument() {
    assertThat(parse("5").root().intValue()).isEqualTo(5);
    assertThat(parse(" \"text\" ").root().asText()).isEqualTo("text");
    assertThat(parse("null").root().isNull()).isTrue();
  }

  @Test
  void shouldRejectDuplicateKeysWithBothPositions() {
    Diagnostic error = rejectionOf("{\n  \"a\": 1,\n  \"b\": {\"c\": 1, \"c\": 2}\n}");

    assertThat(error.position()).hasToString("config.json:3:17");
    assertThat(error.message())
        .isEqualTo("duplicate key 'c' (first defined at config.json:3:9); remove one of them");
  }

  @Test
  void shouldAllowTheSameKeyInDifferentObjects() {
    JsonNode root =
        parse("{\"a\": {\"x\": 1}, \"b\": {\"x\": 2}, \"list\": [{\"x\": 3}, {\"x\": 4}]}").root();

    assertThat(root.at("/list/1/x").intValue()).isEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{\"a\": 1,}                | 1:9  | was expecting double-quote to start field name",
        "{\"a\": [1, 2,]}           | 1:13 | expected a valid value",
        "{a: 1}                    | 1:2  | was expecting double-quote to start field name",
        "{'a': 1}                  | 1:2  | was expecting double-quote to start field name",
        "// comment\\n{}           | 1:1  | maybe a (non-standard) comment?",
        "{\"a\": 01}                | 1:8  | Leading zeroes not allowed",
        "{\"a\": NaN}               | 1:10 | Non-standard token 'NaN'",
      })
  void shouldRejectNonStandardJson(String text, String position, String message) {
    Diagnostic error = rejectionOf(text.replace("\\n", "\n"));

    assertThat(error.position()).hasToString("config.json:" + position);
    assertThat(error.message()).startsWith("invalid JSON: ").contains(message);
  }

  @Test
  void shouldRejectATruncatedDocumentAtItsEnd() {
    Diagnostic error = rejectionOf("{\"a\": 1");

    assertThat(error.position()).hasToString("config.json:1:8");
    assertThat(error.message())
        .startsWith("invalid JSON: Unexpected end-of-input: expected close marker for Object");
  }

  @Test
  void shouldRejectAnEmptyFile() {
    Diagnostic error = rejectionOf("  \n");

    assertThat(error.position()).hasToString("config.json:1:1");
    assertThat(error.message()).isEqualTo("the file is empty; expected a JSON value");
  }

  @Test
  void shouldRejectContentAfterTheValue() {
    Diagnostic error = rejectionOf("{\"a\": 1}\n{\"b\": 2}\n");

    assertThat(error.position()).hasToString("config.json:2:1");
    assertThat(error.message())
        .isEqualTo("unexpected content after the JSON value; a file holds one document");
  }

  @Test
  void shouldRefuseSixtyLevelsOfNesting() {
    Diagnostic error = rejectionOf("{\"a\": " + "[".repeat(60) + "]".repeat(60) + "}");

    // the object is level 0, so the 51st '[' (offset 6 + 50) is level 51
    assertThat(error.position()).hasToString("config.json:1:57");
    assertThat(error.message()).isEqualTo("nesting is deeper than the limit (50 levels)");
  }

  @Test
  void shouldAcceptNestingAtTheLimitLikeYaml() {
    assertThat(parse("[".repeat(51) + "]".repeat(51)).root().isArray()).isTrue();
    assertThat(rejectionOf("[".repeat(52) + "]".repeat(52)).position())
        .hasToString("config.json:1:52");
  }

  @Test
  void shouldRefuseNestingFarBeyondJacksonsOwnLimit() {
    // Jackson's own limit is set just above ours; our message with its position must win
    Diagnostic error = rejectionOf("[".repeat(5000) + "]".repeat(5000));

    assertThat(error.message()).isEqualTo("nesting is deeper than the limit (50 levels)");
    assertThat(error.position()).hasToString("config.json:1:52");
  }

  @Test
  void shouldRefuseMoreNodesThanTheLimit() {
    Diagnostic error = rejectionOf("[1, 2, 3,\n 4, 5]", new LoadLimits(1024, 50, 50, 5));

    // the array is node 1, so the 5th element is the 6th node
    assertThat(error.position()).hasToString("config.json:2:5");
    assertThat(error.message()).isEqualTo("document has more than 5 nodes");
  }
}
