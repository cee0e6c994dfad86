package org.openautoglm.config.source;

/**
 * One problem found in a config: where it is, which value it concerns and what to do about it.
 *
 * @param file the file as the user named it
 * @param line 1-based line in the (template) source
 * @param column 1-based column in the (template) source
 * @param pointer JSON pointer of the offending value in the rendered document, or {@code null}
 * @param message a sentence a person understands, ideally saying what to change
 * @param source which values file (or {@code --set}, environment variable, template default)
 *     supplied the offending value, or {@code null} when it was written in the file itself
 */
public record Diagnostic(
    String file, int line, int column, String pointer, String message, String source) {

  public static Diagnostic at(SourcePosition position, String pointer, String message) {
    return new Diagnostic(
        position.file(), position.line(), position.column(), pointer, message, null);
  }

  public Diagnostic withSource(String valueSource) {
    return new Diagnostic(file, line, column, pointer, message, valueSource);
  }

  public SourcePosition position() {
    return new SourcePosition(file, line, column);
  }

  /** The compiler-style form {@code file:line:column: message}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    text.append(file).append(':').append(line).append(':').append(column).append(": ");
    if (pointer != null && !pointer.isEmpty()) {
      text.append(pointer).append(": ");
    }
    text.append(message);
    if (source != null) {
      text.append(" (value from ").append(source).append(')');
    }
    return text.toString();
  }
}
