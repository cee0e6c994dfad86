package org.openautoglm.status;

/** The run store could not read or write a record; the message names the file. */
public final class RunStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
