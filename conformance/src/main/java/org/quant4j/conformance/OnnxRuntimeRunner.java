package org.quant4j.conformance;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a serialized ONNX model in ONNX Runtime (CPU, one thread, graph optimizations off so the Q/DQ
 * pairs run as written) on one float input and returns its first output. Used to verify exports.
 */
public final class OnnxRuntimeRunner {

  private OnnxRuntimeRunner() {}

  /**
   * Runs a model.
   *
   * @param model the ModelProto bytes
   * @param inputName the graph input's name
   * @param x the input
   * @return the first output as a float array of its ONNX shape
   * @throws OrtException if ONNX Runtime rejects the model or fails to run it
   */
  public static INDArray run(byte[] model, String inputName, INDArray x) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      opts.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(model, opts);
          OnnxTensor input =
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
  }
}
