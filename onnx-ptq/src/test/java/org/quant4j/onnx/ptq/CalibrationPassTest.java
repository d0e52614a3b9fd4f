package org.quant4j.onnx.ptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorShapeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.nn.TensorQuantizer;

/**
 * The calibration pass hands every activation of every batch to its calibrator, whether ONNX Runtime
 * writes the activations into arrays shaped beforehand or they are fetched and copied.
 */
class CalibrationPassTest {

  private static final int ITEM = 2 * 6 * 6;
  /** Three full batches and a shorter last one, which needs arrays of its own shape. */
  private static final int[] BATCH_SIZES = {8, 8, 8, 5};

  @TempDir Path dir;

  private static List<Map<String, float[]>> batches(long seed) {
    Random r = new Random(seed);
    List<Map<String, float[]>> out = new ArrayList<>();
    for (int size : BATCH_SIZES) {
      float[] v = new float[size * ITEM];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) r.nextGaussian();
      }
      out.add(Map.of("x", v));
    }
    return out;
  }

  /** The residual net with its batch dimension named, as PyTorch exports it, or left without a name. */
  private Path model(boolean namedBatch) throws Exception {
    ModelProto m = TinyGraph.residualNet(11).model();
    if (!namedBatch) {
      ModelProto.Builder b = m.toBuilder();
      b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
          .setDim(0, TensorShapeProto.Dimension.newBuilder());
      m = b.build();
    }
    Path file = dir.resolve(namedBatch ? "named.onnx" : "unnamed.onnx");
    org.quant4j.internal.AtomicFiles.write(file, m.toByteArray());
    return file;
  }

  /** max |t| over every batch, from a plain ONNX Runtime session that fetches the tensor. */
  private static float maxAbs(Path model, String tensor, List<Map<String, float[]>> batches) throws Exception {
    ModelProto m = OnnxModel.read(model).proto();
    ModelProto.Builder b = m.toBuilder();
    b.getGraphBuilder().addOutput(onnx.Onnx.ValueInfoProto.newBuilder().setName(tensor)
        .setType(onnx.Onnx.TypeProto.newBuilder().setTensorType(onnx.Onnx.TypeProto.Tensor.newBuilder()
            .setElemType(onnx.Onnx.TensorProto.DataType.FLOAT.getNumber()))));
    float max = 0;
    try (OrtSession s = OrtSessions.open(b.build().toByteArray(), OrtSessions.Mode.NO_OPT)) {
      for (Map<String, float[]> batch : batches) {
        float[] x = batch.get("x");
        try (OnnxTensor in = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(x),
                new long[] {x.length / ITEM, 2, 6, 6});
            OrtSession.Result r = s.run(Map.of("x", in), Set.of(tensor))) {
          FloatBuffer v = ((OnnxTensor) r.get(tensor).orElseThrow()).getFloatBuffer();
          while (v.hasRemaining()) {
            max = Math.max(max, Math.abs(v.get()));
          }
        }
      }
    }
    return max;
  }

  @Test
  void everyBatchReachesTheCalibratorsWhetherTheActivationShapesArePredictedOrFetched() throws Exception {
    List<Map<String, float[]>> data = batches(5);
    for (boolean named : new boolean[] {true, false}) {
      Path model = model(named);
      QuantizationReport report = OnnxQuantizer.builder().model(model).calibrationData(data)
          .method(AmaxMethod.MAX).build().calibrate();
      assertEquals(BATCH_SIZES.length, report.batches());
      assertEquals(29, report.samples());
      for (Map.Entry<String, String> e : Map.of("head.conv._input_quantizer", "sum", "fc._input_quantizer", "flat",
          "block.conv1._input_quantizer", "x").entrySet()) {
        float expected = e.getValue().equals("x") ? maxOfInputs(data) : maxAbs(model, e.getValue(), data);
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(report.amax(e.getKey())[0]),
            (named ? "named" : "unnamed") + " batch dimension, " + e.getKey() + ": " + expected + " vs "
                + report.amax(e.getKey())[0]);
      }
    }
  }

  private static float maxOfInputs(List<Map<String, float[]>> data) {
    float max = 0;
    for (Map<String, float[]> b : data) {
      for (float v : b.get("x")) {
        max = Math.max(max, Math.abs(v));
      }
    }
    return max;
  }

  @Test
  void activationShapesArePredictedFromTheNamedBatchDimensionAndOnlyFromIt() throws Exception {
    Map<String, TensorQuantizer> byTensor = Map.of(
        "sum", new TensorQuantizer(QuantDescriptor.builder().build()),
        "flat", new TensorQuantizer(QuantDescriptor.builder().build()));
    Map<String, long[]> inputShape = Map.of("x", new long[] {5, 2, 6, 6});
    try (ActivationCollector named = new ActivationCollector(OnnxModel.read(model(true)), byTensor)) {
      Map<String, long[]> shapes = named.predictShapes(inputShape);
      assertArrayEquals(new long[] {5, 2, 6, 6}, shapes.get("sum"));
      assertArrayEquals(new long[] {5, 3}, shapes.get("flat"));
    }
    try (ActivationCollector unnamed = new ActivationCollector(OnnxModel.read(model(false)), byTensor)) {
      assertNull(unnamed.predictShapes(inputShape));
    }
  }
}
