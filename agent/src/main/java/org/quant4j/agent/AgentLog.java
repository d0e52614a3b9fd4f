package org.quant4j.agent;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's own lines on stderr, each prefixed {@code quant4j-agent:}. The agent writes to stderr itself rather
 * than through a logging framework: it runs before the host configures one, and its few lines (a bad argument, what
 * calibration wrote) must be seen whatever the host's logging does.
 */
final class AgentLog {
  static final String PREFIX = "quant4j-agent: ";

  private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
  private static volatile boolean verbose;

  private AgentLog() {}

  /**
   * Turns the {@link #info} lines on or off.
   *
   * @param on whether to print them
   */
  static void verbose(boolean on) {
    verbose = on;
  }

  /**
   * A line printed only with {@code verbose=true}.
   *
   * @param message the line, without prefix
   */
  static void info(String message) {
    if (verbose) {
      System.err.println(PREFIX + message);
    }
  }

  /**
   * A line always printed.
   *
   * @param message the line, without prefix
   */
  static void warn(String message) {
    System.err.println(PREFIX + message);
  }

  /**
   * A line printed the first time its key is seen, never again in this JVM.
   *
   * @param key what the line is about (for example a layer's name)
   * @param message the line, without prefix
   */
  static void warnOnce(String key, String message) {
    if (ONCE.add(key)) {
      warn(message);
    }
  }

  /**
   * A throwable in one line: its class, message and where it was thrown.
   *
   * @param t the throwable
   * @return e.g. {@code IllegalArgumentException: amax has shape [3] (at TensorQuant.java:120)}
   */
  static String describe(Throwable t) {
    StackTraceElement[] trace = t.getStackTrace();
    String where = trace.length == 0 ? "" : " (at " + trace[0].getFileName() + ":" + trace[0].getLineNumber() + ")";
    String message = t.getMessage() == null ? "" : ": " + t.getMessage().replace('\n', ' ');
    return t.getClass().getSimpleName() + message + where;
  }
}
