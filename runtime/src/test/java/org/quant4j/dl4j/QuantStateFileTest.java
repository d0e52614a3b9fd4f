package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.tensor.QuantDescriptor;

/** The one state format: what it writes, that it reads it back bit for bit, and what it refuses, by name. */
class QuantStateFileTest {

  @TempDir Path dir;

  private static final QuantizerState.Flags ON = new QuantizerState.Flags(true, true, false, false);

  private static QuantizerState state(QuantDescriptor d, QuantizerState.Amax amax) {
    return QuantizerState.builder().flags(ON).descriptor(d).amax(amax).build();
  }

  private static Map<String, QuantizerState> oneNetwork() {
    float[] channels = new float[64];
    Random random = new Random(11);
    for (int i = 0; i < channels.length; i++) {
      channels[i] = Float.intBitsToFloat(random.nextInt(0x7f000000));
    }
    channels[0] = Float.MIN_VALUE;
    channels[1] = Float.MAX_VALUE;
    channels[2] = 0f;
    Map<String, QuantizerState> q = new LinkedHashMap<>();
    q.put("hidden1._input_quantizer", state(QuantDescriptor.builder().calibMethod("histogram").build(),
        new QuantizerState.Amax(new long[0], new float[] {4.2871046f})));
    q.put("hidden1._weight_quantizer", state(QuantDescriptor.builder().numBits(4).axis(1).build(),
        new QuantizerState.Amax(new long[] {1, 64}, channels)));
    q.put("dw._weight_quantizer", state(QuantDescriptor.builder().axisTuple(2, 3).unsigned(true).narrowRange(true)
        .scaleAmax(0.5f).build(), null));
    q.put("fp8._input_quantizer", QuantizerState.builder()
        .flags(new QuantizerState.Flags(false, false, true, false))
        .descriptor(QuantDescriptor.builder().numBits(4, 3).fakeQuant(true).build())
        .amax(new QuantizerState.Amax(new long[] {1, 1}, new float[] {448f})).build());
    return q;
  }

  private Path write(String json) throws IOException {
    Path file = dir.resolve("state.json");
    Files.writeString(file, json);
    return file;
  }

  private static String valid(String entry) {
    return "{\"format\": \"quant4j-state/1\", \"quantizers\": {\"fc1._input_quantizer\": " + entry + "}}";
  }

  private static final String GOOD_ENTRY = "{\"enabled\": true, \"quant\": true, \"calib\": false, \"clip\": false, "
      + "\"descriptor\": {\"num_bits\": 8, \"fake_quant\": true, \"axis\": null, \"unsigned\": false, "
      + "\"narrow_range\": false, \"calib_method\": \"max\", \"learn_amax\": false, \"scale_amax\": null}, "
      + "\"amax\": {\"shape\": [], \"values\": [2.5]}}";

  private IllegalArgumentException refused(String json) throws IOException {
    Path file = write(json);
    return assertThrows(IllegalArgumentException.class, () -> QuantStateFile.read(file, line -> { }));
  }

  @Test
  void aOneNetworkFileReadsBackEqualWithEveryAmaxBitExact() throws IOException {
    Path file = dir.resolve("one.json");
    QuantStateFile written = QuantStateFile.of(oneNetwork()).withCalibration(Map.of("histogram_method", "mse"));
    written.write(file);
    QuantStateFile read = QuantStateFile.read(file, line -> { throw new AssertionError(line); });
    assertFalse(read.perNetwork());
    assertEquals(written.quantizers(), read.quantizers());
    assertEquals(List.copyOf(oneNetwork().keySet()), List.copyOf(read.quantizers().keySet()));
    assertEquals(Map.of("histogram_method", "mse"), read.calibration());
    String text = Files.readString(file);
    assertTrue(text.startsWith("{\n  \"format\" : \"quant4j-state/1\""), text);
    assertTrue(text.contains("\"values\" : [ 4.2871046 ]"), text);
    assertTrue(text.contains("\"num_bits\" : [ 4, 3 ]"), text);
    assertTrue(text.contains("\"axis\" : [ 2, 3 ]"), text);
  }

