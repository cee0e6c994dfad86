package org.openautoglm.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Model versions and snapshots for tests. */
final class Fixtures {
  private static final AtomicInteger SERIAL = new AtomicInteger();

  private Fixtures() {}

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A version of a churn model nobody registered yet, with a unique artifact. */
  static ModelVersion draft(String user) {
    int serial = SERIAL.incrementAndGet();
    return ModelVersion.draft(
        "s3://models/churn/run-" + serial + "/model.pt",
        sha256("artifact " + serial + " " + System.nanoTime()),
        "registry.example.com/churn-serve:1." + serial,
        "sha256:" + sha256("config " + serial),
        "run-" + serial,
        Map.of("loss", 0.25, "accuracy", 0.91),
        "3f2a9c" + serial,
        user);
  }

  /** Registers a version and stores a snapshot of it. */
  static Snapshot snapshot(Registry registry, String user) {
    ModelVersion version = registry.register(draft(user));
    return registry.snapshot(
        version, version.configDigest(), version.image(), Map.of("replicas", "2"), user);
  }
}
