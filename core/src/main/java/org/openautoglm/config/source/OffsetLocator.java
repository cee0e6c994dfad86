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
}
