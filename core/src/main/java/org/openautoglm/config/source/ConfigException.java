package org.openautoglm.config.source;

/**
 * A file could not be read at all: unreadable, malformed, or refused as hostile (too big, too deep,
 * alias bomb, custom tag, duplicate key, broken template syntax).
 *
 * <p>Unlike validation errors, which are collected and reported together, this stops work on the
 * file. The CLI maps it to exit code 2.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Diagnostic diagnostic;

  public ConfigException(Diagnostic diagnostic) {
    super(diagnostic.toString());
    this.diagnostic = diagnostic;
  }

  public ConfigException(SourcePosition position, String message) {
    this(Diagnostic.at(position, null, message));
  }

  /** A problem that concerns a whole file (not found, too large) rather than a place in it. */
  public static ConfigException forFile(String file, String message) {
    return new ConfigException(new SourcePosition(file, 1, 1), message);
  }

  public Diagnostic diagnostic() {
    return diagnostic;
  }
}
