package org.openautoglm.registry;

/**
 * Someone else changed an environment between the moment the caller read it and the moment it tried
 * to write: the write was refused, nothing was lost, and the message names the change (for example
 * {@code production moved from seq 41 to 42 (promote v6 by bob) while you were working; re-read and
 * retry}).
 */
public class RegistryConflictException extends RegistryException {
  private static final long serialVersionUID = 1L;

  private final String environment;
  private final long expectedSeq;
  private final long actualSeq;
  private final transient HistoryEntry latest;

  public RegistryConflictException(
      String environment, long expectedSeq, long actualSeq, HistoryEntry latest, String message) {
    super(message);
    this.environment = environment;
    this.expectedSeq = expectedSeq;
    this.actualSeq = actualSeq;
    this.latest = latest;
  }

  /** The environment (or internal ref) that moved. */
  public String environment() {
    return environment;
  }

  /** The sequence number the caller based its change on. */
  public long expectedSeq() {
    return expectedSeq;
  }

  /** The sequence number the environment is at now. */
  public long actualSeq() {
    return actualSeq;
  }

  /** The newest entry of the environment now, or {@code null} when unknown. */
  public HistoryEntry latest() {
    return latest;
  }
}
