package org.openautoglm.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) and SIGTERM during work that must clean up — training processes, Kubernetes
 * objects. The JVM runs shutdown hooks on those signals; ours interrupts the command's thread and
 * waits until the command has stopped what it started and printed its result, then lets the JVM
 * exit (with status 130 for SIGINT).
 */
final class Interrupts {
  static final int EXIT_INTERRUPTED = 130;

  /** Longest wait for clean-up; the launchers stop processes within a few seconds. */
  private static final long CLEANUP_SECONDS = 30;

  private static final CountDownLatch FINISHED = new CountDownLatch(1);
  private static volatile Thread worker;

  private Interrupts() {}

  /** Installs the hook for the command that runs on the current thread. */
  static void install() {
    worker = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Thread running = worker;
                  if (running == null) {
                    return;
                  }
                  running.interrupt();
                  try {
                    FINISHED.await(CLEANUP_SECONDS, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "autoglm-shutdown"));
  }

  /** The command is done (its output flushed): a pending shutdown may go ahead. */
  static void finished() {
    worker = null;
    FINISHED.countDown();
  }
}
