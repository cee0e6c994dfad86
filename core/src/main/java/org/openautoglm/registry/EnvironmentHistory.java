package org.openautoglm.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The history of each environment: a chain of commits on {@code refs/autoglm/env/<name>}, one per
 * entry. Each commit's tree holds the entry ({@code entry.json}) and the environment's whole state
 * after it ({@code state.json}), so the current state is one read of the tip and the history is a
 * walk down the first parents, as far as a page needs.
 */
final class EnvironmentHistory {
  static final String REF_PREFIX = Registry.REF_ROOT + "env/";
  static final String STATE_FILE = "state.json";
  static final String ENTRY_FILE = "entry.json";

  /** A DNS-1123 label: environment names end up in Kubernetes objects and URLs. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private final GitStore store;
  private final RefWriter writer;
  private final Supplier<Instant> clock;

  EnvironmentHistory(GitStore store, RefWriter writer, Supplier<Instant> clock) {
    this.store = store;
    this.writer = writer;
    this.clock = clock;
  }

  /** What one write does: the entry, the state after it, and the request it concerns if any. */
  record Change(HistoryEntry entry, EnvironmentState state, String requestId) {}

  static String checkName(String environment) {
    if (environment == null || !NAME.matcher(environment).matches()) {
      throw new RegistryException(
          "'"
              + environment
              + "' is not an environment name: use lower-case letters, digits and '-', starting"
              + " and ending with a letter or digit, at most 63 characters (like production)");
    }
    return environment;
  }

  List<String> environments() {
    writer.refresh();
    return store.refNames(REF_PREFIX).stream()
        .map(name -> name.substring(REF_PREFIX.length()))
        .filter(name -> NAME.matcher(name).matches())
        .toList();
  }

  EnvironmentState state(String environment) {
    checkName(environment);
    writer.refresh();
    return tip(environment).state();
  }

  List<HistoryEntry> history(String environment, int limit, int offset) {
    checkName(environment);
    if (limit < 0 || offset < 0) {
      throw new RegistryException("history paging needs a limit and an offset of 0 or more");
    }
    writer.refresh();
    ObjectId id = store.tip(REF_PREFIX + environment);
    List<HistoryEntry> entries = new ArrayList<>();
    if (id == null || limit == 0) {
      return entries;
    }
    try (ObjectReader reader = store.newReader();
        RevWalk walk = new RevWalk(reader)) {
      // Only the commits above the page are parsed, and only the page's entries are read.
      RevCommit commit = walk.parseCommit(id);
      for (int skipped = 0; commit != null && skipped < offset; skipped++) {
        commit = parent(walk, commit);
      }
      while (commit != null) {
        entries.add(entry(reader, commit));
        if (entries.size() == limit) {
          break;
        }
        commit = parent(walk, commit);
      }
      return entries;
    } catch (IOException e) {
      throw store.failure("read the history of " + environment, e);
    }
  }

  /**
   * Appends one entry, compare-and-swap: {@code plan} sees the state at {@code expectedSeq} and
   * says what changes; if the environment is no longer at {@code expectedSeq}, nothing is written
   * and the caller gets a conflict naming what changed.
   */
  EnvironmentState append(
      String environment, long expectedSeq, Function<EnvironmentState, Change> plan) {
    checkName(environment);
    writer.refresh();
    String refName = REF_PREFIX + environment;
    Tip before = tip(environment);
    if (before.state().seq() != expectedSeq) {
      throw conflict(environment, expectedSeq, before);
    }
    Change change = plan.apply(before.state());
    long seq = expectedSeq + 1;
    EnvironmentState after = change.state().atSeq(seq);
    if (!environment.equals(after.environment())) {
      throw new IllegalArgumentException(
          "a change of " + environment + " returned the state of " + after.environment());
    }
    HistoryEntry proposed = change.entry();
    String actor = Authors.check(proposed.actor(), "actor");
    if (proposed.action() == null) {
      throw new RegistryException("a history entry needs an action");
    }
    Instant at = proposed.at() != null ? proposed.at() : clock.get();
    HistoryEntry entry = proposed.completed(seq, actor, at, after.verified());
    ObjectId commit = write(before.commit(), environment, entry, after, change.requestId());
    if (!writer.publish(refName, before.commit(), commit)) {
      throw conflict(environment, expectedSeq, tip(environment));
    }
    return after;
  }

