package org.quant4j.onnx.ptq;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The one place where quant4j's ONNX-in path opens ONNX Runtime sessions, so that every session is
 * configured on purpose.
 *
 * <p>Why it exists: on x86, ONNX Runtime's default graph optimisation rewrites the int8 activations of
 * a QDQ model as uint8 (it shifts the zero point by 128) unless the session option
 * {@code session.qdqisint8allowed} is {@code 1}; and ONNX Runtime 1.23/1.24's uint8 {@code QLinearConv}
 * gives wrong results on CPUs with AVX512-VNNI or AMX (ONNX Runtime issue 26324). A QDQ model is
 * therefore run in an {@link Mode#INT8} session, which keeps int8 as written. {@link Mode#DEFAULT}
 * (ONNX Runtime's defaults) and {@link Mode#NO_OPT} (no graph optimisation: every Q/DQ pair runs as a
 * float fake-quantization) exist to report the same model the other two ways.
 */
public final class OrtSessions {

  /** How a session treats the graph. */
  public enum Mode {
    /** ONNX Runtime's defaults: full optimisation, int8 QDQ activations may be converted to uint8 on x86. */
    DEFAULT("default"),
    /** Full optimisation with {@code session.qdqisint8allowed=1}: QDQ fused into int8 kernels, as deployed. */
    INT8("int8"),
    /** Graph optimisation off: the model runs node by node, exactly as written. */
    NO_OPT("no-opt");

    private final String label;

    Mode(String label) {
      this.label = label;
    }

    /**
     * A short name for tables and messages.
     *
     * @return e.g. {@code int8}
     */
    public String label() {
      return label;
    }
  }

  private OrtSessions() {}

  /**
   * The shared ONNX Runtime environment.
   *
   * @return the environment
   */
  public static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment();
  }

  /**
   * Opens a session on a serialized model.
   *
   * @param model the ModelProto bytes
   * @param mode how the graph is optimised
   * @return a new session; the caller closes it
   * @throws OrtException if ONNX Runtime rejects the model
   */
  public static OrtSession open(byte[] model, Mode mode) throws OrtException {
    try (OrtSession.SessionOptions options = options(mode)) {
      return environment().createSession(model, options);
    }
  }

  /**
   * Opens the session a calibration runs the FP32 model in: full optimisation, set for a session that
   * lives for a handful of runs while the JVM's calibrators work beside it. No memory pattern planning:
   * the planner spends the first two runs of each input shape recording allocations, and each such run
   * took about 1.7 times a planned one here, more than the plan saves over a few batches. Intra-op threads
   * sleep rather than spin while they wait, leaving the cores to the calibrators collecting the previous
   * batch.
   *
   * @param model the ModelProto bytes
   * @return a new session; the caller closes it
   * @throws OrtException if ONNX Runtime rejects the model
   */
  static OrtSession openForCalibration(byte[] model) throws OrtException {
    try (OrtSession.SessionOptions options = options(Mode.DEFAULT)) {
      options.setMemoryPatternOptimization(false);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      return environment().createSession(model, options);
    }
  }

  private static OrtSession.SessionOptions options(Mode mode) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    switch (mode) {
      case DEFAULT -> options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      case INT8 -> {
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.addConfigEntry("session.qdqisint8allowed", "1");
      }
      case NO_OPT -> options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      default -> throw new IllegalArgumentException("unknown session mode " + mode);
    }
    return options;
  }
}
