package org.openautoglm.config.source;

/**
 * Turns a character offset in parsed text into a position a person can open.
 *
 * <p>For a plain file that is the file's own line and column; for a rendered template it is the
 * place in the template that produced the character (see {@code template.SourceMap}).
 */
@FunctionalInterface
public interface OffsetLocator {
  SourcePosition locate(int offset);

  /** Where a substituted value at {@code offset} came from, or {@code null} for written text. */
  default String originAt(int offset) {
    return null;
  }

  /** An error at {@code offset}, naming the value's origin when a template put it there. */
  default ConfigException error(int offset, String message) {
    return new ConfigException(
        Diagnostic.at(locate(offset), null, message).withSource(originAt(offset)));
  }
}
