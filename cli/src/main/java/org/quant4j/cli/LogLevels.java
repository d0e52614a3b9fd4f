package org.quant4j.cli;

/**
 * The log levels of the command line's process. The launcher's SLF4J binding is slf4j-simple, which reads its
 * levels from system properties when each logger is created: before any command runs, every logger but
 * quant4j's own is set to WARN, so ND4J's backend banner ("Loaded [CpuBackend] backend", thread counts, BLAS
 * vendor, build information) and DL4J's INFO lines stay out of the output; quant4j's INFO lines (the Vector API
 * notice) still show. {@code --verbose} leaves every logger at slf4j-simple's INFO. A level the user set with
 * {@code -D} wins. Other bindings ignore these properties.
 */
final class LogLevels {

  /** slf4j-simple's level for loggers no other property names. */
  static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
  /** slf4j-simple's level for the loggers under {@code org.quant4j}. */
  static final String QUANT4J_LEVEL = "org.slf4j.simpleLogger.log.org.quant4j";

  private LogLevels() {}

  /**
   * Sets the levels; call it before the first logger is created.
   *
   * @param verbose whether {@code --verbose} was given
   */
  static void configure(boolean verbose) {
    if (!verbose && System.getProperty(DEFAULT_LEVEL) == null) {
      System.setProperty(DEFAULT_LEVEL, "warn");
      if (System.getProperty(QUANT4J_LEVEL) == null) {
        System.setProperty(QUANT4J_LEVEL, "info");
      }
    }
  }
}
