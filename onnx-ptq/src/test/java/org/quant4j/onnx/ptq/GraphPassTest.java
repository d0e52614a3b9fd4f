package org.quant4j.onnx.ptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.dl4j.QuantConfig;

/** Where the graph pass puts quantizers, what it writes, and that ONNX Runtime runs the result. */
class GraphPassTest {

  @TempDir Path dir;

  private static List<Map<String, float[]>> randomBatches(long seed, int batches, int batchSize, int itemSize) {
    Random r = new Random(seed);
    List<Map<String, float[]>> out = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      float[] v = new float[batchSize * itemSize];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) r.nextGaussian();
      }
      out.add(Map.of("x", v));
    }
    return out;
  }

  private static ModelProto read(Path file) throws Exception {
    return ModelProto.parseFrom(Files.readAllBytes(file));
  }

  private static NodeProto producer(ModelProto m, String tensor) {
    return m.getGraph().getNodeList().stream().filter(n -> n.getOutputList().contains(tensor)).findFirst().orElseThrow();
  }

  private static NodeProto node(ModelProto m, String name) {
    return m.getGraph().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
  }

  private static long axis(NodeProto n) {
    return n.getAttributeList().stream().filter(a -> a.getName().equals("axis")).mapToLong(AttributeProto::getI)
        .findFirst().orElse(-1);
  }

  private static TensorProto initializer(ModelProto m, String name) {
    return m.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void pytorchModelGetsAnInputAndAWeightQuantizerPerConvAndGemmNamedAfterItsModules() throws Exception {
    OnnxQuantizer q = OnnxQuantizer.builder().model(FashionResources.model()).calibrationData(List.of()).build();
    assertEquals(List.of("c1.0._input_quantizer", "c1.0._weight_quantizer", "c2.0._input_quantizer",
        "c2.0._weight_quantizer", "dw.0._input_quantizer", "dw.0._weight_quantizer", "dw.2._input_quantizer",
        "dw.2._weight_quantizer", "head.1._input_quantizer", "head.1._weight_quantizer", "head.4._input_quantizer",
        "head.4._weight_quantizer"), List.copyOf(q.plannedQuantizers().keySet()));
    assertEquals("input", q.plannedQuantizers().get("c1.0._input_quantizer"));
    assertEquals("head.4.weight", q.plannedQuantizers().get("head.4._weight_quantizer"));
  }

  @Test
  void weightsArePerOutputChannelOnEachOperatorsAxisAndActivationsPerTensor() throws Exception {
    Path model = new TinyGraph(3).input("x", -1, 2, 3, 3)
        .weight("up.weight", 2, 3, 2, 2).weight("proj.weight", 6, 5)
        .node("/up/ConvTranspose", "ConvTranspose", List.of("x", "up.weight"), "u", TinyGraph.ints("strides", 2, 2))
        .node("/flat/Reshape", "Flatten", List.of("u"), "f", TinyGraph.attr("axis", 3))
        .node("/proj/MatMul", "MatMul", List.of("f", "proj.weight"), "y")
        .output("y").write(dir.resolve("m.onnx"));
    QuantizationReport report = OnnxQuantizer.builder().model(model).calibrationData(randomBatches(1, 2, 4, 18))
        .build().quantize(dir.resolve("q.onnx"));
    ModelProto q = read(dir.resolve("q.onnx"));
    assertEquals(1, axis(node(q, "up._weight_quantizer/QuantizeLinear")));
    assertEquals(1, axis(node(q, "proj._weight_quantizer/DequantizeLinear")));
    assertEquals(-1, axis(node(q, "up._input_quantizer/QuantizeLinear")));
    assertEquals(3, report.amax("up._weight_quantizer").length);
    assertEquals(5, report.amax("proj._weight_quantizer").length);
    assertEquals(1, report.amax("proj._input_quantizer").length);
    assertEquals(List.of(3L), initializer(q, "up._weight_quantizer.scale").getDimsList());
  }

  @Test
  void residualAddGetsBothInputsQuantizedOnlyWhenTheConfigAsksAndSharedTensorsGetOneQuantizer() throws Exception {
    Path model = TinyGraph.residualNet(5).write(dir.resolve("res.onnx"));
    List<Map<String, float[]>> data = randomBatches(2, 2, 8, 72);
    QuantizationReport plain = OnnxQuantizer.builder().model(model).calibrationData(data).build()
        .quantize(dir.resolve("plain.onnx"));
    assertEquals(List.of("block.conv1._input_quantizer", "block.conv1._weight_quantizer",
        "head.conv._input_quantizer", "head.conv._weight_quantizer", "fc._input_quantizer", "fc._weight_quantizer"),
        List.copyOf(plain.quantizers().keySet()));
    assertEquals(List.of("r1", "x"), node(read(dir.resolve("plain.onnx")), "/block/Add").getInputList());

    QuantizationReport residual = OnnxQuantizer.builder().model(model).calibrationData(data)
        .config(QuantConfig.builder().residual(true).build()).build().quantize(dir.resolve("residual.onnx"));
    assertEquals(7, residual.quantizers().size());
    assertTrue(residual.quantizers().containsKey("block._input_quantizer"));
    ModelProto q = read(dir.resolve("residual.onnx"));
    NodeProto add = node(q, "/block/Add");
    NodeProto conv1 = node(q, "/block/conv1/Conv");
    assertEquals("DequantizeLinear", producer(q, add.getInput(0)).getOpType());
    assertEquals(conv1.getInput(0), add.getInput(1), "x has one quantizer, read by the Conv and the Add");
    assertEquals(1, q.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("QuantizeLinear")
        && n.getInput(0).equals("x")).count());
  }

  @Test
  void theGraphOutputIsNotQuantized() throws Exception {
    Path model = TinyGraph.residualNet(5).write(dir.resolve("res.onnx"));
    OnnxQuantizer.builder().model(model).calibrationData(randomBatches(2, 1, 8, 72)).build()
        .quantize(dir.resolve("q.onnx"));
    ModelProto q = read(dir.resolve("q.onnx"));
    assertEquals("Gemm", producer(q, "logits").getOpType());
    assertTrue(q.getGraph().getNodeList().stream().noneMatch(n -> n.getInputList().contains("logits")));
  }

  @Test
  void nodesThatCannotBeQuantizedStayFloatAndAreListedWithTheReason() throws Exception {
    Path model = new TinyGraph(4).input("x", -1, 1, 4, 4).input("k", 8, 8)
        .weight("a.weight", 2, 1, 3, 3).weight("b.weight", 8, 3)
        .node("/a/Neg", "Neg", List.of("a.weight"), "a_w")
        .node("/a/Conv", "Conv", List.of("x", "a_w"), "h")
        .node("/flat/Flatten", "Flatten", List.of("h"), "f", TinyGraph.attr("axis", 1))
        .node("/attn/MatMul", "MatMul", List.of("f", "k"), "s")
        .node("/b/MatMul", "MatMul", List.of("s", "b.weight"), "y")
        .output("y").write(dir.resolve("m.onnx"));
    Random r = new Random(8);
    float[] x = new float[2 * 16];
    float[] k = new float[64];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    for (int i = 0; i < k.length; i++) {
      k[i] = r.nextFloat();
    }
    QuantizationReport report = OnnxQuantizer.builder().model(model).calibrationData(List.of(Map.of("x", x, "k", k)))
        .build().quantize(dir.resolve("q.onnx"));
    assertEquals(List.of("b._input_quantizer", "b._weight_quantizer"), List.copyOf(report.quantizers().keySet()));
    assertEquals(List.of(
        new SkippedNode("/a/Conv", "Conv", "its weight 'a_w' is computed in the graph, not an initializer"),
        new SkippedNode("/attn/MatMul", "MatMul", "both inputs are activations, so there is no weight to quantize per channel")),
        report.skipped());
  }

  @Test
  void aWeightAliasedThroughIdentityIsQuantizedOnceAsItsInitializer() throws Exception {
    Path model = new TinyGraph(9).input("x", -1, 4)
        .weight("shared.weight", 3, 4)
        .node("/a/Identity", "Identity", List.of("shared.weight"), "alias")
        .node("/a/Gemm", "Gemm", List.of("x", "shared.weight"), "y1", TinyGraph.attr("transB", 1))
        .node("/b/Gemm", "Gemm", List.of("x", "alias"), "y2", TinyGraph.attr("transB", 1))
        .node("/sum/Add", "Add", List.of("y1", "y2"), "y")
        .output("y").write(dir.resolve("m.onnx"));
    QuantizationReport report = OnnxQuantizer.builder().model(model).calibrationData(randomBatches(2, 1, 4, 4))
        .build().quantize(dir.resolve("q.onnx"));
    assertEquals(List.of("a._input_quantizer", "a._weight_quantizer"), List.copyOf(report.quantizers().keySet()));
    assertTrue(report.skipped().isEmpty(), report.skipped()::toString);
    ModelProto q = read(dir.resolve("q.onnx"));
    assertEquals(node(q, "/a/Gemm").getInput(1), node(q, "/b/Gemm").getInput(1));
    assertEquals("DequantizeLinear", producer(q, node(q, "/b/Gemm").getInput(1)).getOpType());
  }

  @Test
  void scalesAreAmaxOver127WithInt8ZeroPointsOfZero() throws Exception {
    Path model = TinyGraph.residualNet(6).write(dir.resolve("res.onnx"));
    QuantizationReport report = OnnxQuantizer.builder().model(model).calibrationData(randomBatches(3, 2, 8, 72))
        .build().quantize(dir.resolve("q.onnx"));
    ModelProto q = read(dir.resolve("q.onnx"));
    float[] amax = report.amax("fc._weight_quantizer");
    float[] scales = OnnxModel.floats(initializer(q, "fc._weight_quantizer.scale"));
    for (int c = 0; c < amax.length; c++) {
      assertEquals(Float.floatToRawIntBits(amax[c] / 127f), Float.floatToRawIntBits(scales[c]));
    }
    TensorProto zp = initializer(q, "fc._weight_quantizer.zero_point");
    assertEquals(TensorProto.DataType.INT8.getNumber(), zp.getDataType());
    assertArrayEquals(new byte[amax.length], zp.getRawData().toByteArray());
  }

  @Test
  void theQdqModelRunsInEverySessionKindCloseToFp32() throws Exception {
    Path model = TinyGraph.residualNet(7).write(dir.resolve("res.onnx"));
    List<Map<String, float[]>> data = randomBatches(4, 4, 16, 72);
    OnnxQuantizer.builder().model(model).calibrationData(data).method(AmaxMethod.PERCENTILE, 99.99)
        .config(QuantConfig.builder().residual(true).build()).build().quantize(dir.resolve("q.onnx"));
    OrtRuns.assertCloseToFp32InEverySession(model, dir.resolve("q.onnx"), data.get(0).get("x"),
        new long[] {2, 6, 6}, "logits");
  }
}
