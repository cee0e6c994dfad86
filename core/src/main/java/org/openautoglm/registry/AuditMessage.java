package org.openautoglm.registry;

import java.util.List;

/**
 * The commit message of a history entry: one line a person reads in {@code git log --oneline}
 * ("promote v5 (sha256:ab12…) to production by alice: fixes drift; approved by bob"), then the
 * exact values as trailers for tools. The entry's JSON in the commit's tree stays the record; the
 * message repeats it for people.
 */
final class AuditMessage {
  private AuditMessage() {}

  static String of(String environment, HistoryEntry entry, String requestId) {
    StringBuilder line = new StringBuilder(subject(environment, entry, requestId));
    line.append(" by ").append(entry.actor());
    if (entry.reason() != null && !entry.reason().isBlank()) {
      line.append(": ").append(oneLine(entry.reason()));
    }
    if (!entry.approvers().isEmpty() && entry.action() == HistoryEntry.Action.PROMOTE) {
      line.append("; approved by ").append(String.join(", ", entry.approvers()));
    }
    StringBuilder message = new StringBuilder(line).append("\n\n");
    message.append("Environment: ").append(environment).append('\n');
    message.append("Seq: ").append(entry.seq()).append('\n');
    message.append("Action: ").append(entry.action().json()).append('\n');
    if (entry.version() != null) {
      message.append("Version: ").append(entry.version()).append('\n');
    }
    if (entry.snapshot() != null) {
      message.append("Snapshot: ").append(entry.snapshot()).append('\n');
    }
    if (requestId != null) {
      message.append("Request: ").append(requestId).append('\n');
    }
    for (String approver : entry.approvers()) {
      message.append("Approved-by: ").append(approver).append('\n');
    }
    message.append("Verified: ").append(entry.verified()).append('\n');
    return message.toString();
  }

  private static String subject(String environment, HistoryEntry entry, String requestId) {
    String what = what(entry);
    String request = requestId == null ? "" : " #" + requestId;
    return switch (entry.action()) {
      case PROMOTE -> "promote " + what + " to " + environment;
      case ROLLBACK -> "roll back " + environment + " to " + what;
      case VERIFY ->
          "verify " + what + " in " + environment + (entry.verified() ? " (passed)" : " (failed)");
      case REQUEST -> "request approval" + request + " to promote " + what + " to " + environment;
      case APPROVE -> "approve" + request + " (" + what + " to " + environment + ")";
      case REJECT -> "reject" + request + " (" + what + " to " + environment + ")";
    };
  }

  private static String what(HistoryEntry entry) {
    String shortDigest = Digests.shorten(entry.snapshot());
    if (entry.version() == null) {
      return shortDigest == null ? "nothing" : shortDigest;
    }
    return "v" + entry.version() + (shortDigest == null ? "" : " (" + shortDigest + ")");
  }

  /** The registry's own commits (versions, snapshots): one line and nothing else. */
  static String line(String text) {
    return oneLine(text) + "\n";
  }

  private static String oneLine(String text) {
    return String.join(" ", List.of(text.strip().split("\\s*\\R\\s*")));
  }
}
