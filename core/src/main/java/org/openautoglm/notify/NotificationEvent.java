package org.openautoglm.notify;

import java.util.Locale;

/** What happened to a model version in an environment. */
public enum NotificationEvent {
  /** A promotion waits for someone to approve it. */
  APPROVAL_REQUESTED,
  /** A version was deployed to an environment and verified. */
  PROMOTED,
  /** An environment was returned to an earlier snapshot. */
  ROLLED_BACK,
  /** A promotion, deployment or rollback failed. */
  FAILED;

  /** The name in payloads and configuration: {@code approval_requested}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The event of a key as written in configuration ({@code rolled_back}, {@code rolled-back} or
   * {@code ROLLED_BACK}).
   *
   * @throws IllegalArgumentException naming the known keys when there is no such event
   */
  public static NotificationEvent ofKey(String key) {
    String normalized = key == null ? "" : key.trim().replace('-', '_').toUpperCase(Locale.ROOT);
    for (NotificationEvent event : values()) {
      if (event.name().equals(normalized)) {
        return event;
      }
    }
    throw new IllegalArgumentException(
        "unknown event '"
            + key
            + "'; expected approval_requested, promoted, rolled_back or failed");
  }
}
