package org.openautoglm.deploy;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a deployer puts into an environment: one registered model version, pinned by the snapshot
 * the registry recorded for it.
 *
 * @param environment the environment's name, such as {@code production}
 * @param snapshotDigest the registry snapshot being deployed; written to the target so that what
 *     runs can be traced back to it
 * @param modelVersion the model version number, 1 or more
 * @param modelUri where the model's artefacts are, such as {@code s3://models/sentiment/7}
 * @param image the serving image to run, or {@code null} to keep the one the target has
 * @param parameters extra values for the deployer (a command sees each as {@code
 *     AUTOGLM_PARAM_<NAME>}); names are letters, digits, {@code _}, {@code -} and {@code .}
 */
public record Release(
    String environment,
    String snapshotDigest,
    int modelVersion,
    String modelUri,
    String image,
    Map<String, String> parameters) {
  private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

  public Release {
    requireText(environment, "environment");
    requireText(snapshotDigest, "snapshotDigest");
    requireText(modelUri, "modelUri");
    if (modelVersion < 1) {
      throw new IllegalArgumentException("modelVersion must be 1 or more, not " + modelVersion);
    }
    if (image != null && image.isBlank()) {
      image = null;
    }
    Map<String, String> copy = new TreeMap<>();
    if (parameters != null) {
      parameters.forEach(
          (name, value) -> {
            if (name == null || !PARAMETER_NAME.matcher(name).matches()) {
              throw new IllegalArgumentException(
                  "parameter name '"
                      + name
                      + "' is not allowed; use letters, digits, '_', '-' and '.'");
            }
            copy.put(name, Objects.requireNonNull(value, () -> "parameter " + name + " is null"));
          });
    }
    parameters = java.util.Collections.unmodifiableMap(copy);
  }

  /** A release with no image change and no parameters. */
  public static Release of(
      String environment, String snapshotDigest, int modelVersion, String modelUri) {
    return new Release(environment, snapshotDigest, modelVersion, modelUri, null, Map.of());
  }

  public Release withImage(String newImage) {
    return new Release(environment, snapshotDigest, modelVersion, modelUri, newImage, parameters);
  }

  public Release withParameters(Map<String, String> newParameters) {
    return new Release(environment, snapshotDigest, modelVersion, modelUri, image, newParameters);
  }

  /** {@code version 7 (snapshot 1a2b3c4d5e6f)}, for messages. */
  String describe() {
    return "model version " + modelVersion + " (snapshot " + shortDigest(snapshotDigest) + ")";
  }

  static String shortDigest(String digest) {
    String hex = digest.substring(digest.indexOf(':') + 1);
    return hex.length() > 12 ? hex.substring(0, 12) : hex;
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }
}
