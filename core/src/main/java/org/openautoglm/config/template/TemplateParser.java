package org.openautoglm.config.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import org.openautoglm.config.document.ScalarValues;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.config.source.SourceFile;

/**
 * Parses the template language: Go-template actions as Helm users know them, restricted to values,
 * literals, pipes and the functions of {@link TemplateFunction}.
 *
 * <p>Grammar, inside {@code {{ }}} (with optional {@code {{-} / {@code -}}} whitespace trimming and
 * {@code {{/* comment *&#47;}}}):
 *
 * <pre>
 * pipeline := command ( "|" command )*
 * command  := operand | function operand*
 * operand  := field | string | number | true | false | null
 * field    := "." | ( "." name )+
 * </pre>
 *
 * Anything else (variables, parentheses, method calls, {@code if}/{@code range}/{@code include}) is
 * a syntax error at its position.
 */
public final class TemplateParser {
  private static final String OPEN = "{{";
  private static final String CLOSE = "}}";

  public Template parse(SourceFile source) {
    String text = source.text();
    List<Template.Part> parts = new ArrayList<>();
    int literalStart = 0;
    boolean trimNextText = false;
    int at = text.indexOf(OPEN);
    while (at >= 0) {
      int open = at;
      int cursor = open + OPEN.length();
      boolean trimBefore = startsTrim(text, cursor);
      if (trimBefore) {
        cursor += 1;
      }
      int close = findClose(source, open, cursor);
      int bodyEnd = close;
      boolean trimAfter =
          close - 1 >= cursor && text.charAt(close - 1) == '-' && isSpace(text, close - 2);
      if (trimAfter) {
        bodyEnd = close - 1;
      }
      int literalEnd = trimBefore ? trimRight(text, literalStart, open) : open;
      int from = trimNextText ? trimLeft(text, literalStart, literalEnd) : literalStart;
      if (from < literalEnd) {
        parts.add(new Template.Text(from, literalEnd));
      }
      String body = text.substring(cursor, bodyEnd);
      int end = close + CLOSE.length();
      if (!isComment(source, body, cursor)) {
        Template.Pipeline pipeline = new ActionParser(source, cursor, bodyEnd).pipeline();
        parts.add(new Template.Action(open, end, pipeline, text.substring(open, end)));
      }
      literalStart = end;
      trimNextText = trimAfter;
      at = text.indexOf(OPEN, end);
    }
    int from = trimNextText ? trimLeft(text, literalStart, text.length()) : literalStart;
    if (from < text.length()) {
      parts.add(new Template.Text(from, text.length()));
    }
    return new Template(source, List.copyOf(parts));
  }

  private static boolean startsTrim(String text, int cursor) {
    return cursor + 1 < text.length() && text.charAt(cursor) == '-' && isSpace(text, cursor + 1);
  }

  private static boolean isSpace(String text, int index) {
    return index >= 0 && index < text.length() && Character.isWhitespace(text.charAt(index));
  }

