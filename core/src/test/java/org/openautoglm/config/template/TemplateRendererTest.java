package org.openautoglm.config.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openautoglm.config.document.DocumentParser;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.source.SourceFile;
import org.openautoglm.config.values.Values;

class TemplateRendererTest {
  private static final TemplateRenderer RENDERER = new TemplateRenderer(1_000_000);

  /** Values as a values file named {@code values/test.yaml} would give them. */
  private static Values values(String yaml) {
    SourceFile source = new SourceFile("values/test.yaml", yaml);
    return Values.fromDocument(
        new DocumentParser(LoadLimits.DEFAULT).parse(source), source::position);
  }

  private static RenderedTemplate render(String template, Values values) {
    return RENDERER.render(new TemplateParser().parse(new SourceFile("t.yaml", template)), values);
  }

  private static String output(String template, Values values) {
    RenderedTemplate rendered = render(template, values);
    assertThat(rendered.errors()).as("errors rendering %s", template).isEmpty();
    return rendered.output().text();
  }

  /** The value of {@code v} once {@code v: <template>} is rendered and parsed as YAML. */
  private static JsonNode parsedValue(String action, Values values) {
    RenderedTemplate rendered = render("v: " + action + "\n", values);
    assertThat(rendered.errors()).isEmpty();
    return new DocumentParser(LoadLimits.DEFAULT)
        .parse(rendered.output(), rendered.sourceMap())
        .root()
        .get("v");
  }

  private static Diagnostic rejection(String template, Values values) {
    Throwable thrown = catchThrowable(() -> render(template, values));
    assertThat(thrown).isInstanceOf(ConfigException.class);
    return ((ConfigException) thrown).diagnostic();
  }

  private static final Values TYPED =
      values(
          "int: 5000\nfloat: 0.00003\nwhole: 2.0\nbig: 123456789012345678901234567890\n"
              + "yes: true\nnothing: null\nname: sentiment-classifier\nnumeric: \"5000\"\n"
              + "map: {a: 1, b: [x, y]}\nlist: [nlp, bert]\ninf: .inf\n");

  @Test
  void shouldWriteScalarsSoThatTheyParseBackToTheirType() {
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(parsedValue("{{ .int }}", TYPED).isInt()).isTrue();
    softly.assertThat(parsedValue("{{ .int }}", TYPED).intValue()).isEqualTo(5000);
    softly.assertThat(parsedValue("{{ .float }}", TYPED).doubleValue()).isEqualTo(0.00003);
    softly.assertThat(parsedValue("{{ .whole }}", TYPED).isDouble()).isTrue();
    softly.assertThat(parsedValue("{{ .big }}", TYPED).isBigInteger()).isTrue();
    softly.assertThat(parsedValue("{{ .yes }}", TYPED).isBoolean()).isTrue();
    softly.assertThat(parsedValue("{{ .nothing }}", TYPED).isNull()).isTrue();
    softly.assertThat(parsedValue("{{ .name }}", TYPED).asText()).isEqualTo("sentiment-classifier");
    softly
        .assertThat(parsedValue("{{ .inf }}", TYPED).doubleValue())
        .isEqualTo(Double.POSITIVE_INFINITY);
    softly.assertAll();
  }

  @Test
  void shouldWriteNumbersAsPeopleWriteThem() {
    assertThat(output("{{ .int }} {{ .float }} {{ .whole }} {{ .inf }}", TYPED))
        .isEqualTo("5000 0.00003 2.0 .inf");
  }

  @Test
  void shouldWriteStringsRawSoThatTheDocumentDecidesTheirType() {
    // like Helm: a string "5000" written without quote reads back as an integer
    assertThat(output("{{ .numeric }}", TYPED)).isEqualTo("5000");
    assertThat(parsedValue("{{ .numeric }}", TYPED).isInt()).isTrue();
    assertThat(parsedValue("{{ .numeric | quote }}", TYPED).isTextual()).isTrue();
  }

