package org.openautoglm.config;

import java.util.List;

/** Everything a validation run found, file by file and environment by environment. */
public record ValidationReport(List<FileReport> files) {

  /** Exit code 0: everything valid. */
  public static final int VALID = 0;

  /** Exit code 1: at least one file breaks its schema, misses a value or drifts. */
  public static final int INVALID = 1;

  /** Exit code 2: at least one file could not be read (or was refused as hostile). */
  public static final int REJECTED = 2;

  public boolean valid() {
    return files.stream().allMatch(FileReport::valid);
  }

  public boolean rejected() {
    return files.stream().anyMatch(FileReport::rejected);
  }

  public int exitCode() {
    return rejected() ? REJECTED : valid() ? VALID : INVALID;
  }

  public int errorCount() {
    return files.stream().mapToInt(f -> f.errors().size()).sum();
  }
}
