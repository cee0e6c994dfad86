package org.openautoglm.registry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * Registered model versions, on {@code refs/autoglm/versions}: one commit per registration, whose
 * tree holds every version as {@code versions/<n / 1000>/<n>.json} and the highest number in {@code
 * state.json}. Numbers are handed out compare-and-swap on the ref, so two registrations at once get
 * two numbers, never the same one.
 */
final class VersionCatalog {
  static final String REF = Registry.REF_ROOT + "versions";
  private static final String STATE_FILE = "state.json";
  private static final String DIRECTORY = "versions";

  /** Versions per directory, so that adding one rewrites two small trees, not a huge one. */
  private static final int SHARD = 1000;

  /** Registration only ever loses to another registration: retrying is always right. */
  private static final int MAX_ATTEMPTS = 200;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final GitStore store;
  private final RefWriter writer;
  private final Supplier<Instant> clock;

  VersionCatalog(GitStore store, RefWriter writer, Supplier<Instant> clock) {
    this.store = store;
    this.writer = writer;
    this.clock = clock;
  }

  ModelVersion register(ModelVersion draft) {
    ModelVersion checked = check(draft);
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      writer.refresh();
      ObjectId tip = store.tip(REF);
      try (ObjectReader reader = store.newReader();
          RevWalk walk = new RevWalk(reader);
          ObjectInserter inserter = store.repository().newObjectInserter()) {
        RevCommit parent = tip == null ? null : walk.parseCommit(tip);
        int number = latest(reader, parent) + 1;
        Instant at = checked.createdAt() != null ? checked.createdAt() : clock.get();
        ModelVersion version = checked.numbered(number, at);
        ObjectId tree = parent == null ? null : parent.getTree();
        tree =
            GitStore.withFile(
                reader,
                inserter,
                tree,
                path(number),
                inserter.insert(
                    Constants.OBJ_BLOB, RegistryJson.bytes(RegistryJson.version(version))));
        ObjectNode state = JsonNodeFactory.instance.objectNode();
        state.put("schema", RegistryJson.SCHEMA).put("latest", number);
        tree =
            GitStore.withFile(
                reader,
                inserter,
                tree,
                STATE_FILE,
                inserter.insert(Constants.OBJ_BLOB, RegistryJson.bytes(state)));
        ObjectId commit =
            GitStore.commit(
                inserter,
                tree,
                tip,
                Authors.person(version.createdBy(), at),
                AuditMessage.line(
                    "register v"
                        + number
                        + " by "
                        + version.createdBy()
                        + ": "
                        + version.artifactUri()
                        + " (sha256:"
                        + version.sha256()
                        + ")"));
        inserter.flush();
        if (writer.publish(REF, tip, commit)) {
          return version;
        }
      } catch (IOException e) {
        throw store.failure("register a model version", e);
      }
      GitStore.pause(1, Math.min(50, 2 * attempt));
    }
    throw new RegistryException(
        "could not register the model version: other registrations kept winning the race for a"
            + " number "
            + MAX_ATTEMPTS
            + " times; try again");
  }

  Optional<ModelVersion> version(int number) {
    if (number < 1) {
      return Optional.empty();
    }
    writer.refresh();
    return read(number);
  }

  /** A version, from the local copy (the caller refreshed). */
  Optional<ModelVersion> read(int number) {
    ObjectId tip = store.tip(REF);
    if (tip == null) {
      return Optional.empty();
    }
    try (ObjectReader reader = store.newReader();
        RevWalk walk = new RevWalk(reader)) {
      byte[] bytes = GitStore.readFile(reader, walk.parseCommit(tip).getTree(), path(number));
      return bytes == null
          ? Optional.empty()
          : Optional.of(RegistryJson.parseVersion(RegistryJson.parse(bytes, path(number))));
    } catch (IOException e) {
      throw store.failure("read model version " + number, e);
    }
  }

  /** The newest {@code count} versions, oldest first, reading only those. */
  List<ModelVersion> latest(int count) {
    writer.refresh();
    ObjectId tip = store.tip(REF);
    if (tip == null || count <= 0) {
      return List.of();
    }
    List<ModelVersion> newest = new ArrayList<>();
    try (ObjectReader reader = store.newReader();
        RevWalk walk = new RevWalk(reader)) {
      RevCommit commit = walk.parseCommit(tip);
      int highest = latest(reader, commit);
      for (int number = Math.max(1, highest - count + 1); number <= highest; number++) {
        byte[] bytes = GitStore.readFile(reader, commit.getTree(), path(number));
        if (bytes != null) {
          newest.add(RegistryJson.parseVersion(RegistryJson.parse(bytes, path(number))));
        }
      }
    } catch (IOException e) {
      throw store.failure("read the newest model versions", e);
    }
    return newest;
  }

  List<ModelVersion> versions() {
    writer.refresh();
    ObjectId tip = store.tip(REF);
    List<ModelVersion> versions = new ArrayList<>();
    if (tip == null) {
      return versions;
    }
    try (ObjectReader reader = store.newReader();
        RevWalk walk = new RevWalk(reader);
        TreeWalk tree = new TreeWalk(reader)) {
      tree.addTree(walk.parseCommit(tip).getTree());
      tree.setRecursive(true);
      tree.setFilter(PathFilter.create(DIRECTORY));
      while (tree.next()) {
        byte[] bytes = reader.open(tree.getObjectId(0), Constants.OBJ_BLOB).getCachedBytes();
        versions.add(RegistryJson.parseVersion(RegistryJson.parse(bytes, tree.getPathString())));
      }
    } catch (IOException e) {
      throw store.failure("list the model versions", e);
    }
    versions.sort(Comparator.comparingInt(ModelVersion::number));
    return versions;
  }

  private int latest(ObjectReader reader, RevCommit tip) throws IOException {
    if (tip == null) {
      return 0;
    }
    byte[] bytes = GitStore.readFile(reader, tip.getTree(), STATE_FILE);
    if (bytes == null) {
      throw new RegistryException(
          REF
              + " in "
              + store.directory()
              + " has no "
              + STATE_FILE
              + "; it was not written by"
              + " this registry");
    }
    return RegistryJson.parse(bytes, REF + ":" + STATE_FILE).path("latest").asInt();
  }

  static String path(int number) {
    return DIRECTORY + "/" + number / SHARD + "/" + number + ".json";
  }

  private static ModelVersion check(ModelVersion draft) {
    if (draft == null) {
      throw new RegistryException("nothing to register");
    }
    if (draft.artifactUri() == null || draft.artifactUri().isBlank()) {
      throw new RegistryException("a model version needs the URI of its artifact");
    }
    String sha256 = Digests.hexOf(draft.sha256());
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new RegistryException(
          "the artifact's sha256 '"
              + draft.sha256()
              + "' is not a SHA-256: expected 64 hex digits (what sha256sum prints)");
    }
    draft
        .metrics()
        .forEach(
            (name, value) -> {
              if (value == null || !Double.isFinite(value)) {
                throw new RegistryException(
                    "metric '" + name + "' is " + value + "; only finite numbers can be recorded");
              }
            });
    String createdBy = Authors.check(draft.createdBy(), "registering user");
    return new ModelVersion(
        0,
        draft.artifactUri().strip(),
        sha256,
        draft.image(),
        draft.configDigest(),
        draft.trainingRunId(),
        draft.metrics(),
        draft.sourceCommit(),
        createdBy,
        draft.createdAt());
  }
}