  @Test
  void shouldWriteMappingsAndListsAsJsonFlow() {
    assertThat(output("{{ .map }} {{ .list }}", TYPED))
        .isEqualTo("{\"a\":1,\"b\":[\"x\",\"y\"]} [\"nlp\",\"bert\"]");
    assertThat(parsedValue("{{ .map }}", TYPED)).isEqualTo(TYPED.lookup(List.of("map")).value());
  }

  @Test
  void shouldWriteTheWholeTree() {
    assertThat(output("{{ . | toJson }}", values("a: 1\nb: [x]\n")))
        .isEqualTo("{\"a\":1,\"b\":[\"x\"]}");
  }

  @Test
  void shouldTypeADefaultLikeAValue() {
    JsonNode timeout = parsedValue("{{ .TIMEOUT | default 5000 }}", Values.empty());

    assertThat(timeout.isInt()).isTrue();
    assertThat(timeout.intValue()).isEqualTo(5000);
    assertThat(parsedValue("{{ .T | default 0.5 }}", Values.empty()).doubleValue()).isEqualTo(0.5);
    assertThat(parsedValue("{{ .T | default true }}", Values.empty()).booleanValue()).isTrue();
    assertThat(parsedValue("{{ .T | default \"bf16\" }}", Values.empty()).asText())
        .isEqualTo("bf16");
  }

  @Test
  void shouldTakeTheDefaultForMissingNullAndEmptyValues() {
    Values values = values("nothing: null\nempty: \"\"\nnested: {}\n");

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(output("{{ .missing | default 7 }}", values)).isEqualTo("7");
    softly.assertThat(output("{{ .nested.deeper | default 7 }}", values)).isEqualTo("7");
    softly.assertThat(output("{{ .nothing | default 7 }}", values)).isEqualTo("7");
    softly.assertThat(output("{{ .empty | default 7 }}", values)).isEqualTo("7");
    softly.assertThat(output("{{ default 7 .missing }}", values)).isEqualTo("7");
    softly.assertAll();
  }

  @Test
  void shouldKeepZeroAndFalseOverADefault() {
    Values values = values("zero: 0\nno: false\nspace: \" \"\nemptyList: []\n");

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(output("{{ .zero | default 7 }}", values)).isEqualTo("0");
    softly.assertThat(output("{{ .no | default true }}", values)).isEqualTo("false");
    softly.assertThat(output("{{ default 7 .zero }}", values)).isEqualTo("0");
    softly.assertThat(output("{{ .space | default \"x\" | quote }}", values)).isEqualTo("\" \"");
    softly.assertThat(output("{{ .emptyList | default 7 }}", values)).isEqualTo("[]");
    softly.assertAll();
  }

  @Test
  void shouldNameADefaultAsTheOriginOfItsValue() {
    RenderedTemplate rendered = render("a: {{ .x | default 1 }}", Values.empty());

    assertThat(rendered.sourceMap().originAt(3)).isEqualTo("default in template");
  }

  @Test
  void shouldReportARequiredValueWithItsMessageAtTheFunction() {
    RenderedTemplate rendered =
        render(
            "a: 1\nuri: {{ .data.uri | required \"data.uri names the shards\" }}\n",
            Values.empty());

    assertThat(rendered.errors()).hasSize(1);
    Diagnostic error = rendered.errors().get(0);
    assertThat(error.position()).hasToString("t.yaml:2:21");
    assertThat(error.message())
        .isEqualTo(
            "data.uri names the shards (.data.uri is required; set it in a values file or with"
                + " --set)");
    assertThat(rendered.output().text()).isEqualTo("a: 1\nuri: null\n");
  }

