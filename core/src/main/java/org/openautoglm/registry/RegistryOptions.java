package org.openautoglm.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link Registry} is opened; {@link #defaults()} suits one machine.
 *
 * @param remote the shared repository to fetch from and push to, or {@code null} for a local
 *     registry only
 * @param staleLockAfter age after which a ref lock file counts as left behind by a dead writer
 * @param notices receives the rare messages about repairs the registry made (a stale lock removed)
 * @param clock the time written into entries the caller leaves without one
 */
public record RegistryOptions(
    RegistryRemote remote, Duration staleLockAfter, Consumer<String> notices, Clock clock) {

  /** A live writer holds a ref lock for microseconds; ten seconds leaves a wide margin. */
  public static final Duration DEFAULT_STALE_LOCK_AFTER = Duration.ofSeconds(10);

  public RegistryOptions {
    Objects.requireNonNull(staleLockAfter, "staleLockAfter");
    Objects.requireNonNull(notices, "notices");
    Objects.requireNonNull(clock, "clock");
    if (staleLockAfter.isNegative()) {
      throw new IllegalArgumentException("staleLockAfter must not be negative");
    }
  }

  /** A local registry, the default stale lock age, notices ignored, the system clock. */
  public static RegistryOptions defaults() {
    return new RegistryOptions(null, DEFAULT_STALE_LOCK_AFTER, notice -> {}, Clock.systemUTC());
  }

  /** These options with a remote to share the registry through ({@code null}: local only). */
  public RegistryOptions withRemote(RegistryRemote newRemote) {
    return new RegistryOptions(newRemote, staleLockAfter, notices, clock);
  }

  /** These options with another age after which a ref lock counts as abandoned. */
  public RegistryOptions withStaleLockAfter(Duration age) {
    return new RegistryOptions(remote, age, notices, clock);
  }

  /** These options with a receiver for repair notices (the CLI prints them, Jenkins logs them). */
  public RegistryOptions withNotices(Consumer<String> listener) {
    return new RegistryOptions(remote, staleLockAfter, listener, clock);
  }

  /** These options with another clock (tests, replays). */
  public RegistryOptions withClock(Clock newClock) {
    return new RegistryOptions(remote, staleLockAfter, notices, newClock);
  }
}
