package org.openautoglm.registry;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Snapshots, content-addressed, on {@code refs/autoglm/snapshots}: the tree holds each as {@code
 * snapshots/<first two hex digits>/<64 hex digits>.json}. Storing a snapshot that exists already
 * changes nothing, so any number of writers may store the same one.
 */
final class SnapshotStore {
  static final String REF = Registry.REF_ROOT + "snapshots";
  private static final String DIRECTORY = "snapshots";
  private static final int MAX_ATTEMPTS = 200;
  private static final int MAX_LISTED = 5;

  private final GitStore store;
  private final RefWriter writer;
  private final Supplier<Instant> clock;

  SnapshotStore(GitStore store, RefWriter writer, Supplier<Instant> clock) {
    this.store = store;
    this.writer = writer;
    this.clock = clock;
  }

  Snapshot create(
      ModelVersion version,
      String configDigest,
      String image,
      Map<String, String> deployParameters,
      String actor) {
    String digest =
        Snapshot.digestOf(
            version.number(),
            version.artifactUri(),
            version.sha256(),
            image,
            configDigest,
            deployParameters);
    String hex = Digests.hexOf(digest);
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      writer.refresh();
      ObjectId tip = store.tip(REF);
      try (ObjectReader reader = store.newReader();
          RevWalk walk = new RevWalk(reader);
          ObjectInserter inserter = store.repository().newObjectInserter()) {
        RevCommit parent = tip == null ? null : walk.parseCommit(tip);
        if (parent != null) {
          byte[] existing = GitStore.readFile(reader, parent.getTree(), path(hex));
          if (existing != null) {
            return RegistryJson.parseSnapshot(RegistryJson.parse(existing, path(hex)));
          }
        }
        Instant at = clock.get();
        Snapshot snapshot =
            new Snapshot(
                digest,
                version.number(),
                version.artifactUri(),
                version.sha256(),
                image,
                configDigest,
                deployParameters,
                actor,
                at);
        ObjectId blob =
            inserter.insert(
                Constants.OBJ_BLOB, RegistryJson.bytes(RegistryJson.snapshot(snapshot)));
        ObjectId tree =
            GitStore.withFile(
                reader, inserter, parent == null ? null : parent.getTree(), path(hex), blob);
        ObjectId commit =
            GitStore.commit(
                inserter,
                tree,
                tip,
                Authors.person(actor, at),
                AuditMessage.line(
                    "snapshot "
                        + snapshot.shortDigest()
                        + " of v"
                        + version.number()
                        + " with "
                        + image
                        + " by "
                        + actor));
        inserter.flush();
        if (writer.publish(REF, tip, commit)) {
          return snapshot;
        }
      } catch (IOException e) {
        throw store.failure("store a snapshot", e);
      }
      GitStore.pause(1, Math.min(50, 2 * attempt));
    }
    throw new RegistryException(
        "could not store the snapshot: other writers kept changing the snapshots "
            + MAX_ATTEMPTS
            + " times; try again");
  }

  Optional<Snapshot> find(String digestOrPrefix) {
    writer.refresh();
    return read(digestOrPrefix);
  }

  /** A snapshot by digest or unique prefix, from the local copy (the caller refreshed). */
  Optional<Snapshot> read(String digestOrPrefix) {
    String hex = Digests.hexOf(digestOrPrefix);
    if (hex == null || hex.length() > 64) {
      throw new RegistryException(
          "'"
              + digestOrPrefix
              + "' is not a snapshot digest: expected sha256: and hex digits, like"
              + " sha256:3f2a9c");
    }
    if (hex.length() < Digests.MIN_PREFIX) {
      throw new RegistryException(
          "'"
              + digestOrPrefix
              + "' is too short to find a snapshot by: give at least "
              + Digests.MIN_PREFIX
              + " hex digits");
    }
    ObjectId tip = store.tip(REF);
    if (tip == null) {
      return Optional.empty();
    }
    try (ObjectReader reader = store.newReader();
        RevWalk walk = new RevWalk(reader)) {
      RevCommit commit = walk.parseCommit(tip);
      String full = hex;
      if (!Digests.isFullHex(hex)) {
        List<String> matches =
            GitStore.list(reader, commit.getTree(), DIRECTORY + "/" + hex.substring(0, 2)).stream()
                .filter(name -> name.startsWith(hex) && name.endsWith(".json"))
                .map(name -> name.substring(0, name.length() - ".json".length()))
                .sorted()
                .toList();
        if (matches.isEmpty()) {
          return Optional.empty();
        }
        if (matches.size() > 1) {
          throw ambiguous(hex, matches);
        }
        full = matches.get(0);
      }
      byte[] bytes = GitStore.readFile(reader, commit.getTree(), path(full));
      return bytes == null
          ? Optional.empty()
          : Optional.of(RegistryJson.parseSnapshot(RegistryJson.parse(bytes, path(full))));
    } catch (IOException e) {
      throw store.failure("read snapshot " + digestOrPrefix, e);
    }
  }

  private static RegistryException ambiguous(String hex, List<String> matches) {
    List<String> shown =
        matches.stream()
            .limit(MAX_LISTED)
            .map(match -> Digests.shorten(Snapshot.DIGEST_PREFIX + match))
            .toList();
    return new RegistryException(
        Snapshot.DIGEST_PREFIX
            + hex
            + " is ambiguous: it matches "
            + matches.size()
            + " snapshots ("
            + String.join(", ", shown)
            + (matches.size() > MAX_LISTED ? ", …" : "")
            + "); give more digits");
  }

  static String path(String hex) {
    return DIRECTORY + "/" + hex.substring(0, 2) + "/" + hex + ".json";
  }
}
