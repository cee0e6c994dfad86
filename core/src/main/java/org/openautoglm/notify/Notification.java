package org.openautoglm.notify;

import java.time.Instant;
import java.util.Objects;

/**
 * One thing worth telling people about, as sent to every webhook.
 *
 * @param event what happened
 * @param project the model or project name, or {@code null}
 * @param environment the environment concerned
 * @param version the model version, or {@code null} when none is concerned
 * @param snapshot the registry snapshot digest, or {@code null}
 * @param actor who did it (or asked for it), or {@code null} for the system
 * @param reason why, in the actor's or the system's words, or {@code null}
 * @param at when it happened
 */
public record Notification(
    NotificationEvent event,
    String project,
    String environment,
    Integer version,
    String snapshot,
    String actor,
    String reason,
    Instant at) {
  private static final int MAX_REASON_CHARS = 500;

  public Notification {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(at, "at");
  }

  /**
   * A one-line summary for chat, in Slack's format ({@code &}, {@code <} and {@code >} escaped, so
   * nothing in a reason can form a link or a mention), such as {@code Promoted sentiment version 7
   * to production (snapshot 1a2b3c4d5e6f) by alice}.
   */
  public String text() {
    String what =
        (project == null ? "model" : project) + (version == null ? "" : " version " + version);
    String snap = snapshot == null ? "" : " (snapshot " + shortDigest(snapshot) + ")";
    String by = actor == null ? "" : " by " + actor;
    String why = reason == null || reason.isBlank() ? "" : ": " + oneLine(reason);
    String line =
        switch (event) {
          case APPROVAL_REQUESTED ->
              "Approval requested: "
                  + what
                  + snap
                  + " to "
                  + environment
                  + (actor == null ? "" : ", requested by " + actor)
                  + why;
          case PROMOTED -> "Promoted " + what + " to " + environment + snap + by + why;
          case ROLLED_BACK -> "Rolled back " + environment + " to " + what + snap + by + why;
          case FAILED -> "Failed: " + what + " in " + environment + snap + by + why;
        };
    return escape(line);
  }

  static String shortDigest(String digest) {
    String hex = digest.substring(digest.indexOf(':') + 1);
    return hex.length() > 12 ? hex.substring(0, 12) : hex;
  }

  private static String oneLine(String text) {
    String flat = text.replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "").strip();
    return flat.length() > MAX_REASON_CHARS ? flat.substring(0, MAX_REASON_CHARS) + "…" : flat;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
