package org.openautoglm.policy;

import java.util.Objects;

/**
 * A snapshot as policy sees it: its digest, and the version label people know it by.
 *
 * @param digest the content digest ({@code sha256:…}) that approvals are bound to
 * @param version the model version label ({@code v6}), or {@code null} when unknown
 */
public record SnapshotRef(String digest, String version) {

  public SnapshotRef {
    Objects.requireNonNull(digest, "digest");
  }

  public static SnapshotRef of(String digest) {
    return new SnapshotRef(digest, null);
  }

  /** The snapshot in a sentence: {@code sha256:cd34ef56aa01… (v6)}. */
  public String describe() {
    return Phrases.digest(digest) + (version == null ? "" : " (" + version + ")");
  }
}
