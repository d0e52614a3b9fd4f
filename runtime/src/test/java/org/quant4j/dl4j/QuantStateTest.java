package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.nn.TensorQuantizer;

/** Saving and loading quantizer state by name. */
class QuantStateTest {

  @TempDir Path dir;

  private static MultiLayerNetwork calibrated() {
    MultiLayerNetwork net = Networks.quantized(QuantizersNamingTest.miniLeNet());
    Calibration.collectStats(net, CalibrationTest.data(2, 4), 2);
    Calibration.computeAmax(net, AmaxMethod.MAX);
    Quantizers.of(net).get("layer1._input_quantizer").setAmax(Float.intBitsToFloat(0x3f7fffff));
    Quantizers.of(net).get("fc1._input_quantizer").disable();
    Quantizers.of(net).get("layer3._weight_quantizer").disableQuant();
    return net;
  }

  private static void assertSameState(MultiLayerNetwork expected, MultiLayerNetwork actual) {
    Map<String, TensorQuantizer> a = Quantizers.of(actual);
    Quantizers.of(expected).forEach((name, q) -> {
      TensorQuantizer r = a.get(name);
      assertArrayEquals(q.amax().shape(), r.amax().shape(), name);
      float[] e = q.amax().dup('c').data().asFloat();
      float[] g = r.amax().dup('c').data().asFloat();
      for (int i = 0; i < e.length; i++) {
        assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(g[i]), name + "[" + i + "]");
      }
      assertEquals(q.isEnabled(), r.isEnabled(), name);
      assertEquals(q.isQuantEnabled(), r.isQuantEnabled(), name);
      assertEquals(q.isCalibEnabled(), r.isCalibEnabled(), name);
    });
  }

  @Test
  void saveThenLoadRestoresEveryAmaxAndFlagBitExactly() throws Exception {
    MultiLayerNetwork net = calibrated();
    Path file = dir.resolve("amax.json");
    QuantState.save(net, file);
    MultiLayerNetwork fresh = Networks.quantized(QuantizersNamingTest.miniLeNet());
    QuantState.load(fresh, file);
    assertSameState(net, fresh);
    assertFalse(Quantizers.of(fresh).get("fc1._input_quantizer").isEnabled());
  }

  @Test
  void loadingMismatchedNamesFailsListingThemUnlessNotStrict() throws Exception {
    Path file = dir.resolve("amax.json");
    QuantState.save(calibrated(), file);
    Files.writeString(file, Files.readString(file).replace("\"fc1._weight_quantizer\"", "\"fc9._weight_quantizer\""));
    MultiLayerNetwork fresh = Networks.quantized(QuantizersNamingTest.miniLeNet());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuantState.load(fresh, file));
    assertTrue(e.getMessage().contains("[fc9._weight_quantizer]"), e.getMessage());
    assertTrue(e.getMessage().contains("[fc1._weight_quantizer]"), e.getMessage());
    QuantState.load(fresh, file, false);
    assertTrue(Quantizers.of(fresh).get("conv1._weight_quantizer").amax() != null);
    assertEquals(null, Quantizers.of(fresh).get("fc1._weight_quantizer").amax());
  }

  @Test
  void amaxSurvivesModelSerializerThroughASiblingFile() throws Exception {
    MultiLayerNetwork net = calibrated();
    File model = dir.resolve("lenet.zip").toFile();
    ModelSerializer.writeModel(net, model, false);
    assertTrue(Files.isRegularFile(dir.resolve("lenet.zip.quant4j.json")));
    MultiLayerNetwork restored = Networks.build(QuantConfig.DEFAULT,
        () -> {
          try {
            return ModelSerializer.restoreMultiLayerNetwork(model, false);
          } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
          }
        });
    assertSameState(net, restored);
    INDArray x = CalibrationTest.data(1, 4).next().getFeatures();
    assertEquals(net.output(x), restored.output(x));
  }
}
