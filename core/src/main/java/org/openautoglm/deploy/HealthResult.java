package org.openautoglm.deploy;

import java.time.Duration;

/**
 * What a {@link HealthCheck} saw.
 *
 * @param healthy whether an attempt got a 2xx answer whose body matched
 * @param attempts how many requests were made
 * @param message one sentence saying what was seen, such as {@code GET http://10.0.0.5/healthz
 *     returned 503 after 5 attempts in 8.1 s}
 * @param elapsed how long the check took
 */
public record HealthResult(boolean healthy, int attempts, String message, Duration elapsed) {}
