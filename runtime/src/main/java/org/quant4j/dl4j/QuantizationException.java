package org.quant4j.dl4j;

/**
 * A quantized layer could not be quantized as configured: thrown from the DL4J call that ran it
 * ({@code output}, {@code fit}, {@code init}, {@code Calibration.collectStats}, ...) rather than letting
 * the layer run in float unnoticed. The message names the layer, what failed and why; the cause is the
 * original error.
 *
 * <p>Under the {@code -javaagent}, whose application cannot catch anything, no such exception is thrown:
 * the agent prints one line on stderr and leaves that layer in float.
 */
public final class QuantizationException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /**
   * A failure to quantize.
   *
   * @param message what could not be quantized, and why
   * @param cause the original error
   */
  public QuantizationException(String message, Throwable cause) {
    super(message, cause);
  }
}