  private ObjectId write(
      ObjectId parent,
      String environment,
      HistoryEntry entry,
      EnvironmentState state,
      String requestId) {
    try (ObjectInserter inserter = store.repository().newObjectInserter()) {
      ObjectId entryBlob =
          inserter.insert(Constants.OBJ_BLOB, RegistryJson.bytes(stored(environment, entry)));
      ObjectId stateBlob =
          inserter.insert(Constants.OBJ_BLOB, RegistryJson.bytes(RegistryJson.state(state)));
      TreeFormatter tree = new TreeFormatter();
      // Git's order: entry.json before state.json
      tree.append(ENTRY_FILE, FileMode.REGULAR_FILE, entryBlob);
      tree.append(STATE_FILE, FileMode.REGULAR_FILE, stateBlob);
      ObjectId treeId = inserter.insert(tree);
      ObjectId commit =
          GitStore.commit(
              inserter,
              treeId,
              parent,
              Authors.person(entry.actor(), entry.at()),
              AuditMessage.of(environment, entry, requestId));
      inserter.flush();
      return commit;
    } catch (IOException e) {
      throw store.failure("write the history of " + environment, e);
    }
  }

  private static ObjectNode stored(String environment, HistoryEntry entry) {
    ObjectNode node = RegistryJson.entry(entry);
    node.put("schema", RegistryJson.SCHEMA);
    node.put("environment", environment);
    return node;
  }

  /**
   * The environment's tip commit and the state stored in it: three objects, whatever the history.
   */
  private Tip tip(String environment) {
    String refName = REF_PREFIX + environment;
    ObjectId id = store.tip(refName);
    if (id == null) {
      return new Tip(null, EnvironmentState.empty(environment));
    }
    try (ObjectReader reader = store.newReader();
        RevWalk walk = new RevWalk(reader)) {
      RevCommit commit = walk.parseCommit(id);
      byte[] bytes = GitStore.readFile(reader, commit.getTree(), STATE_FILE);
      if (bytes == null) {
        throw damaged(refName, id, STATE_FILE);
      }
      EnvironmentState state =
          RegistryJson.parseState(RegistryJson.parse(bytes, refName + ":" + STATE_FILE));
      return new Tip(id, state);
    } catch (IOException e) {
      throw store.failure("read " + refName, e);
    }
  }

  private HistoryEntry entry(ObjectReader reader, RevCommit commit) throws IOException {
    byte[] bytes = GitStore.readFile(reader, commit.getTree(), ENTRY_FILE);
    if (bytes == null) {
      throw damaged("the history", commit, ENTRY_FILE);
    }
    return RegistryJson.parseEntry(RegistryJson.parse(bytes, commit.name() + ":" + ENTRY_FILE));
  }

  private static RevCommit parent(RevWalk walk, RevCommit commit) throws IOException {
    return commit.getParentCount() == 0 ? null : walk.parseCommit(commit.getParent(0));
  }

  private RegistryException damaged(String where, ObjectId commit, String file) {
    return new RegistryException(
        "commit "
            + commit.name()
            + " of "
            + where
            + " in "
            + store.directory()
            + " has no "
            + file
            + "; it was not written by this registry");
  }

  private RegistryConflictException conflict(String environment, long expectedSeq, Tip now) {
    long actual = now.state().seq();
    HistoryEntry latest = null;
    if (now.commit() != null) {
      try (ObjectReader reader = store.newReader();
          RevWalk walk = new RevWalk(reader)) {
        latest = entry(reader, walk.parseCommit(now.commit()));
      } catch (IOException e) {
        throw store.failure("read " + REF_PREFIX + environment, e);
      }
    }
    String message;
    if (actual > expectedSeq) {
      long changes = actual - expectedSeq;
      message =
          environment
              + " moved from seq "
              + expectedSeq
              + " to "
              + actual
              + " ("
              + (changes == 1 ? "" : changes + " changes, the latest: ")
              + latest.summary()
              + ") while you were working; re-read and retry";
    } else if (actual == expectedSeq) {
      message =
          environment
              + " changed while you were working (now at seq "
              + actual
              + (latest == null ? "" : ", latest: " + latest.summary())
              + "); re-read and retry";
    } else {
      message =
          environment
              + " is at seq "
              + actual
              + ", not "
              + expectedSeq
              + " as expected"
              + (latest == null ? "" : " (latest: " + latest.summary() + ")")
              + "; re-read and retry";
    }
    return new RegistryConflictException(environment, expectedSeq, actual, latest, message);
  }

  private record Tip(ObjectId commit, EnvironmentState state) {}
}
