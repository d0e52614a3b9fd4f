package org.quant4j.onnx.ptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.tensor.QuantDescriptor;

/** Every bad input is refused with one message naming it, and nothing is written. */
class BadInputTest {

  @TempDir Path dir;

  private Path out() {
    return dir.resolve("out.onnx");
  }

  private String refused(Path model, List<? extends Map<String, ?>> data) throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxQuantizer.builder().model(model).calibrationData(data).build().quantize(out()));
    assertFalse(Files.exists(out()), "nothing is written");
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file is left");
    }
    return e.getMessage();
  }

  private Path tiny() throws Exception {
    return TinyGraph.residualNet(1).write(dir.resolve("tiny.onnx"));
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  @Test
  void aFileThatIsNotOnnxIsRefused() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.onnx"), "these are not the weights you are looking for\n");
    assertTrue(refused(text, List.of()).contains("is not an ONNX model"));
  }

  @Test
  void anOpsetBelow13IsRefused() throws Exception {
    Path old = TinyGraph.residualNet(1).opset(12).write(dir.resolve("old.onnx"));
    String m = refused(old, List.of());
    assertTrue(m.contains("has opset 12, expected opset 13 or later"), m);
  }

  @Test
  void anInputNameThatIsNotInTheGraphIsRefused() throws Exception {
    String m = refused(tiny(), List.of(Map.of("image", ones(72))));
    assertTrue(m.contains("has input 'image', which is not an input of the graph; its inputs are [x]"), m);
  }

  @Test
  void dataWhoseShapeDoesNotFitTheInputIsRefused() throws Exception {
    String m = refused(tiny(), List.of(Map.of("x", Nd4j.ones(4, 3, 6, 6))));
    assertTrue(m.contains("has shape [4, 3, 6, 6], which does not fit the graph input's shape [N, 2, 6, 6]"), m);
    String flat = refused(tiny(), List.of(Map.of("x", ones(100))));
    assertTrue(flat.contains("has 100 values, which is not a whole number of items"), flat);
  }

  @Test
  void nanOrInfinityInTheDataIsRefused() throws Exception {
    float[] v = ones(144);
    v[77] = Float.NaN;
    String m = refused(tiny(), List.of(Map.of("x", ones(72)), Map.of("x", v)));
    assertTrue(m.contains("calibration batch 1 input 'x' holds NaN at flat index 77"), m);
    v[77] = Float.NEGATIVE_INFINITY;
    assertTrue(refused(tiny(), List.of(Map.of("x", v))).contains("holds -Infinity"));
  }

  @Test
  void anOutputPathEqualToTheModelIsRefusedAndTheModelIsKept() throws Exception {
    Path model = tiny();
    byte[] before = Files.readAllBytes(model);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxQuantizer.builder().model(model).calibrationData(List.of(Map.of("x", ones(72)))).build()
            .quantize(dir.resolve(".").resolve("tiny.onnx")));
    assertTrue(e.getMessage().contains("is the input model"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(model));
  }

  @Test
  void noCalibrationBatchIsRefused() throws Exception {
    assertTrue(refused(tiny(), List.of()).contains("holds no batch"));
  }

  @Test
  void aBitWidthTheQdqWriterCannotWriteIsRefusedBeforeAnyCalibration() throws Exception {
    // build() takes no batch, so the refusal comes before any calibration
    IllegalArgumentException input = assertThrows(IllegalArgumentException.class, () -> OnnxQuantizer.builder()
        .model(tiny()).calibrationData(List.of()).input(QuantDescriptor.builder().numBits(4).build()).build());
    assertTrue(input.getMessage().contains("block.conv1._input_quantizer has numBits 4: quantize-onnx writes 8-bit"
        + " quantizers (and FP8 E4M3) only"), input.getMessage());
    IllegalArgumentException weight = assertThrows(IllegalArgumentException.class, () -> OnnxQuantizer.builder()
        .model(tiny()).calibrationData(List.of()).weight(QuantDescriptor.builder().numBits(4).axis(0).build()).build());
    assertTrue(weight.getMessage().contains("block.conv1._weight_quantizer has numBits 4: quantize-onnx writes 8-bit"
        + " quantizers"), weight.getMessage());
  }

  @Test
  void anAlreadyQuantizedModelIsRefused() throws Exception {
    Path qdq = dir.resolve("qdq.onnx");
    OnnxQuantizer.builder().model(tiny()).calibrationData(List.of(Map.of("x", ones(72)))).build().quantize(qdq);
    String m = refused(qdq, List.of(Map.of("x", ones(72))));
    assertTrue(m.contains("is already quantized"), m);
  }
}
