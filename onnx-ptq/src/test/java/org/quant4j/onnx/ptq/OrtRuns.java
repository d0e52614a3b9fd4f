package org.quant4j.onnx.ptq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/** Runs the tests' models in ONNX Runtime, with one float input, and reads float outputs back. */
final class OrtRuns {

  private OrtRuns() {}

  /**
   * The model with one more graph output, so that a plain session returns a tensor it computes.
   *
   * @param model the model
   * @param tensor a float tensor of its graph
   * @return the serialized model
   */
  static byte[] withOutput(ModelProto model, String tensor) {
    ModelProto.Builder b = model.toBuilder();
    b.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(tensor).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()))));
    return b.build().toByteArray();
  }

  /**
   * One float output of a run on a batch.
   *
   * @param session the session
   * @param input the graph input's name
   * @param x the batch, {@code x.length / (product of item)} items
   * @param item the shape of one item
   * @param output the output's name
   * @return its values
   * @throws OrtException if ONNX Runtime fails
   */
  static float[] output(OrtSession session, String input, float[] x, long[] item, String output) throws OrtException {
    long size = 1;
    for (long d : item) {
      size *= d;
    }
    long[] shape = new long[item.length + 1];
    shape[0] = x.length / size;
    System.arraycopy(item, 0, shape, 1, item.length);
    try (OnnxTensor in = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(x), shape);
        OrtSession.Result r = session.run(Map.of(input, in), Set.of(output))) {
      FloatBuffer values = ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer();
      float[] out = new float[values.remaining()];
      values.get(out);
      return out;
    }
  }

  /**
   * Asserts that, in every session kind, each value of a QDQ model's output differs from the FP32 model's (run
   * with no graph optimisation) by at most 5 % of the FP32 output's largest |value|.
   *
   * @param fp32 the FP32 model
   * @param qdq the QDQ model
   * @param x a batch of the graph input {@code x}, items of shape {@code item}
   * @param item the shape of one item
   * @param output the output compared
   * @throws Exception if a model cannot be read or run
   */
  static void assertCloseToFp32InEverySession(Path fp32, Path qdq, float[] x, long[] item, String output)
      throws Exception {
    float[] expected;
    try (OrtSession s = OrtSessions.open(Files.readAllBytes(fp32), OrtSessions.Mode.NO_OPT)) {
      expected = output(s, "x", x, item, output);
    }
    float max = 0;
    for (float v : expected) {
      max = Math.max(max, Math.abs(v));
    }
    byte[] model = Files.readAllBytes(qdq);
    for (OrtSessions.Mode mode : OrtSessions.Mode.values()) {
      float[] actual;
      try (OrtSession s = OrtSessions.open(model, mode)) {
        actual = output(s, "x", x, item, output);
      }
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 0.05f * max, mode.label() + " " + output + " " + i);
      }
    }
  }
}
