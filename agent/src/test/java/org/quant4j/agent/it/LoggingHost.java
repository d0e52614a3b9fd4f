package org.quant4j.agent.it;

import org.quant4j.examples.plainapp.PlainDl4jApp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application that logs through SLF4J around the plain app's work, for {@code ApplicationLoggingIT}: its class
 * path carries its own logging stack, and its lines must come out whatever the agent does.
 */
public final class LoggingHost {
  private static final Logger LOG = LoggerFactory.getLogger(LoggingHost.class);

  private LoggingHost() {}

  /**
   * Logs, runs the plain app with the arguments, logs again.
   *
   * @param args the plain app's arguments
   * @throws Exception if the app fails
   */
  public static void main(String[] args) throws Exception {
    LOG.info("host: starting {}", args[0]);
    PlainDl4jApp.main(args);
    LOG.info("host: done with {}", args[0]);
  }
}
