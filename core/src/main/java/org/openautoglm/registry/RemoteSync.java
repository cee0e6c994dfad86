package org.openautoglm.registry;

import java.io.IOException;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TrackingRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;

/**
 * Keeps the local repository a copy of the remote one: fetch before every read, push every write
 * with the ref's expected old value, so that the remote decides who wins a race.
 */
final class RemoteSync {
  /** Everything the registry keeps, and nothing else of a repository it may share. */
  private static final RefSpec MIRROR =
      new RefSpec("+" + Registry.REF_ROOT + "*:" + Registry.REF_ROOT + "*");

  private static final Duration LOCK_GRACE = Duration.ofSeconds(5);

  private final GitStore store;
  private final RegistryRemote remote;
  private final URIish uri;

  /** Cleared when the remote says it cannot push atomically; we push one ref at a time anyway. */
  private volatile boolean atomic = true;

  RemoteSync(GitStore store, RegistryRemote remote) {
    this.store = store;
    this.remote = remote;
    try {
      this.uri = new URIish(remote.uri());
    } catch (URISyntaxException e) {
      throw new RegistryException(
          "the registry remote '" + remote + "' is not a Git URL or path: " + e.getMessage(), e);
    }
  }

  /** Brings every registry ref of the remote into the local repository. */
  void fetch() {
    long deadline = System.nanoTime() + store.locks().staleAfter().plus(LOCK_GRACE).toNanos();
    while (true) {
      FetchResult result;
      try (Transport transport = open()) {
        result = transport.fetch(NullProgressMonitor.INSTANCE, List.of(MIRROR));
      } catch (NotSupportedException e) {
        throw unsupported(e);
      } catch (TransportException e) {
        throw unreachable("fetch from", e);
      }
      boolean locked = false;
      boolean cleared = false;
      for (TrackingRefUpdate update : result.getTrackingRefUpdates()) {
        RefUpdate.Result outcome = update.getResult();
        if (outcome == RefUpdate.Result.LOCK_FAILURE) {
          // another local process is updating the same copy, or a dead one left its lock
          locked = true;
          cleared |= store.locks().clearIfStale(update.getLocalName());
        } else if (outcome == RefUpdate.Result.IO_FAILURE
            || outcome == RefUpdate.Result.REJECTED_MISSING_OBJECT) {
          throw new RegistryException(
              "cannot store " + update.getLocalName() + " fetched from " + remote + ": " + outcome);
        }
      }
      if (!locked) {
        return;
      }
      if (!cleared) {
        if (System.nanoTime() > deadline) {
          throw new RegistryException(
              "the local copy of the registry at "
                  + store.directory()
                  + " stayed locked while fetching from "
                  + remote
                  + "; check for a hung process and retry");
        }
        GitStore.pause(5, 20);
      }
    }
  }

  /**
   * Pushes {@code target} to {@code refName} on the remote if the remote's ref is still {@code
   * expected} ({@code null}: it must not exist).
   */
  PushOutcome push(String refName, ObjectId expected, ObjectId target) {
    try {
      return pushOnce(refName, expected, target);
    } catch (TransportException e) {
      if (atomic
          && e.getMessage() != null
          && e.getMessage().toLowerCase(Locale.ROOT).contains("atomic")) {
        atomic = false;
        try {
          return pushOnce(refName, expected, target);
        } catch (TransportException again) {
          throw unreachable("push to", again);
        }
      }
      throw unreachable("push to", e);
    }
  }

  private PushOutcome pushOnce(String refName, ObjectId expected, ObjectId target)
      throws TransportException {
    RemoteRefUpdate update;
    try {
      update =
          new RemoteRefUpdate(
              store.repository(),
              null,
              target,
              refName,
              // like --force-with-lease: the expected old id guards the update; no history walk
              true,
              null,
              expected == null ? ObjectId.zeroId() : expected);
    } catch (IOException e) {
      throw store.failure("prepare the push of " + refName, e);
    }
    try (Transport transport = open()) {
      transport.setPushAtomic(atomic);
      PushResult result = transport.push(NullProgressMonitor.INSTANCE, List.of(update));
      RemoteRefUpdate done = result.getRemoteUpdate(refName);
      return switch (done.getStatus()) {
        case OK, UP_TO_DATE -> PushOutcome.pushed();
        case REJECTED_REMOTE_CHANGED, REJECTED_NONFASTFORWARD -> PushOutcome.remoteChanged();
        default -> PushOutcome.refused(done.getStatus() + describe(done.getMessage()));
      };
    } catch (NotSupportedException e) {
      throw unsupported(e);
    }
  }

  private static String describe(String message) {
    return message == null ? "" : " (" + message + ")";
  }

  private Transport open() throws TransportException {
    try {
      Transport transport = Transport.open(store.repository(), uri);
      if (remote.credentials() != null) {
        transport.setCredentialsProvider(remote.credentials());
      }
      return transport;
    } catch (NotSupportedException e) {
      throw unsupported(e);
    }
  }

  private RegistryException unsupported(NotSupportedException e) {
    return new RegistryException(
        "the registry remote "
            + remote
            + " uses a transport JGit does not support: "
            + e.getMessage(),
        e);
  }

  private RegistryException unreachable(String what, TransportException e) {
    return new RegistryException(
        "cannot " + what + " the registry remote " + remote + ": " + e.getMessage(), e);
  }

  boolean atomic() {
    return atomic;
  }

  RegistryRemote remote() {
    return remote;
  }

  /** How a push ended. */
  record PushOutcome(Kind kind, String detail) {
    enum Kind {
      PUSHED,
      REMOTE_CHANGED,
      REFUSED
    }

    static PushOutcome pushed() {
      return new PushOutcome(Kind.PUSHED, null);
    }

    static PushOutcome remoteChanged() {
      return new PushOutcome(Kind.REMOTE_CHANGED, null);
    }

    static PushOutcome refused(String detail) {
      return new PushOutcome(Kind.REFUSED, detail);
    }
  }
}
