package org.openautoglm.registry;

import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Publishes a new commit on a registry ref, compare-and-swap, locally or through the remote.
 *
 * <p>With a remote, the remote's ref is the truth: the push carries the expected old id, and only
 * after the remote accepted it is the local copy moved (a failure there is harmless, the next fetch
 * brings it).
 */
final class RefWriter {
  private final GitStore store;
  private final RemoteSync remote;

  RefWriter(GitStore store, RemoteSync remote) {
    this.store = store;
    this.remote = remote;
  }

  /** Makes the local refs current: fetches from the remote, if there is one. */
  void refresh() {
    if (remote != null) {
      remote.fetch();
    }
  }

  /**
   * Moves {@code refName} from {@code expected} ({@code null}: absent) to {@code target}.
   *
   * @return {@code false} when someone else moved the ref first; the local copy is then current
   */
  boolean publish(String refName, ObjectId expected, ObjectId target) {
    if (remote == null) {
      return store.compareAndSwap(refName, expected, target);
    }
    RemoteSync.PushOutcome outcome = remote.push(refName, expected, target);
    switch (outcome.kind()) {
      case PUSHED:
        store.compareAndSwap(refName, expected, target);
        return true;
      case REMOTE_CHANGED:
        remote.fetch();
        return false;
      default:
        remote.fetch();
        if (!Objects.equals(store.tip(refName), expected)) {
          // the remote refused because its ref had moved under the push (a lock or CAS failure)
          return false;
        }
        throw new RegistryException(
            "the registry remote "
                + remote.remote()
                + " refused to update "
                + refName
                + ": "
                + outcome.detail());
    }
  }
}