  @Test
  void shouldTreatNullAndEmptyAsMissingForRequired() {
    Values values = values("n: null\ne: \"\"\nz: 0\n");

    assertThat(render("{{ .n | required \"n\" }}", values).errors()).hasSize(1);
    assertThat(render("{{ .e | required \"e\" }}", values).errors()).hasSize(1);
    assertThat(output("{{ .z | required \"z\" }}", values)).isEqualTo("0");
  }

  @Test
  void shouldNameTheValuesFileOfARequiredValueThatIsEmpty() {
    RenderedTemplate rendered = render("{{ .e | required \"set e\" }}", values("x: 1\ne: \"\"\n"));

    assertThat(rendered.errors().get(0).source()).isEqualTo("values/test.yaml:2:4");
  }

  @Test
  void shouldQuoteWithEscapesThatYamlAndJsonRead() {
    Values values = values("s: \"say \\\"hi\\\" \\\\ there\\ttab\"\nn: 5\nm: {k: [1]}\n");

    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(output("{{ .s | quote }}", values))
        .isEqualTo("\"say \\\"hi\\\" \\\\ there\\ttab\"");
    softly
        .assertThat(parsedValue("{{ .s | quote }}", values).asText())
        .isEqualTo("say \"hi\" \\ there\ttab");
    softly.assertThat(output("{{ .n | quote }}", values)).isEqualTo("\"5\"");
    softly.assertThat(output("{{ quote .n }}", values)).isEqualTo("\"5\"");
    // a mapping is quoted as its JSON text, not as an empty string
    softly.assertThat(output("{{ .m | quote }}", values)).isEqualTo("\"{\\\"k\\\":[1]}\"");
    softly.assertThat(output("{{ \"literal\" | quote }}", values)).isEqualTo("\"literal\"");
    softly.assertAll();
  }

  @Test
  void shouldQuoteAMultiLineValueOntoOneLine() {
    Values values = Values.fromEnvironment(List.of("V"), Map.of("V", "line1\nline2\r\n"));

    assertThat(output("v: {{ .V | quote }}", values)).isEqualTo("v: \"line1\\nline2\\r\\n\"");
    assertThat(parsedValue("{{ .V | quote }}", values).asText()).isEqualTo("line1\nline2\r\n");
    assertThat(parsedValue("{{ .V | toJson }}", values).asText()).isEqualTo("line1\nline2\r\n");
  }

  @Test
  void shouldEncodeAnyValueAsJson() {
    Values values = values("s: \"a\\\"b\"\nn: 1.5\nb: false\nz: null\nm: {k: [1, \"2\"]}\n");

    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(output("{{ .s | toJson }}", values)).isEqualTo("\"a\\\"b\"");
    softly.assertThat(output("{{ .n | toJson }}", values)).isEqualTo("1.5");
    softly.assertThat(output("{{ .b | toJson }}", values)).isEqualTo("false");
    softly.assertThat(output("{{ .z | toJson }}", values)).isEqualTo("null");
    softly.assertThat(output("{{ .m | toJson }}", values)).isEqualTo("{\"k\":[1,\"2\"]}");
    softly.assertThat(output("{{ toJson .m }}", values)).isEqualTo("{\"k\":[1,\"2\"]}");
    softly.assertAll();
  }

  @Test
  void shouldEscapeControlCharactersInJson() {
    Values values = Values.fromEnvironment(List.of("V"), Map.of("V", "a\u0001b"));

    assertThat(output("{{ .V | toJson }}", values)).isEqualTo("\"a\\u0001b\"");
    assertThat(parsedValue("{{ .V | toJson }}", values).asText()).isEqualTo("a\u0001b");
  }

