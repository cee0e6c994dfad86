package org.openautoglm.registry;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole deployable tuple: which model version, with which artifact, image, rendered config and
 * deploy parameters. Rolling back means deploying an earlier snapshot again, so a snapshot must
 * hold everything a deployment needs and nothing that varies between two identical deployments.
 *
 * <p>Snapshots are content-addressed: {@link #digest()} is {@code sha256:} followed by the SHA-256
 * of the tuple's {@linkplain #canonicalJson canonical JSON}. The same tuple always has the same
 * digest, whoever creates it and when; {@link #createdBy()} and {@link #createdAt()} record the
 * first creation and are not part of the digest.
 *
 * @param digest {@code sha256:} and 64 hex digits
 * @param version the model version number
 * @param artifactUri the model artifact
 * @param sha256 SHA-256 of the artifact
 * @param image the container image that serves it
 * @param configDigest digest of the rendered config for the environment, or {@code null}
 * @param deployParameters deployer settings (replicas, resources, endpoint…), sorted by name
 * @param createdBy who created the snapshot first
 * @param createdAt when it was created first
 */
public record Snapshot(
    String digest,
    int version,
    String artifactUri,
    String sha256,
    String image,
    String configDigest,
    Map<String, String> deployParameters,
    String createdBy,
    Instant createdAt) {

  /** The prefix of every snapshot digest. */
  public static final String DIGEST_PREFIX = "sha256:";

  public Snapshot {
    deployParameters =
        deployParameters == null
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(deployParameters));
  }

  /**
   * The canonical JSON of a deployable tuple: one object, keys sorted, no white space, UTF-8,
   * {@code null} written out. Keys: {@code artifactUri, configDigest, deployParameters, image,
   * sha256, version}.
   */
  public static String canonicalJson(
      int version,
      String artifactUri,
      String sha256,
      String image,
      String configDigest,
      Map<String, String> deployParameters) {
    return RegistryJson.canonicalTuple(
        version, artifactUri, sha256, image, configDigest, deployParameters);
  }

  /** The digest of a deployable tuple: {@code sha256:} and the SHA-256 of its canonical JSON. */
  public static String digestOf(
      int version,
      String artifactUri,
      String sha256,
      String image,
      String configDigest,
      Map<String, String> deployParameters) {
    return DIGEST_PREFIX
        + Digests.sha256Hex(
            canonicalJson(version, artifactUri, sha256, image, configDigest, deployParameters));
  }

  /**
   * The digest in the short form people read: {@code sha256:} and 12 hex digits and an ellipsis.
   */
  public String shortDigest() {
    return Digests.shorten(digest);
  }
}
