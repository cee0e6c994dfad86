package org.openautoglm.registry;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One registered model version: a trained artifact and where it came from. Immutable once
 * registered; the registry assigns {@link #number()}.
 *
 * @param number version number, 1, 2, 3 … in registration order ({@code 0} in a draft)
 * @param artifactUri where the trained artifact lives (object store, file, registry URL)
 * @param sha256 SHA-256 of the artifact, 64 lower-case hex digits
 * @param image the serving container image built for it, or {@code null}
 * @param configDigest digest of the rendered config it was trained with, or {@code null}
 * @param trainingRunId the training run that produced it, or {@code null}
 * @param metrics final metrics by name (sorted by name)
 * @param sourceCommit the Git commit of the training code, or {@code null}
 * @param createdBy who registered it
 * @param createdAt when it was registered ({@code null} in a draft: the registry's clock fills it)
 */
public record ModelVersion(
    int number,
    String artifactUri,
    String sha256,
    String image,
    String configDigest,
    String trainingRunId,
    Map<String, Double> metrics,
    String sourceCommit,
    String createdBy,
    Instant createdAt) {

  public ModelVersion {
    metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metrics));
  }

  /** A version to {@linkplain Registry#register register}: no number, no time yet. */
  public static ModelVersion draft(
      String artifactUri,
      String sha256,
      String image,
      String configDigest,
      String trainingRunId,
      Map<String, Double> metrics,
      String sourceCommit,
      String createdBy) {
    return new ModelVersion(
        0,
        artifactUri,
        sha256,
        image,
        configDigest,
        trainingRunId,
        metrics,
        sourceCommit,
        createdBy,
        null);
  }

  ModelVersion numbered(int assigned, Instant at) {
    return new ModelVersion(
        assigned,
        artifactUri,
        sha256,
        image,
        configDigest,
        trainingRunId,
        metrics,
        sourceCommit,
        createdBy,
        at);
  }
}
