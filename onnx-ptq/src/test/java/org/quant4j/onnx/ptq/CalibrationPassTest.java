package org.quant4j.onnx.ptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.onnx.OnnxTensors;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.nn.TensorQuantizer;

/**
 * The calibration pass hands every activation of every batch to its calibrator, whether ONNX Runtime
 * writes the activations into arrays shaped beforehand or they are fetched and copied.
 */
class CalibrationPassTest {

  private static final long[] ITEM_SHAPE = {2, 6, 6};
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
    float max = 0;
    try (OrtSession s = OrtSessions.open(OrtRuns.withOutput(OnnxModel.read(model).proto(), tensor),
        OrtSessions.Mode.NO_OPT)) {
      for (Map<String, float[]> batch : batches) {
        for (float v : OrtRuns.output(s, "x", batch.get("x"), ITEM_SHAPE, tensor)) {
          max = Math.max(max, Math.abs(v));
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

  /**
   * conv → BatchNormalization (not folded) → relu → reshape to {@code [N, -1]} computed from the tensor's
   * shape, as PyTorch's {@code x.view(x.size(0), -1)} exports → gemm.
   */
  private Path unfoldedNet() throws Exception {
    ModelProto m = new TinyGraph(21).input("x", -1, 2, 6, 6)
        .weight("conv.weight", 3, 2, 3, 3).weight("conv.bias", 3)
        .weight("bn.weight", 3).weight("bn.bias", 3).weight("bn.running_mean", 3)
        .weight("fc.weight", 4, 108).weight("fc.bias", 4)
        .node("/conv/Conv", "Conv", List.of("x", "conv.weight", "conv.bias"), "c", TinyGraph.ints("pads", 1, 1, 1, 1))
        .node("/bn/BatchNormalization", "BatchNormalization",
            List.of("c", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"), "b")
        .node("/relu/Relu", "Relu", List.of("b"), "r")
        .node("/Shape", "Shape", List.of("r"), "s")
        .node("/Gather", "Gather", List.of("s", "zero"), "n", TinyGraph.attr("axis", 0))
        .node("/Unsqueeze", "Unsqueeze", List.of("n", "zeros"), "n1")
        .node("/Concat", "Concat", List.of("n1", "minusOne"), "shape", TinyGraph.attr("axis", 0))
        .node("/Reshape", "Reshape", List.of("r", "shape"), "flat")
        .node("/fc/Gemm", "Gemm", List.of("flat", "fc.weight", "fc.bias"), "logits", TinyGraph.attr("transB", 1))
        .output("logits").model();
    ModelProto.Builder b = m.toBuilder();
    b.getGraphBuilder()
        .addInitializer(OnnxTensors.floats("bn.running_var", new long[] {3}, new float[] {0.5f, 1f, 2f}))
        .addInitializer(int64("zero", new long[0], 0))
        .addInitializer(int64("zeros", new long[] {1}, 0))
        .addInitializer(int64("minusOne", new long[] {1}, -1));
    Path file = dir.resolve("unfolded.onnx");
    org.quant4j.internal.AtomicFiles.write(file, b.build().toByteArray());
    return file;
  }

  private static TensorProto int64(String name, long[] shape, long value) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber())
        .addInt64Data(value);
    for (long d : shape) {
      t.addDims(d);
    }
    return t.build();
  }

  @Test
  void aNetWithAnUnfoldedBatchNormAndAComputedReshapeIsCalibratedExactlyAndRunsCloseToFp32() throws Exception {
    Path model = unfoldedNet();
    List<Map<String, float[]>> data = batches(7);
    Path out = dir.resolve("unfolded-qdq.onnx");
    QuantizationReport report = OnnxQuantizer.builder().model(model).calibrationData(data).method(AmaxMethod.MAX)
        .build().quantize(out);
    assertEquals(List.of("conv._input_quantizer", "conv._weight_quantizer", "fc._input_quantizer",
        "fc._weight_quantizer"), List.copyOf(report.quantizers().keySet()));
    assertTrue(report.skipped().isEmpty(), report.skipped()::toString);
    float expected = maxAbs(model, "flat", data);
    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(report.amax("fc._input_quantizer")[0]));
    OrtRuns.assertCloseToFp32InEverySession(model, out, data.get(0).get("x"), ITEM_SHAPE, "logits");
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
