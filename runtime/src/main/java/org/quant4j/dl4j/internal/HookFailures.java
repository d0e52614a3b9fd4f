package org.quant4j.dl4j.internal;

import java.util.function.Consumer;
import org.quant4j.dl4j.QuantizationException;

/**
 * What a hook does when it cannot quantize: the one policy for every hook. In-process
 * ({@link QuantModules#initialize()}) the failure is a {@link QuantizationException} thrown from the user's
 * call; under the agent, whose application cannot catch it, the failure is one line handed to the agent
 * (which prints it on stderr) and the layer is left in float.
 */
public final class HookFailures {

  /** Where the agent wants its lines, or null: throw. */
  private static volatile Consumer<String> leaveInFloat;

  private HookFailures() {}

  /**
   * Chooses the policy.
   *
   * @param sink receives one line per failure, and the failed layer is left in float; null to throw
   */
  public static void reportTo(Consumer<String> sink) {
    leaveInFloat = sink;
  }

  /**
   * Whether a failed layer is left in float (the agent) rather than failing the user's call.
   *
   * @return true under the agent
   */
  public static boolean leavesInFloat() {
    return leaveInFloat != null;
  }

  /**
   * Reports a failure. Returns only when the policy is to leave the layer in float, which the caller then
   * does.
   *
   * @param subject what failed, e.g. {@code layer conv1 (ConvolutionLayer)}
   * @param what what it was doing, e.g. {@code quantizing its input}
   * @param cause the error
   * @throws QuantizationException in-process
   */
  static void failed(String subject, String what, Throwable cause) {
    Consumer<String> sink = leaveInFloat;
    if (sink == null) {
      throw new QuantizationException("quant4j: " + subject + " could not be quantized: error " + what + ": "
          + cause, cause);
    }
    sink.accept(subject + " left in float after an error " + what + ": " + cause);
  }

  /**
   * Reports a class that could not be woven: its layers will run in float. The line goes to the agent
   * when it runs, else to stderr (the failure happens while a class loads, where no caller could catch it,
   * and it must be seen whatever the application's logging does).
   *
   * @param typeName the class
   * @param cause the error
   */
  static void notTransformed(String typeName, Throwable cause) {
    String line = typeName + " left unquantized: it could not be transformed: " + cause;
    Consumer<String> sink = leaveInFloat;
    if (sink != null) {
      sink.accept(line);
    } else {
      System.err.println("quant4j: " + line);
    }
  }
}
