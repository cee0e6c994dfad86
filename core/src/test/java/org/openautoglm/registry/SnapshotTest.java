package org.openautoglm.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots: a stable, content-sensitive digest; idempotent storage; lookup by prefix. */
class SnapshotTest {
  private static final String SHA = Fixtures.sha256("weights");

  @TempDir Path work;

  @Test
  void shouldDigestTheCanonicalJsonOfTheTuple() {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("replicas", "3");
    parameters.put("cpu", "2");

    String canonical =
        Snapshot.canonicalJson(5, "s3://m/5.pt", SHA, "serve:5", "sha256:c0ffee", parameters);

    assertThat(canonical)
        .isEqualTo(
            "{\"artifactUri\":\"s3://m/5.pt\",\"configDigest\":\"sha256:c0ffee\","
                + "\"deployParameters\":{\"cpu\":\"2\",\"replicas\":\"3\"},"
                + "\"image\":\"serve:5\",\"sha256\":\""
                + SHA
                + "\",\"version\":5}");
    assertThat(Snapshot.digestOf(5, "s3://m/5.pt", SHA, "serve:5", "sha256:c0ffee", parameters))
        .isEqualTo("sha256:" + Fixtures.sha256(canonical));
  }

  @Test
  void shouldGiveTheSameDigestWhateverTheOrderOfParameters() {
    Map<String, String> one = new HashMap<>(Map.of("a", "1", "b", "2", "c", "3"));
    Map<String, String> other = new TreeMap<>(java.util.Comparator.reverseOrder());
    other.putAll(one);

    assertThat(digest(5, "u", SHA, "i", "c", one)).isEqualTo(digest(5, "u", SHA, "i", "c", other));
  }

  @Test
  void shouldChangeTheDigestWithAnyPartOfTheTuple() {
    String base = digest(5, "u", SHA, "i", "c", Map.of("replicas", "2"));

    assertThat(
            List.of(
                digest(6, "u", SHA, "i", "c", Map.of("replicas", "2")),
                digest(5, "u2", SHA, "i", "c", Map.of("replicas", "2")),
                digest(5, "u", Fixtures.sha256("other"), "i", "c", Map.of("replicas", "2")),
                digest(5, "u", SHA, "i2", "c", Map.of("replicas", "2")),
                digest(5, "u", SHA, "i", "c2", Map.of("replicas", "2")),
                digest(5, "u", SHA, "i", null, Map.of("replicas", "2")),
                digest(5, "u", SHA, "i", "c", Map.of("replicas", "3")),
                digest(5, "u", SHA, "i", "c", Map.of("replica", "2")),
                digest(5, "u", SHA, "i", "c", Map.of())))
        .doesNotContain(base)
        .doesNotHaveDuplicates()
        .allSatisfy(digest -> assertThat(digest).matches("sha256:[0-9a-f]{64}"));
  }

  @Test
  void shouldStoreASnapshotOnceWhoeverAsksAgain() {
    try (Registry registry = Registry.open(work.resolve("registry.git"))) {
      ModelVersion version = registry.register(Fixtures.draft("alice"));
      Snapshot first =
          registry.snapshot(version, "sha256:c0ffee", "serve:1", Map.of("replicas", "2"), "alice");
      var tip = registry.store().tip(SnapshotStore.REF);

      Snapshot again =
          registry.snapshot(version, "sha256:c0ffee", "serve:1", Map.of("replicas", "2"), "bob");

      assertThat(again).isEqualTo(first);
      assertThat(again.createdBy()).isEqualTo("alice");
      assertThat(registry.store().tip(SnapshotStore.REF)).isEqualTo(tip);
      assertThat(first.digest())
          .isEqualTo(
              Snapshot.digestOf(
                  1,
                  version.artifactUri(),
                  version.sha256(),
                  "serve:1",
                  "sha256:c0ffee",
                  Map.of("replicas", "2")));
    }
  }

  @Test
  void shouldFindASnapshotByItsDigestOrAUniquePrefix() {
    try (Registry registry = Registry.open(work.resolve("registry.git"))) {
      Snapshot snapshot = Fixtures.snapshot(registry, "alice");
      Fixtures.snapshot(registry, "alice");
      String hex = snapshot.digest().substring("sha256:".length());

      assertThat(registry.snapshotByDigest(snapshot.digest())).contains(snapshot);
      assertThat(registry.snapshotByDigest(hex)).contains(snapshot);
      assertThat(registry.snapshotByDigest("sha256:" + hex.substring(0, 12))).contains(snapshot);
      assertThat(registry.snapshotByDigest(hex.substring(0, 12).toUpperCase())).contains(snapshot);
      assertThat(registry.snapshotByDigest("sha256:" + "0".repeat(64).replace("0", "f"))).isEmpty();
      assertThatThrownBy(() -> registry.snapshotByDigest("ab1"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("give at least 4 hex digits");
      assertThatThrownBy(() -> registry.snapshotByDigest("latest"))
          .hasMessageContaining("'latest' is not a snapshot digest");
    }
  }

  @Test
  void shouldCallAnAmbiguousPrefixAmbiguous() {
    try (Registry registry = Registry.open(work.resolve("registry.git"))) {
      ModelVersion version = registry.register(Fixtures.draft("alice"));
      // find two deployments whose digests share their first four hex digits
      Map<String, Integer> seen = new HashMap<>();
      int first = -1;
      int second = -1;
      for (int replicas = 0; second < 0; replicas++) {
        String prefix = Digests.hexOf(digestFor(version, replicas)).substring(0, 4);
        Integer earlier = seen.putIfAbsent(prefix, replicas);
        if (earlier != null) {
          first = earlier;
          second = replicas;
        }
      }
      Snapshot a = store(registry, version, first);
      Snapshot b = store(registry, version, second);
      String shared = a.digest().substring(0, "sha256:".length() + 4);

      assertThatThrownBy(() -> registry.snapshotByDigest(shared))
          .isInstanceOf(RegistryException.class)
          .hasMessageStartingWith(shared + " is ambiguous: it matches 2 snapshots (")
          .hasMessageContaining(a.shortDigest())
          .hasMessageContaining(b.shortDigest())
          .hasMessageEndingWith("; give more digits");
      assertThat(registry.snapshotByDigest(a.digest().substring(0, 30))).contains(a);
    }
  }

  @Test
  void shouldRefuseASnapshotOfAVersionThatIsNotRegistered() {
    try (Registry registry = Registry.open(work.resolve("registry.git"))) {
      ModelVersion stranger = Fixtures.draft("mallory").numbered(7, java.time.Instant.EPOCH);

      assertThatThrownBy(() -> registry.snapshot(stranger, null, "serve:7", Map.of()))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("v7 with artifact")
          .hasMessageContaining("is not registered here");
    }
  }

  private static String digest(
      int version, String uri, String sha, String image, String config, Map<String, String> p) {
    return Snapshot.digestOf(version, uri, sha, image, config, p);
  }

  private static String digestFor(ModelVersion version, int replicas) {
    return Snapshot.digestOf(
        version.number(),
        version.artifactUri(),
        version.sha256(),
        "serve:1",
        null,
        Map.of("replicas", Integer.toString(replicas)));
  }

  private static Snapshot store(Registry registry, ModelVersion version, int replicas) {
    return registry.snapshot(
        version, null, "serve:1", Map.of("replicas", Integer.toString(replicas)), "alice");
  }
}
