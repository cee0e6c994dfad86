package org.openautoglm.registry;

/**
 * The registry refused an operation or could not be read or written; the message says what and what
 * to do, in words meant for the person at the command line or on the Jenkins page.
 */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RegistryException(String message) {
    super(message);
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