  private static int trimRight(String text, int from, int to) {
    int end = to;
    while (end > from && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  private static int trimLeft(String text, int from, int to) {
    int start = from;
    while (start < to && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    return start;
  }

  /** Finds the {@code }}} that closes the action opened at {@code open}, skipping strings. */
  private static int findClose(SourceFile source, int open, int cursor) {
    String text = source.text();
    int i = cursor;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '"' || c == '`') {
        i = skipString(text, i);
        continue;
      }
      if (c == '\n' && !text.startsWith("/*", skipSpaces(text, cursor))) {
        break;
      }
      if (text.startsWith(CLOSE, i)) {
        return i;
      }
      if (text.startsWith(OPEN, i)) {
        break;
      }
      i++;
    }
    throw new ConfigException(
        source.position(open),
        "unclosed '{{': the action has no matching '}}' on its line; close it or remove the"
            + " braces");
  }

  private static int skipSpaces(String text, int from) {
    int i = from;
    while (i < text.length() && text.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static int skipString(String text, int quote) {
    char delimiter = text.charAt(quote);
    int i = quote + 1;
    while (i < text.length() && text.charAt(i) != delimiter && text.charAt(i) != '\n') {
      if (delimiter == '"' && text.charAt(i) == '\\') {
        i++;
      }
      i++;
    }
    return i + 1;
  }

  private static boolean isComment(SourceFile source, String body, int bodyStart) {
    String trimmed = body.strip();
    if (!trimmed.startsWith("/*")) {
      return false;
    }
    if (!trimmed.endsWith("*/")) {
      throw new ConfigException(
          source.position(bodyStart),
          "unclosed comment: a template comment is written {{/* text */}}");
    }
    return true;
  }

  /** Parses the body of one action. */
  private static final class ActionParser {
    private final SourceFile source;
    private final String text;
    private final int end;
    private int pos;

    ActionParser(SourceFile source, int start, int end) {
      this.source = source;
      this.text = source.text();
      this.pos = start;
      this.end = end;
    }

    Template.Pipeline pipeline() {
      List<Template.Command> commands = new ArrayList<>();
      skipWhitespace();
      if (pos >= end) {
        throw error(pos, "empty action '{{ }}': write a value such as {{ .NAME }}");
      }
      while (true) {
        skipWhitespace();
        commands.add(command(commands.isEmpty()));
        skipWhitespace();
        if (pos >= end) {
          break;
        }
        if (text.charAt(pos) != '|') {
          throw error(pos, "expected '|' or '}}' here, found '" + text.charAt(pos) + "'");
        }
        int pipe = pos++;
        skipWhitespace();
        if (pos >= end || text.charAt(pos) == '|') {
          throw error(pipe, "a '|' must be followed by a function, for example | default 1");
        }
      }
      return new Template.Pipeline(List.copyOf(commands));
    }

    private Template.Command command(boolean first) {
      int start = pos;
      if (isNameStart(peek())) {
        String name = name();
        if (name.equals("true") || name.equals("false") || name.equals("null")) {
          return new Template.Literal(ScalarValues.parsePlain(name), start);
        }
        TemplateFunction function =
            TemplateFunction.byName(name)
                .orElseThrow(
                    () ->
                        error(
                            start,
                            "unknown function '"
                                + name
                                + "'; available: "
                                + TemplateFunction.names()));
        List<Template.Operand> arguments = new ArrayList<>();
        skipWhitespace();
        while (pos < end && text.charAt(pos) != '|') {
          arguments.add(operand());
          skipWhitespace();
        }
        int expected = function.parameters() + (first ? 1 : 0);
        if (arguments.size() != expected) {
          throw error(
              start,
              "'"
                  + name
                  + "' takes "
                  + function.parameters()
                  + " argument"
                  + (function.parameters() == 1 ? "" : "s")
                  + (first ? " and a value" : " after the pipe")
                  + ", found "
                  + arguments.size()
                  + usage(function));
        }
        return new Template.Call(function.templateName(), List.copyOf(arguments), start);
      }
      if (!first) {
        throw error(start, "after '|' comes a function name, not a value");
      }
      return operand();
    }

    private static String usage(TemplateFunction function) {
      switch (function) {
        case DEFAULT:
          return "; write {{ .NAME | default 5000 }}";
        case REQUIRED:
          return "; write {{ .NAME | required \"why it is needed\" }}";
        default:
          return "; write {{ .NAME | " + function.templateName() + " }}";
      }
    }

    private Template.Operand operand() {
      int start = pos;
      char c = peek();
      if (c == '.') {
        return field();
      }
      if (c == '"' || c == '`') {
        return new Template.Literal(JsonNodeFactory.instance.textNode(string()), start);
      }
      if (c == '-' || c == '+' || Character.isDigit(c)) {
        String token = token();
        JsonNode number = ScalarValues.parsePlain(token);
        if (!number.isNumber()) {
          throw error(start, "'" + token + "' is not a number");
        }
        return new Template.Literal(number, start);
      }
      if (isNameStart(c)) {
        String name = name();
        if (name.equals("true") || name.equals("false") || name.equals("null")) {
          return new Template.Literal(ScalarValues.parsePlain(name), start);
        }
        throw error(
            start,
            "'"
                + name
                + "' cannot be an argument; values are written .NAME, text in double quotes");
      }
      if (c == '$') {
        throw error(start, "variables ($x) are not supported; refer to values as .NAME");
      }
      if (c == '(' || c == ')') {
        throw error(start, "parentheses are not supported; use a pipe: {{ .A | default 1 }}");
      }
      throw error(start, "unexpected '" + c + "' in a template action");
    }

    private Template.Field field() {
      int start = pos;
      List<String> path = new ArrayList<>();
      pos++;
      if (pos >= end || Character.isWhitespace(peek()) || peek() == '|') {
        return new Template.Field(List.of(), start);
      }
      while (true) {
        if (!isNameStart(peek())) {
          throw error(pos, "expected a name after '.', for example .trainer.lr");
        }
        path.add(name());
        if (pos < end && peek() == '.') {
          pos++;
          continue;
        }
        break;
      }
      if (pos < end && peek() == '(') {
        throw error(pos, "method calls are not supported; templates only read values");
      }
      if (pos < end && !Character.isWhitespace(peek()) && peek() != '|') {
        throw error(pos, "unexpected '" + peek() + "' after " + "." + String.join(".", path));
      }
      return new Template.Field(List.copyOf(path), start);
    }

    private String string() {
      char delimiter = text.charAt(pos);
      int start = pos++;
      StringBuilder value = new StringBuilder();
      while (pos < end && text.charAt(pos) != delimiter) {
        char c = text.charAt(pos++);
        if (c == '\\' && delimiter == '"') {
          if (pos >= end) {
            break;
          }
          char escaped = text.charAt(pos++);
          switch (escaped) {
            case 'n':
              value.append('\n');
              break;
            case 't':
              value.append('\t');
              break;
            case '"':
            case '\\':
              value.append(escaped);
              break;
            default:
              throw error(pos - 2, "unknown escape '\\" + escaped + "' in a string");
          }
        } else {
          value.append(c);
        }
      }
      if (pos >= end) {
        throw error(start, "unterminated string; close it with " + delimiter);
      }
      pos++;
      return value.toString();
    }

    private String token() {
      int start = pos;
      while (pos < end && !Character.isWhitespace(peek()) && peek() != '|') {
        pos++;
      }
      return text.substring(start, pos);
    }

    private String name() {
      int start = pos;
      while (pos < end && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
        pos++;
      }
      return text.substring(start, pos);
    }

    private char peek() {
      return pos < end ? text.charAt(pos) : '\0';
    }

    private static boolean isNameStart(char c) {
      return Character.isLetter(c) || c == '_';
    }

    private void skipWhitespace() {
      while (pos < end && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private ConfigException error(int offset, String message) {
      return new ConfigException(source.position(offset), message);
    }
  }
}
