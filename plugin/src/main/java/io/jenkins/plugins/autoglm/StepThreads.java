package io.jenkins.plugins.autoglm;

import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.ClassLoaderSanityThreadFactory;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.security.core.Authentication;

/**
 * Where the long steps do their work: never on the CPS thread (which runs every pipeline of the
 * controller) and never in {@code jenkins.util.Timer}'s few threads, which a ten-minute deploy or a
 * day of training would starve.
 */
final class StepThreads {
  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          new NamingThreadFactory(
              new ClassLoaderSanityThreadFactory(new DaemonThreadFactory()), "AutoGLM step"));

  private StepThreads() {}

  /** Runs {@code work} as {@code who} (the identity the step started with). */
  static Future<?> submit(Authentication who, Runnable work) {
    return POOL.submit(
        () -> {
          try (ACLContext context = ACL.as2(who == null ? ACL.SYSTEM2 : who)) {
            work.run();
          }
        });
  }
}
