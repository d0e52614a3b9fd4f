package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.nn.TensorQuantizer;

/** Saving and loading quantizer state by name, all or nothing, and the sibling file beside a saved model. */
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
  void oneEntryThatDoesNotFitChangesNothingAndIsNamed() throws Exception {
    Path file = dir.resolve("amax.json");
    QuantState.save(calibrated(), file);
    Map<String, QuantizerState> entries = new LinkedHashMap<>(QuantStateFile.read(file).quantizers());
    entries.put("fc1._weight_quantizer", entries.get("fc1._weight_quantizer").toBuilder()
        .amax(new QuantizerState.Amax(new long[] {1, 7}, new float[7])).build());
    QuantStateFile.of(entries).write(file);
    MultiLayerNetwork fresh = Networks.quantized(QuantizersNamingTest.miniLeNet());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuantState.load(fresh, file));
    assertEquals(file + " does not fit the model, nothing was loaded: fc1._weight_quantizer: amax shape [1, 7] does "
        + "not fit the weight [36, 8] quantized per channel on axis 1 (expected [1, 8])", e.getMessage());
    assertUntouched(fresh);
    assertThrows(IllegalArgumentException.class, () -> QuantState.load(fresh, file, false));
    assertUntouched(fresh);
  }

  private static void assertUntouched(MultiLayerNetwork net) {
    Quantizers.of(net).forEach((name, q) -> {
      assertNull(q.amax(), name);
      assertTrue(q.isEnabled() && q.isQuantEnabled() && !q.isCalibEnabled(), name);
    });
  }

  @Test
  void aPlanLoadsWhatFitsAndNamesWhatDoesNot() {
    MultiLayerNetwork net = Networks.quantized(QuantizersNamingTest.miniLeNet());
    Map<String, QuantizerState> entries = new LinkedHashMap<>(QuantState.capture(net));
    // One amax for every channel broadcasts, as in the reference; clip needs a quantizer that learns amax.
    entries.put("conv1._weight_quantizer", QuantizerState.builder()
        .amax(new QuantizerState.Amax(new long[0], new float[] {1.5f})).build());
    entries.put("fc1._input_quantizer", entries.get("fc1._input_quantizer").toBuilder()
        .flags(new QuantizerState.Flags(true, true, false, true)).build());
    entries.remove("layer3._weight_quantizer");
    entries.put("fc2._input_quantizer", entries.get("layer1._input_quantizer"));
    QuantState.Plan plan = QuantState.plan(net, entries);
    assertEquals(List.of("fc1._input_quantizer: clip is true, but the quantizer does not learn amax"), plan.refused());
    assertEquals(List.of("fc2._input_quantizer"), plan.unknown());
    assertEquals(List.of("layer3._weight_quantizer"), plan.missing());
    assertEquals(5, plan.loadable());
    assertEquals(5, plan.apply());
    assertEquals(1.5f, Quantizers.of(net).get("conv1._weight_quantizer").amax().getFloat(0));
  }

  @Test
  void stateSavedFromAnotherGridIsRefusedNamingBoth() throws Exception {
    QuantConfig w4 = QuantConfig.DEFAULT.toBuilder()
        .weight(QuantSpec.numBits(4)).build();
    MultiLayerNetwork net4 = Networks.quantized(w4, QuantizersNamingTest.miniLeNet());
    Path file = dir.resolve("w4.json");
    QuantState.save(net4, file);
    MultiLayerNetwork net8 = Networks.quantized(QuantizersNamingTest.miniLeNet());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuantState.load(net8, file));
    assertTrue(e.getMessage().contains("conv1._weight_quantizer: saved from a 4-bit axis=0 quantizer, this one is "
        + "8-bit axis=0 (load it into a network built with the QuantConfig it was saved from)"), e.getMessage());
    QuantState.load(Networks.quantized(w4, QuantizersNamingTest.miniLeNet()), file);
  }

  @Test
  void anAgentFileWithOneNetworkLoadsAndOneWithSeveralIsRefusedNamingThem() throws Exception {
    MultiLayerNetwork net = calibrated();
    Path one = dir.resolve("one.json");
    QuantStateFile.ofNetworks(Map.of("net0", QuantState.capture(net))).write(one);
    MultiLayerNetwork fresh = Networks.quantized(QuantizersNamingTest.miniLeNet());
    QuantState.load(fresh, one);
    assertSameState(net, fresh);
    Path two = dir.resolve("two.json");
    Map<String, Map<String, QuantizerState>> networks = new LinkedHashMap<>();
    networks.put("net0", QuantState.capture(net));
    networks.put("net1", QuantState.capture(net));
    QuantStateFile.ofNetworks(networks).write(two);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuantState.load(fresh, two));
    assertTrue(e.getMessage().startsWith(two + ": it holds the state of 2 networks (net0, net1)"), e.getMessage());
  }

  @Test
  void theOldAgentFormatLoadsItsAmaxAndLeavesTheFlags() throws Exception {
    Path file = dir.resolve("old.json");
    Files.writeString(file, "{\"format\": \"quant4j-agent-amax\", \"version\": 1, \"quantizers\": {"
        + "\"net0.fc1._weight_quantizer\": {\"shape\": [1, 8], \"amax\": [1, 2, 3, 4, 5, 6, 7, 8.5]},"
        + "\"net0.fc1._input_quantizer\": {\"shape\": [], \"amax\": [0.75]}}}");
    MultiLayerNetwork fresh = Networks.quantized(QuantizersNamingTest.miniLeNet());
    Quantizers.of(fresh).get("fc1._input_quantizer").disable();
    QuantState.load(fresh, file, false);
    assertEquals(0.75f, Quantizers.of(fresh).get("fc1._input_quantizer").amax().getFloat(0));
    assertFalse(Quantizers.of(fresh).get("fc1._input_quantizer").isEnabled());
    assertEquals(8.5f, Quantizers.of(fresh).get("fc1._weight_quantizer").amax().getFloat(7));
  }

  @Test
  void aQuantizerWithANonFiniteAmaxIsNotSaved() {
    MultiLayerNetwork net = calibrated();
    Quantizers.of(net).get("fc1._input_quantizer").setAmax(Float.NaN);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QuantState.save(net, dir.resolve("nan.json")));
    assertTrue(e.getMessage().startsWith("fc1._input_quantizer: amax[0] is NaN"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("nan.json")));
  }

  private static MultiLayerNetwork restore(File model) {
    return Networks.build(QuantConfig.DEFAULT, () -> {
      try {
        return ModelSerializer.restoreMultiLayerNetwork(model, false);
      } catch (java.io.IOException ex) {
        throw new java.io.UncheckedIOException(ex);
      }
    });
  }

  @Test
  void amaxSurvivesModelSerializerThroughASiblingFile() throws Exception {
    MultiLayerNetwork net = calibrated();
    File model = dir.resolve("lenet.zip").toFile();
    ModelSerializer.writeModel(net, model, false);
    Path sibling = dir.resolve("lenet.zip.quant4j.json");
    assertEquals(sibling, SiblingStateFile.of(model.toPath()));
    assertTrue(Files.readString(sibling).contains("\"format\" : \"quant4j-state/1\""));
    MultiLayerNetwork restored = restore(model);
    assertSameState(net, restored);
    INDArray x = CalibrationTest.data(1, 4).next().getFeatures();
    assertEquals(net.output(x), restored.output(x));
  }

  @Test
  void aSiblingOlderThanItsModelIsNotReadAndSaysSo() throws Exception {
    File model = dir.resolve("lenet.zip").toFile();
    ModelSerializer.writeModel(calibrated(), model, false);
    Path sibling = SiblingStateFile.of(model.toPath());
    Files.setLastModifiedTime(sibling,
        FileTime.fromMillis(Files.getLastModifiedTime(model.toPath()).toMillis() - 60_000));
    List<String> lines = new ArrayList<>();
    SiblingStateFile.reportTo(lines::add);
    try {
      assertUntouched(restore(model));
    } finally {
      SiblingStateFile.reportTo(null);
    }
    assertEquals(List.of(sibling + " not read: it is older than lenet.zip, which was saved again without it"), lines);
  }

  @Test
  void siblingsCanBeTurnedOffForReadingAndWriting() throws Exception {
    File model = dir.resolve("lenet.zip").toFile();
    ModelSerializer.writeModel(calibrated(), model, false);
    Path sibling = SiblingStateFile.of(model.toPath());
    List<String> lines = new ArrayList<>();
    SiblingStateFile.reportTo(lines::add);
    SiblingStateFile.skipReading("amax=amax.json was given");
    SiblingStateFile.skipWriting("calibrating");
    try {
      assertUntouched(restore(model));
      Files.delete(sibling);
      ModelSerializer.writeModel(calibrated(), model, false);
    } finally {
      SiblingStateFile.skipReading(null);
      SiblingStateFile.skipWriting(null);
      SiblingStateFile.reportTo(null);
    }
    assertFalse(Files.exists(sibling));
    assertEquals(List.of(sibling + " not read: amax=amax.json was given", sibling + " not written: calibrating"),
        lines);
  }
}
