package org.quant4j.agent;

import java.util.Locale;

/** What the agent makes the application's quantizers do. */
public enum AgentMode {
  /** Quantizers fake-quantize, with the amax of the amax file or, without one, dynamic amax. */
  QUANT,
  /** Quantizers only collect statistics (outputs stay float); amax is computed and written at JVM exit. */
  CALIBRATE;

  /**
   * The name the agent's arguments use.
   *
   * @return {@code "quant"} or {@code "calibrate"}
   */
  public String argumentName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