  @Test
  void aPerNetworkFileKeepsEachNetworksEntriesApart() throws IOException {
    Map<String, Map<String, QuantizerState>> networks = new LinkedHashMap<>();
    networks.put("net0", oneNetwork());
    networks.put("net1", Map.of("0._input_quantizer", oneNetwork().get("hidden1._input_quantizer")));
    Path file = dir.resolve("nets.json");
    QuantStateFile.ofNetworks(networks).write(file);
    QuantStateFile read = QuantStateFile.read(file, line -> { });
    assertTrue(read.perNetwork());
    assertEquals(List.of("net0", "net1"), read.networkLabels());
    assertEquals(oneNetwork(), read.quantizersOf("net0"));
    assertEquals(Map.of(), read.quantizersOf("net2"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read::quantizers);
    assertTrue(e.getMessage().contains("2 networks (net0, net1)"), e.getMessage());
  }

  @Test
  void aOneNetworkFileAppliesToEveryNetworkLabel() throws IOException {
    QuantStateFile file = QuantStateFile.of(oneNetwork());
    assertEquals(oneNetwork(), file.quantizersOf("net0"));
    assertEquals(oneNetwork(), file.quantizersOf("net7"));
  }

  @Test
  void aWrongTypeIsRefusedNamingTheKeyAndTheFile() throws IOException {
    IllegalArgumentException e = refused(valid(GOOD_ENTRY.replace("\"enabled\": true", "\"enabled\": \"yes\"")));
    assertEquals(dir.resolve("state.json") + ": \"quantizers\"[\"fc1._input_quantizer\"][\"enabled\"] must be true "
        + "or false, got the string \"yes\"", e.getMessage());
  }

  @Test
  void aDuplicateKeyIsRefusedNamingIt() throws IOException {
    IllegalArgumentException e = refused(valid(GOOD_ENTRY.replace("\"quant\": true", "\"quant\": true, \"quant\": false")));
    assertTrue(e.getMessage().startsWith(dir.resolve("state.json") + ": not valid JSON at line 1"), e.getMessage());
    assertTrue(e.getMessage().contains("\"quant\"") || e.getMessage().contains("'quant'"), e.getMessage());
  }

  @Test
  void anUnknownKeyIsRefusedNamingIt() throws IOException {
    IllegalArgumentException e = refused(valid(GOOD_ENTRY.replace("\"clip\": false", "\"clip\": false, \"clipp\": 1")));
    assertTrue(e.getMessage().contains("[\"fc1._input_quantizer\"][\"clipp\"] is not a known key"), e.getMessage());
    e = refused(valid(GOOD_ENTRY).replace("\"format\"", "\"note\": \"x\", \"format\""));
    assertTrue(e.getMessage().endsWith("\"note\" is not a known key; expected [calibration, format, networks, "
        + "quantizers]"), e.getMessage());
    e = refused(valid(GOOD_ENTRY.replace("\"learn_amax\": false", "\"learn_amax\": false, \"bits\": 8")));
    assertTrue(e.getMessage().contains("[\"descriptor\"][\"bits\"] is not a known key"), e.getMessage());
  }

  @Test
  void aMissingKeyIsRefusedNamingIt() throws IOException {
    IllegalArgumentException e = refused(valid(GOOD_ENTRY.replace("\"calib\": false, ", "")));
    assertTrue(e.getMessage().endsWith("\"quantizers\"[\"fc1._input_quantizer\"] has no \"calib\""), e.getMessage());
  }

  @Test
  void nonFiniteNegativeAndMisshapenAmaxAreRefusedNamingTheQuantizer() throws IOException {
    String at = "\"quantizers\"[\"fc1._input_quantizer\"][\"amax\"]";
    IllegalArgumentException e = refused(valid(GOOD_ENTRY.replace("[2.5]", "[\"NaN\"]")));
    assertTrue(e.getMessage().contains(at + "[\"values\"] must hold numbers, got the string \"NaN\" at index 0 "
        + "(amax must be finite)"), e.getMessage());
    e = refused(valid(GOOD_ENTRY.replace("[2.5]", "[1e39]")));
    assertTrue(e.getMessage().contains(at + " is refused: amax[0] is Infinity"), e.getMessage());
    e = refused(valid(GOOD_ENTRY.replace("[2.5]", "[-0.5]")));
    assertTrue(e.getMessage().endsWith(at + " is refused: amax[0] is -0.5; amax must be finite and not negative"),
        e.getMessage());
    e = refused(valid(GOOD_ENTRY.replace("\"shape\": []", "\"shape\": [2]")));
    assertTrue(e.getMessage().endsWith(at + " is refused: amax shape [2] holds 2 values, got 1"), e.getMessage());
  }

  @Test
  void aBadDescriptorIsRefusedNamingIt() throws IOException {
    IllegalArgumentException e = refused(valid(GOOD_ENTRY.replace("\"num_bits\": 8", "\"num_bits\": 17")));
    assertTrue(e.getMessage().contains("[\"descriptor\"] is not a valid descriptor: "), e.getMessage());
    assertTrue(e.getMessage().contains("17"), e.getMessage());
  }

  @Test
  void aNewerFormatAndAForeignFileAreRefused() throws IOException {
    IllegalArgumentException e = refused(valid(GOOD_ENTRY).replace("quant4j-state/1", "quant4j-state/2"));
    assertTrue(e.getMessage().endsWith("\"format\" is \"quant4j-state/2\", written by a newer quant4j; this one "
        + "reads quant4j-state/1"), e.getMessage());
    e = refused("{\"layers\": []}");
    assertTrue(e.getMessage().endsWith("no \"format\" string; expected \"format\": \"quant4j-state/1\""),
        e.getMessage());
    e = refused("[1, 2]");
    assertTrue(e.getMessage().endsWith("the top level must be an object, got an array"), e.getMessage());
  }

  @Test
  void theOldQuantStateFormatIsReadWithOneLine() throws IOException {
    Path file = write("{\"format\": \"quant4j-quantizer-state\", \"version\": 1, \"quantizers\": {"
        + "\"conv1._weight_quantizer\": {\"enabled\": true, \"quant\": false, \"calib\": true, \"clip\": false, "
        + "\"amax\": {\"shape\": [2, 1], \"data\": [1.5, 0.25], \"bits\": [\"3fc00000\", \"3e800000\"]}},"
        + "\"conv1._input_quantizer\": {\"enabled\": false, \"quant\": true, \"calib\": false, \"clip\": false, "
        + "\"amax\": null}}}");
    List<String> lines = new ArrayList<>();
    QuantStateFile read = QuantStateFile.read(file, lines::add);
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).startsWith(file + " is in the old quant4j-quantizer-state format"), lines.get(0));
    QuantizerState w = read.quantizers().get("conv1._weight_quantizer");
    assertEquals(new QuantizerState.Flags(true, false, true, false), w.flags().orElseThrow());
    assertEquals(new QuantizerState.Amax(new long[] {2, 1}, new float[] {1.5f, 0.25f}), w.amax().orElseThrow());
    assertTrue(w.descriptor().isEmpty());
    assertTrue(read.quantizers().get("conv1._input_quantizer").amax().isEmpty());
  }

  @Test
  void theOldAgentFormatIsReadAsOneMapPerNetworkWithOneLine() throws IOException {
    Path file = write("{\"format\": \"quant4j-agent-amax\", \"version\": 1, "
        + "\"calibration\": {\"histogram_method\": \"entropy\"}, \"quantizers\": {"
        + "\"net0.hidden1._input_quantizer\": {\"shape\": [], \"amax\": [4.2871046]},"
        + "\"net0.hidden1._weight_quantizer\": {\"shape\": [1, 2], \"amax\": [0.5, 0.25]}}}");
    List<String> lines = new ArrayList<>();
    QuantStateFile read = QuantStateFile.read(file, lines::add);
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).startsWith(file + " is in the old quant4j-agent-amax format"), lines.get(0));
    assertEquals(List.of("net0"), read.networkLabels());
    assertEquals(Map.of("histogram_method", "entropy"), read.calibration());
    QuantizerState input = read.quantizers().get("hidden1._input_quantizer");
    assertEquals(Float.floatToRawIntBits(4.2871046f),
        Float.floatToRawIntBits(input.amax().orElseThrow().values()[0]));
    assertTrue(input.flags().isEmpty());
    IllegalArgumentException e = refused("{\"format\": \"quant4j-agent-amax\", \"version\": 1, \"quantizers\": {"
        + "\"net0.x._input_quantizer\": {\"shape\": [], \"amax\": [\"Infinity\"]}}}");
    assertTrue(e.getMessage().contains("[\"amax\"] must hold numbers, got the string \"Infinity\""), e.getMessage());
  }

  @Test
  void writingReplacesTheWholeFileAtomically() throws IOException {
    Path file = dir.resolve("state.json");
    Files.writeString(file, "x".repeat(10_000));
    QuantStateFile.of(oneNetwork()).write(file);
    assertEquals(oneNetwork(), QuantStateFile.read(file, line -> { }).quantizers());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }
}
