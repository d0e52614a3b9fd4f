package org.quant4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.tensor.ComputeBackend;

/**
 * Starts ND4J before a command runs, holding back what ND4J prints on standard error while it picks its
 * backend. With ND4J's CUDA backend on the class path (the {@code cuda} profile) on a machine where it cannot
 * run (no GPU, no CUDA 11.6 runtime), ND4J prints the {@code UnsatisfiedLinkError} of its CUDA probe with its
 * stack trace and a warning, some 20 lines, before it falls back to the CPU backend: the command line shows
 * quant4j's one line about the fallback instead ({@link ComputeBackend}), and all of ND4J's report too under
 * {@code --verbose}. Whatever else ND4J prints while it starts is shown as it was.
 */
final class Nd4jStartup {

  private Nd4jStartup() {}

  /**
   * Starts ND4J's backend and shows what it printed, as {@link #shown} decides.
   *
   * @param verbose whether {@code --verbose} was given
   */
  static void start(boolean verbose) {
    PrintStream err = System.err;
    ByteArrayOutputStream held = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(held, true, StandardCharsets.UTF_8)) {
      System.setErr(capture);
      try {
        Nd4j.getBackend();
      } catch (RuntimeException | Error e) {
        System.setErr(err);
        err.print(held.toString(StandardCharsets.UTF_8));
        throw e;
      } finally {
        System.setErr(err);
      }
    }
    // ComputeBackend logs its line about a fallback as it loads, here rather than at the first quantization.
    boolean fallback = ComputeBackend.isCudaFallback();
    err.print(shown(held.toString(StandardCharsets.UTF_8), fallback, verbose));
    err.flush();
  }

  /**
   * What of ND4J's start-up output to show.
   *
   * @param nd4jOutput what ND4J printed on standard error while it picked its backend
   * @param cudaFallback whether ND4J fell back from its CUDA backend to the CPU backend
   * @param verbose whether {@code --verbose} was given
   * @return nothing after a CUDA fallback without {@code --verbose} (quant4j's line says it), else all of it
   */
  static String shown(String nd4jOutput, boolean cudaFallback, boolean verbose) {
    return cudaFallback && !verbose ? "" : nd4jOutput;
  }
}
