package org.openautoglm.status;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.openautoglm.registry.ModelVersion;
import org.openautoglm.registry.Registry;
import org.openautoglm.registry.Snapshot;

/** Clocks, runs and registry content for the status tests. */
final class StatusFixtures {
  static final Instant T0 = Instant.parse("2026-12-04T18:23:49.125Z");

  private static final AtomicInteger SERIAL = new AtomicInteger();

  private StatusFixtures() {}

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    void set(Instant at) {
      now = at;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** A new pending training run created at {@code at}. */
  static RunRecord pending(Instant at) {
    return RunRecord.pending(
        RunIds.next(at), "sentiment", RunKind.TRAINING, "train 2×2 on dev", "bob", at);
  }

  /** A run with every field set, phases through TRAINING, ranks and metrics (one NaN). */
  static RunRecord full(Instant at) {
    RunRecord run =
        RunRecord.pending(
                RunIds.next(at), "sentiment", RunKind.PROMOTION, "promote v3 to dev", "bob", at)
            .concerning("dev", 3)
            .withParent("20261204-120000-abc123")
            .withApproval("dev:4", at.plusSeconds(1))
            .moveTo(RunState.VALIDATING, "ci", "checking configs", at.plusSeconds(2))
            .moveTo(RunState.TRAINING, "ci", null, at.plusSeconds(3));
    return run.withTraining(
        List.of(new RunRank(0, "RUNNING", null, null), new RunRank(1, "FAILED", 3, "OOM killed")),
        Map.of(
            "loss",
            Map.of(
                0, List.of(new MetricPoint(0, 2.5), new MetricPoint(1, Double.NaN)),
                1, List.of(new MetricPoint(0, 2.25))),
            "accuracy",
            Map.of(0, List.of(new MetricPoint(10, 0.75)))),
        at.plusSeconds(4));
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Registers a model version with these final metrics. */
  static ModelVersion register(Registry registry, Map<String, Double> metrics) {
    int serial = SERIAL.incrementAndGet();
    return registry.register(
        ModelVersion.draft(
            "s3://models/sentiment/run-" + serial + "/model.pt",
            sha256("weights " + serial + " " + System.nanoTime()),
            "ghcr.io/acme/sentiment-serve:1." + serial,
            "sha256:" + sha256("config " + serial),
            "run-" + serial,
            metrics,
            "c0ffee" + serial,
            "bob"));
  }

  /** A snapshot of {@code version} for an environment with {@code replicas} replicas. */
  static Snapshot snapshot(Registry registry, ModelVersion version, String replicas) {
    return registry.snapshot(
        version, version.configDigest(), version.image(), Map.of("replicas", replicas), "bob");
  }
}
