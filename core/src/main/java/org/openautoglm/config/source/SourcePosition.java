package org.openautoglm.config.source;

/**
 * A place in a source file that a person can open: file, 1-based line and 1-based column.
 *
 * <p>Columns count Unicode code points from the start of the line, as editors do.
 */
public record SourcePosition(String file, int line, int column) {

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
