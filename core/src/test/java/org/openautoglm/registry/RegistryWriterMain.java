package org.openautoglm.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A separate writer process for the multi-process tests. Arguments are {@code key=value}:
 *
 * <ul>
 *   <li>{@code repo}, {@code env}, {@code actor}, {@code snapshot} (digest to promote)
 *   <li>{@code mode}: {@code retry} (promote {@code count} times, re-reading on conflict), {@code
 *       once} (promote once at seq {@code expect}; exit 3 with the message on conflict), {@code
 *       forever} (promote and verify in turn until killed)
 *   <li>{@code go}: a file to wait for before writing, so that writers start together
 *   <li>{@code stale}: stale lock age in milliseconds
 * </ul>
 *
 * Prints {@code ready}, then {@code appended <seq>} after each write and {@code conflict} after
 * each lost race.
 */
public final class RegistryWriterMain {
  static final int CONFLICT_EXIT = 3;

  private RegistryWriterMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int equals = arg.indexOf('=');
      options.put(arg.substring(0, equals), arg.substring(equals + 1));
    }
    String env = options.get("env");
    String actor = options.get("actor");
    RegistryOptions registryOptions =
        RegistryOptions.defaults()
            .withStaleLockAfter(
                Duration.ofMillis(Long.parseLong(options.getOrDefault("stale", "10000"))));
    try (Registry registry = Registry.open(Path.of(options.get("repo")), registryOptions)) {
      Snapshot snapshot = registry.snapshotByDigest(options.get("snapshot")).orElseThrow();
      say("ready");
      if (options.containsKey("go")) {
        Path go = Path.of(options.get("go"));
        while (!Files.exists(go)) {
          Thread.sleep(2);
        }
      }
      switch (options.get("mode")) {
        case "once" -> {
          try {
            long expect = Long.parseLong(options.get("expect"));
            say("appended " + registry.promote(env, expect, snapshot, actor, "once", null).seq());
          } catch (RegistryConflictException e) {
            say("conflict: " + e.getMessage());
            System.exit(CONFLICT_EXIT);
          }
        }
        case "retry" -> {
          int count = Integer.parseInt(options.get("count"));
          for (int n = 0; n < count; n++) {
            promoteWithRetries(registry, env, snapshot, actor, "n=" + n);
          }
        }
        case "forever" -> {
          for (long n = 0; ; n++) {
            if (n % 2 == 0) {
              promoteWithRetries(registry, env, snapshot, actor, "n=" + n);
            } else {
              EnvironmentState state = registry.state(env);
              say(
                  "appended "
                      + registry
                          .verify(env, state.seq(), state.snapshot(), true, actor, "n=" + n)
                          .seq());
            }
          }
        }
        default -> throw new IllegalArgumentException("mode " + options.get("mode"));
      }
    }
  }

  private static void promoteWithRetries(
      Registry registry, String env, Snapshot snapshot, String actor, String reason) {
    while (true) {
      long seq = registry.state(env).seq();
      try {
        say("appended " + registry.promote(env, seq, snapshot, actor, reason, null).seq());
        return;
      } catch (RegistryConflictException e) {
        say("conflict");
      }
    }
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
