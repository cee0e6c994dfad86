package org.openautoglm.status;

import java.util.Locale;

/** What a run does; the JSON form is the lower-case name. */
public enum RunKind {
  /** Validates configs and trains (and may register the result). */
  TRAINING,
  /** Promotes a registered version into an environment. */
  PROMOTION,
  /** Rolls an environment back to a verified snapshot. */
  ROLLBACK,
  /** A whole pipeline: a Jenkins build inside the autoglm wrapper, or the demo. */
  PIPELINE;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RunKind fromJson(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