  @Test
  void shouldReportEveryMissingValueAtItsAction() {
    RenderedTemplate rendered =
        render(
            "model:\n  name: {{ .model.name }}\n  base: {{ .model.base | default \"b\" }}\n"
                + "trainer:\n  lr: {{ .trainer.lr }}  # comment\n  quoted: {{ .q | quote }}\n",
            values("model: {base: x}\n"));

    assertThat(rendered.errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "t.yaml:2:9: no value for .model.name; set it in a values file or with --set"
                + " model.name=..., or add | default ...",
            "t.yaml:5:7: no value for .trainer.lr; set it in a values file or with --set"
                + " trainer.lr=..., or add | default ...",
            "t.yaml:6:11: no value for .q; set it in a values file or with --set q=..., or add |"
                + " default ...");
    // null in their place, so that the rest of the document can still be checked
    assertThat(rendered.output().text())
        .isEqualTo(
            "model:\n  name: null\n  base: x\ntrainer:\n  lr: null  # comment\n  quoted: null\n");
  }

  @Test
  void shouldTreatAPathThroughAScalarAsMissing() {
    RenderedTemplate rendered = render("{{ .name.first }}", values("name: ada\n"));

    assertThat(rendered.errors())
        .extracting(Diagnostic::message)
        .first()
        .asString()
        .startsWith("no value for .name.first");
  }

  @Test
  void shouldReportAMissingValueForToJson() {
    RenderedTemplate rendered = render("x: 1\ny: {{ .tags | toJson }}\n", Values.empty());

    assertThat(rendered.errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "t.yaml:2:4: no value for .tags; set it in a values file or with --set tags=..., or add |"
                + " default ...");
  }

