package org.openautoglm.config;

import java.util.List;
import org.openautoglm.config.source.Diagnostic;

/**
 * The result of checking one file in one environment.
 *
 * @param environment the environment, or {@code null} for checks across environments and for files
 *     refused before any environment was rendered
 * @param rejected the file could not be read or parsed at all (exit code 2)
 * @param rendered the rendered text, or {@code null} when rendering did not get that far
 */
public record FileReport(
    String file, String environment, boolean rejected, List<Diagnostic> errors, String rendered) {

  public boolean valid() {
    return errors.isEmpty();
  }
}
