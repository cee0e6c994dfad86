package org.openautoglm.config.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.SourceFile;

class TemplateParserTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static Template parse(String text) {
    return new TemplateParser().parse(new SourceFile("t.yaml", text));
  }

  private static Diagnostic rejectionOf(String text) {
    Throwable thrown = catchThrowable(() -> parse(text));
    assertThat(thrown).isInstanceOf(ConfigException.class);
    return ((ConfigException) thrown).diagnostic();
  }

  /** The literal text that survives, joined, with each action shown as {@code <action>}. */
  private static String outline(String text) {
    Template template = parse(text);
    return template.parts().stream()
        .map(
            part ->
                part instanceof Template.Text literal
                    ? text.substring(literal.start(), literal.end())
                    : "<" + ((Template.Action) part).source() + ">")
        .collect(Collectors.joining());
  }

  private static List<Template.Command> commands(String action) {
    Template template = parse(action);
    assertThat(template.parts()).hasSize(1);
    return ((Template.Action) template.parts().get(0)).pipeline().commands();
  }

  @Test
  void shouldSplitTextAndActions() {
    Template template = parse("a: {{ .x }}\nb: 1\n");

    assertThat(template.parts())
        .containsExactly(
            new Template.Text(0, 3),
            new Template.Action(
                3,
                11,
                new Template.Pipeline(List.of(new Template.Field(List.of("x"), 6))),
                "{{ .x }}"),
            new Template.Text(11, 17));
  }

  @Test
  void shouldKeepTextWithoutActionsWhole() {
    assertThat(parse("plain: text }} here\n").parts()).containsExactly(new Template.Text(0, 20));
    assertThat(parse("").parts()).isEmpty();
  }

  @Test
  void shouldParseDottedFieldsAndTheWholeTree() {
    assertThat(commands("{{ .trainer.lr }}"))
        .containsExactly(new Template.Field(List.of("trainer", "lr"), 3));
    assertThat(commands("{{.}}")).containsExactly(new Template.Field(List.of(), 2));
    assertThat(commands("{{ .snake_case.k8s }}"))
        .containsExactly(new Template.Field(List.of("snake_case", "k8s"), 3));
  }

  @Test
  void shouldParseAPipelineOfFunctions() {
    assertThat(commands("{{ .x | default 5 | quote }}"))
        .containsExactly(
            new Template.Field(List.of("x"), 3),
            new Template.Call("default", List.of(new Template.Literal(NODES.numberNode(5), 16)), 8),
            new Template.Call("quote", List.of(), 20));
  }

  @Test
  void shouldParseTheExplicitCallForm() {
    assertThat(commands("{{ default 5 .X }}"))
        .containsExactly(
            new Template.Call(
                "default",
                List.of(
                    new Template.Literal(NODES.numberNode(5), 11),
                    new Template.Field(List.of("X"), 13)),
                3));
  }

  @Test
  void shouldParseLiterals() {
    assertThat(commands("{{ \"a\\\"b\\\\c\\n\\td\" }}"))
        .containsExactly(new Template.Literal(NODES.textNode("a\"b\\c\n\td"), 3));
    assertThat(commands("{{ `raw \\n` }}"))
        .containsExactly(new Template.Literal(NODES.textNode("raw \\n"), 3));
    assertThat(commands("{{ -1.5 }}"))
        .containsExactly(new Template.Literal(NODES.numberNode(-1.5), 3));
    assertThat(commands("{{ 0x10 }}"))
        .containsExactly(new Template.Literal(NODES.numberNode(16), 3));
    assertThat(commands("{{ true }}"))
        .containsExactly(new Template.Literal(NODES.booleanNode(true), 3));
    assertThat(commands("{{ null }}")).containsExactly(new Template.Literal(NODES.nullNode(), 3));
    assertThat(commands("{{ .x | default false }}").get(1))
        .isEqualTo(
            new Template.Call(
                "default", List.of(new Template.Literal(NODES.booleanNode(false), 16)), 8));
  }

  @Test
  void shouldNotEndAnActionAtBracesInsideAString() {
    assertThat(commands("{{ .x | default \"}}{{\" }}").get(1))
        .isEqualTo(
            new Template.Call(
                "default", List.of(new Template.Literal(NODES.textNode("}}{{"), 16)), 8));
  }

  @Test
  void shouldTrimWhitespaceAroundTrimmingActions() {
    assertThat(outline("a: \n  {{- .x -}}  \n  b")).isEqualTo("a:<{{- .x -}}>b");
    assertThat(outline("a:  {{- .x }}  b")).isEqualTo("a:<{{- .x }}>  b");
    assertThat(outline("a:  {{ .x -}}  \n\n  b")).isEqualTo("a:  <{{ .x -}}>b");
  }

  @Test
  void shouldReadDashWithoutSpaceAsANumberNotATrim() {
    assertThat(outline("a: {{-3}}")).isEqualTo("a: <{{-3}}>");
    assertThat(commands("{{-3}}")).containsExactly(new Template.Literal(NODES.numberNode(-3), 2));
  }

  @Test
  void shouldDropComments() {
    assertThat(outline("a {{/* a comment */}} b")).isEqualTo("a  b");
    assertThat(outline("a {{- /* trimmed */ -}} b")).isEqualTo("ab");
    assertThat(outline("a {{/* spans\nlines */}}\nb")).isEqualTo("a \nb");
  }

  @Test
  void shouldRejectAnUnclosedComment() {
    Diagnostic error = rejectionOf("x: 1\ny: {{/* no end }}\n");

    assertThat(error.position()).hasToString("t.yaml:2:6");
    assertThat(error.message())
        .isEqualTo("unclosed comment: a template comment is written {{/* text */}}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = "=>",
      quoteCharacter = '~',
      value = {
        // unknown functions, at their name
        "x: {{ .s | upper }} => 1:12 => unknown function 'upper'; available: default,"
            + " required, quote, toJson",
        "x: {{ include \"f\" . }} => 1:7 => unknown function 'include'",
        "x: {{ if .s }} => 1:7 => unknown function 'if'",
        // unclosed, at the opening braces
        "x: {{ .s => 1:4 => unclosed '{{': the action has no matching '}}' on its"
            + " line; close it or remove the braces",
        "x: {{ .a }} {{ .b } => 1:13 => unclosed '{{'",
        "x: {{ .a {{ .b }} => 1:4 => unclosed '{{'",
        "x: {{ \"abc }} => 1:4 => unclosed '{{'",
        // empty
        "x: {{ }} => 1:7 => empty action '{{ }}': write a value such as {{ .NAME }}",
        "x: {{}} => 1:6 => empty action",
        // pipes
        "x: {{ .s | | quote }} => 1:10 => a '|' must be followed by a function, for example |"
            + " default 1",
        "x: {{ .s | }} => 1:10 => a '|' must be followed by a function",
        "x: {{ | quote }} => 1:7 => unexpected '|' in a template action",
        "x: {{ .s | 5 }} => 1:12 => after '|' comes a function name, not a value",
        "x: {{ .s .t }} => 1:10 => expected '|' or '}}' here, found '.'",
        // arity
        "x: {{ .s | default }} => 1:12 => 'default' takes 1 argument after the pipe, found 0;"
            + " write {{ .NAME | default 5000 }}",
        "x: {{ .s | default 1 2 }} => 1:12 => 'default' takes 1 argument after the pipe, found 2",
        "x: {{ .s | quote 1 }} => 1:12 => 'quote' takes 0 arguments after the pipe, found 1;"
            + " write {{ .NAME | quote }}",
        "x: {{ .s | required }} => 1:12 => 'required' takes 1 argument after the pipe, found 0;"
            + " write {{ .NAME | required \"why it is needed\" }}",
        "x: {{ default .s }} => 1:7 => 'default' takes 1 argument and a value, found 1",
        "x: {{ toJson }} => 1:7 => 'toJson' takes 0 arguments and a value, found 0",
        // what Go templates have and we do not
        "x: {{ $x }} => 1:7 => variables ($x) are not supported; refer to values as .NAME",
        "x: {{ .s | default $x }} => 1:20 => variables ($x) are not supported",
        "x: {{ (.s) }} => 1:7 => parentheses are not supported; use a pipe: {{ .A |"
            + " default 1 }}",
        "x: {{ .s | default (1) }} => 1:20 => parentheses are not supported",
        "x: {{ .s.Method() }} => 1:16 => method calls are not supported; templates only read"
            + " values",
        // operands
        "x: {{ .a..b }} => 1:10 => expected a name after '.', for example .trainer.lr",
        "x: {{ .a-b }} => 1:9 => unexpected '-' after .a",
        "x: {{ 12abc }} => 1:7 => '12abc' is not a number",
        "x: {{ .s | default bar }} => 1:20 => 'bar' cannot be an argument; values are written .NAME,"
            + " text in double quotes",
        "x: {{ \"a\\qb\" }} => 1:9 => unknown escape '\\q' in a string",
        "x: {{ .s | default @ }} => 1:20 => unexpected '@' in a template action",
      })
  void shouldRejectSyntaxErrorsAtTheirPosition(String template, String position, String message) {
    Diagnostic error = rejectionOf(template);

    assertThat(error.position()).hasToString("t.yaml:" + position);
    assertThat(error.message()).startsWith(message);
  }

  @Test
  void shouldRejectAnActionThatSpansLines() {
    Diagnostic error = rejectionOf("a: 1\nb: {{ .x\n}}\n");

    assertThat(error.position()).hasToString("t.yaml:2:4");
    assertThat(error.message()).startsWith("unclosed '{{'");
  }

  @Test
  void shouldPositionErrorsOnLaterLinesInCodePoints() {
    Diagnostic error = rejectionOf("a: 1\nname: \"\uD83D\uDE00\" {{ .x | nope }}\n");

    // name:·"😀"·{{·.x·|·nope — the emoji is one column
    assertThat(error.position()).hasToString("t.yaml:2:19");
    assertThat(error.message()).startsWith("unknown function 'nope'");
  }

  @Test
  void shouldStopAtTheFirstSyntaxError() {
    Diagnostic error = rejectionOf("a: {{ .x | one }}\nb: {{ .y | two }}\n");

    assertThat(error.message()).contains("'one'");
  }
}
