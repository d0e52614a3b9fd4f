package org.quant4j.conformance;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place quant4j opens ONNX Runtime sessions (CPU, one thread) to run exported models on one
 * float input. Three kinds of session, {@link Kind}:
 *
 * <ul>
 *   <li>{@link Kind#UNOPTIMIZED}: graph optimisations off, so every QuantizeLinear/DequantizeLinear
 *       pair runs as written, in float: the graph the export wrote, op for op.
 *   <li>{@link Kind#DEFAULT}: ORT's defaults (all optimisations). On x86, ORT's QDQ transformers then
 *       turn int8 activations into uint8 (zero point +128) before fusing the operators into integer
 *       kernels. ORT 1.23 and 1.24's uint8-activation QLinearConv computes wrong results on CPUs with
 *       AVX512-VNNI or AMX (onnxruntime issue 26324), and on AVX2 its u8·s8 kernel sums pairs of
 *       products in 16 bits ({@code VPMADDUBSW}), which saturate for 8-bit weights; the figures of such
 *       a session depend on the CPU.
 *   <li>{@link Kind#INT8}: all optimisations, plus {@code session.qdqisint8allowed = 1}, which keeps
 *       int8 activations int8 so ORT fuses the Q/DQ graph into its s8·s8 integer kernels. This is the
 *       session to deploy quant4j's exports with, and the one the agreement tests assert on.
 * </ul>
 */
public final class OnnxRuntimeRunner {

  /** The ORT configuration key that keeps int8 QDQ activations int8 on x86. */
  public static final String QDQ_IS_INT8_ALLOWED = "session.qdqisint8allowed";

  /** Which ORT session runs a model. */
  public enum Kind {
    /** Graph optimisations off: the Q/DQ graph runs as written. */
    UNOPTIMIZED,
    /** ORT's default session (all optimisations, uint8 activations on x86). */
    DEFAULT,
    /** All optimisations with {@code session.qdqisint8allowed=1}: int8 integer kernels. */
    INT8
  }

  private OnnxRuntimeRunner() {}

  /**
   * Runs a model with graph optimisations off.
   *
   * @param model the ModelProto bytes
   * @param inputName the graph input's name
   * @param x the input
   * @return the first output as a float array of its ONNX shape
   * @throws OrtException if ONNX Runtime rejects the model or fails to run it
   */
  public static INDArray run(byte[] model, String inputName, INDArray x) throws OrtException {
    return run(model, inputName, x, Kind.UNOPTIMIZED);
  }

  /**
   * Runs a model in one kind of session.
   *
   * @param model the ModelProto bytes
   * @param inputName the graph input's name
   * @param x the input
   * @param kind the session
   * @return the first output as a float array of its ONNX shape
   * @throws OrtException if ONNX Runtime rejects the model or fails to run it
   */
  public static INDArray run(byte[] model, String inputName, INDArray x, Kind kind) throws OrtException {
    try (Session session = open(model, kind, null)) {
      return session.run(inputName, x);
    }
  }

  /**
   * Opens a session, to run a model on many inputs.
   *
   * @param model the ModelProto bytes
   * @param kind the session
   * @param optimizedModel where ORT saves the graph it actually runs (after its optimisations), or null
   * @return the open session; close it
   * @throws OrtException if ONNX Runtime rejects the model
   */
  public static Session open(byte[] model, Kind kind, Path optimizedModel) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      if (kind == Kind.UNOPTIMIZED) {
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      } else {
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      }
      if (kind == Kind.INT8) {
        opts.addConfigEntry(QDQ_IS_INT8_ALLOWED, "1");
      }
      if (optimizedModel != null) {
        opts.setOptimizedModelFilePath(optimizedModel.toString());
      }
      return new Session(env, env.createSession(model, opts));
    }
  }

  /** An open ORT session on one model. */
  public static final class Session implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;

    private Session(OrtEnvironment env, OrtSession session) {
      this.env = env;
      this.session = session;
    }

    /**
     * Runs the model.
     *
     * @param inputName the graph input's name
     * @param x the input
     * @return the first output as a float array of its ONNX shape
     * @throws OrtException if ONNX Runtime fails to run it
     */
    public INDArray run(String inputName, INDArray x) throws OrtException {
      try (OnnxTensor input =
              OnnxTensor.createTensor(env, FloatBuffer.wrap(x.castTo(DataType.FLOAT).dup('c').data().asFloat()), x.shape());
          OrtSession.Result result = session.run(Map.of(inputName, input))) {
        OnnxTensor out = (OnnxTensor) result.get(0);
        long[] shape = out.getInfo().getShape();
        FloatBuffer fb = out.getFloatBuffer();
        float[] data = new float[fb.remaining()];
        fb.get(data);
        return Nd4j.create(data, shape, 'c');
      }
    }

    /** Closes the session. */
    @Override
    public void close() throws OrtException {
      session.close();
    }
  }
}
