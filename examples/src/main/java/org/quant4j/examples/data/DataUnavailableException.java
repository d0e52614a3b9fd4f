package org.quant4j.examples.data;

/**
 * A data set could not be obtained. The message says what failed and exactly how to fix it (what to
 * install, or where to put which files by hand); the demo prints it as is.
 */
public final class DataUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed and how to fix it
   * @param cause the underlying failure, or {@code null}
   */
  public DataUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
