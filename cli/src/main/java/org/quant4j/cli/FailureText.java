package org.quant4j.cli;

/**
 * The one line a command prints for a failure: its message with line breaks folded, or, for a failure
 * without a message (or one that only wraps another), the innermost cause's class and message.
 */
final class FailureText {

  private FailureText() {}

  /**
   * The failure's own message on one line, or its innermost cause's when it has none.
   *
   * @param e the failure
   * @return one line of text
   */
  static String of(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return rootCause(e);
    }
    return fold(message);
  }

  /**
   * The innermost cause of a failure as {@code Class: message}, on one line: what a library that wraps
   * its errors in layers of its own actually found wrong.
   *
   * @param e the failure
   * @return one line of text
   */
  static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String name = root.getClass().getSimpleName();
    String message = root.getMessage();
    return message == null || message.isBlank() ? name : name + ": " + fold(message);
  }

  private static String fold(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