  @Test
  void shouldRejectAMultiLineValueWrittenRaw() {
    Values values =
        Values.fromEnvironment(List.of("SCRIPT"), Map.of("SCRIPT", "a\ninjected: true"));

    RenderedTemplate rendered = render("ok: 1\ncmd: {{ .SCRIPT }}\n", values);

    assertThat(rendered.errors()).hasSize(1);
    Diagnostic error = rendered.errors().get(0);
    assertThat(error.position()).hasToString("t.yaml:2:6");
    assertThat(error.message())
        .isEqualTo(
            "the value of .SCRIPT spans several lines and would change the document's structure;"
                + " write {{ .SCRIPT | toJson }} or | quote");
    assertThat(error.source()).isEqualTo("environment variable SCRIPT");
    assertThat(rendered.output().text()).isEqualTo("ok: 1\ncmd: null\n");
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(strings = {"000D", "0085", "2028", "2029"})
  void shouldRejectEveryLineBreakYamlKnows(String codePoint) {
    String breaking = "safe" + (char) Integer.parseInt(codePoint, 16) + "injected: true";
    Values values = Values.fromEnvironment(List.of("V"), Map.of("V", breaking));

    RenderedTemplate rendered = render("x: {{ .V }}\ny: 1\n", values);

    assertThat(rendered.errors())
        .extracting(Diagnostic::message)
        .singleElement()
        .asString()
        .contains("spans several lines");
    assertThat(
            new DocumentParser(LoadLimits.DEFAULT).parse(rendered.output()).root().has("injected"))
        .isFalse();
  }

  @Test
  void shouldRefuseBracesInAValue() {
    Values values = Values.fromAssignments(List.of("name={{ .secret }}"));

    Diagnostic error = rejection("a: 1\nname: {{ .name }}\n", values);

    assertThat(error.position()).hasToString("t.yaml:2:7");
    assertThat(error.message())
        .isEqualTo(
            "the value of .name (from --set name={{ .secret }}) contains '{{'; values are data and"
                + " are never rendered as templates — remove the braces from the value");
  }

  @Test
  void shouldPassBracesThroughQuoteAsData() {
    Values values = Values.fromAssignments(List.of("name={{ .secret }}"));

    RenderedTemplate rendered = render("name: {{ .name | quote }}\n", values);

    assertThat(rendered.output().text()).isEqualTo("name: \"{{ .secret }}\"\n");
  }

  @Test
  void shouldNotReadTheEnvironmentUnlessNamed() {
    assumeThat(System.getenv("HOME")).isNotNull();

    RenderedTemplate unnamed = render("home: {{ .HOME }}\n", Values.empty());
    RenderedTemplate otherNamed =
        render("home: {{ .HOME }}\n", Values.fromEnvironment(List.of("PATH"), System.getenv()));
    RenderedTemplate named =
        render("home: {{ .HOME }}\n", Values.fromEnvironment(List.of("HOME"), System.getenv()));

    assertThat(unnamed.output().text()).isEqualTo("home: null\n");
    assertThat(unnamed.errors())
        .extracting(Diagnostic::message)
        .singleElement()
        .asString()
        .startsWith("no value for .HOME");
    assertThat(otherNamed.errors()).hasSize(1);
    assertThat(named.errors()).isEmpty();
    assertThat(named.output().text()).isEqualTo("home: " + System.getenv("HOME") + "\n");
  }

  @Test
  void shouldTrimAndDropCommentsInTheOutput() {
    assertThat(output("a:\n  {{- /* why */ -}}\n  {{- \" b\" }}\n", Values.empty()))
        .isEqualTo("a: b\n");
  }

  @Test
  void shouldRefuseOutputOverTheLimit() {
    Values values = Values.fromAssignments(List.of("big=" + "x".repeat(100)));
    TemplateRenderer small = new TemplateRenderer(50);

    Throwable thrown =
        catchThrowable(
            () ->
                small.render(
                    new TemplateParser().parse(new SourceFile("t.yaml", "a: {{ .big }}")), values));

    assertThat(thrown).isInstanceOf(ConfigException.class);
    assertThat(((ConfigException) thrown).diagnostic().message())
        .isEqualTo("rendered output is larger than 50 characters; check the values");
  }

  @Test
  void shouldMapRenderedOffsetsBackToTheTemplate() {
    Values values = values("x: 1\nname: sentiment\n");
    RenderedTemplate rendered = render("a: {{ .name }}\nb: {{ .x }} # c\n", values);
    String text = rendered.output().text();
    SourceMap map = rendered.sourceMap();

    assertThat(text).isEqualTo("a: sentiment\nb: 1 # c\n");
    SoftAssertions softly = new SoftAssertions();
    // literal text maps to itself, shifted by what the substitutions changed
    softly.assertThat(map.locate(0)).hasToString("t.yaml:1:1");
    softly.assertThat(map.locate(text.indexOf("b:"))).hasToString("t.yaml:2:1");
    softly.assertThat(map.locate(text.indexOf("# c"))).hasToString("t.yaml:2:13");
    // every character of a substituted value maps to its action
    softly.assertThat(map.locate(text.indexOf("sentiment"))).hasToString("t.yaml:1:4");
    softly.assertThat(map.locate(text.indexOf("ment"))).hasToString("t.yaml:1:4");
    softly.assertThat(map.locate(text.indexOf("1 #"))).hasToString("t.yaml:2:4");
    softly.assertThat(map.originAt(text.indexOf("sentiment"))).isEqualTo("values/test.yaml:2:7");
    softly.assertThat(map.originAt(text.indexOf("1 #"))).isEqualTo("values/test.yaml:1:4");
    softly.assertThat(map.originAt(0)).isNull();
    softly.assertAll();
  }

  @Test
  void shouldReportParseErrorsOfTheOutputInTheTemplate() {
    Values values = Values.fromAssignments(List.of("v=a: b"));
    RenderedTemplate rendered = render("ok: 1\nbad: {{ .v }}\n", values);

    Throwable thrown =
        catchThrowable(
            () ->
                new DocumentParser(LoadLimits.DEFAULT)
                    .parse(rendered.output(), rendered.sourceMap()));

    Diagnostic error = ((ConfigException) thrown).diagnostic();
    assertThat(error.toString())
        .isEqualTo(
            "t.yaml:2:6: invalid YAML: mapping values are not allowed here (value from --set v=a: b)");
  }
}
