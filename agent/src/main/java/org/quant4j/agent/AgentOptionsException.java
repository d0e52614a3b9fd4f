package org.quant4j.agent;

/**
 * A bad agent argument: the message is one line naming the key, the value and the allowed values. The agent stops
 * before it touches any class when it gets one, and stops the application too unless {@code onerror=warn}
 * ({@link OnError}).
 */
public final class AgentOptionsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /**
   * An exception about one key.
   *
   * @param key the key at fault, as written (may be empty for a malformed entry)
   * @param message one line: what was wrong and what is allowed
   */
  public AgentOptionsException(String key, String message) {
    super(message);
    this.key = key;
  }

  /**
   * The key at fault.
   *
   * @return the key as the user wrote it
   */
  public String key() {
    return key;
  }
}
