package org.openautoglm.notify;

import java.time.Duration;

/**
 * How sending one notification to one webhook ended, for logs and the audit trail.
 *
 * @param webhook the webhook with its path and query hidden ({@code https://hooks.slack.com/…}),
 *     since webhook URLs often carry their secret there
 * @param delivered whether an attempt got a 2xx answer
 * @param attempts how many requests were made
 * @param status the last HTTP status, or 0 when no answer came
 * @param message one sentence, such as {@code delivered to https://hooks.example/… after 2
 *     attempts} or {@code not delivered to …: 400 (not retried): invalid_payload}
 * @param elapsed how long it took
 */
public record DeliveryResult(
    String webhook,
    boolean delivered,
    int attempts,
    int status,
    String message,
    Duration elapsed) {}
