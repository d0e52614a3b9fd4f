package org.quant4j.cli;

/**
 * The implementation of {@code quant4j demo}, found with {@link java.util.ServiceLoader}: the demo
 * trains, exports and runs ONNX Runtime, so it lives in the quant4j-examples module (whose class path the
 * {@code ./quant4j} launcher uses), not in the runtime.
 */
public interface DemoRunner {

  /**
   * Runs the demo, printing its progress, its tables and where everything went.
   *
   * @param request what to run
   * @return the process exit status: 0 when the demo completed
   * @throws Exception if the demo fails; the command prints the message
   */
  int run(DemoRequest request) throws Exception;
}
