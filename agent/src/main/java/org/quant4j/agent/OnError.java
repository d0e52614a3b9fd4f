package org.quant4j.agent;

import java.util.Locale;

/**
 * What the agent does with a configuration error: a bad option, a config or amax file that cannot be read, an amax
 * file that does not fit a network. A failure once the application runs never stops it, whatever this says.
 */
public enum OnError {
  /**
   * Stop the application before it runs (or, for a file that does not fit a network, before that network's first
   * forward pass), with exit status {@value #EXIT_STATUS}: the default, so that nothing silently runs in float.
   */
  EXIT,
  /** Print the problem and let the application run: unquantized, or with the quantizers it concerns left dynamic. */
  WARN;

  /** The exit status of an application stopped for a configuration error. */
  public static final int EXIT_STATUS = 2;

  /**
   * The name the agent's arguments use.
   *
   * @return {@code "exit"} or {@code "warn"}
   */
  public String argumentName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
