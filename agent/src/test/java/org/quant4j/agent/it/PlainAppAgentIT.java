package org.quant4j.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.dl4j.QuantStateFile;
import org.quant4j.dl4j.QuantizerState;
import org.quant4j.examples.plainapp.PlainDl4jApp;

/**
 * The agent on an application that never heard of quant4j ({@link PlainDl4jApp}), each run a child JVM: the app
 * plain, under the agent in calibrate mode, then in quant mode on the state file calibration wrote; what a bad
 * option or a state file that does not fit does; and the state file the agent keeps beside a model the application
 * saves.
 */
class PlainAppAgentIT {
  private static final String APP = PlainDl4jApp.class.getName();
  private static final List<String> LAYERS = List.of("hidden1", "hidden2", "output");
  private static final List<String> TWIN_LAYERS = List.of("0", "1", "2");

  @TempDir static Path dir;
  private static Result plain;
  private static Result calibrated;
  private static Result quantized;
  private static ChildJvm.Result tuned;

  /** A run of the app and the class probabilities it wrote. */
  private record Result(ChildJvm.Result run, float[][] outputs) {}

  @BeforeAll
  static void trainPlainThenCalibrate() throws Exception {
    ChildJvm.Result train = app(null, "train", "model.zip");
    assertEquals(0, train.exitCode(), train::toString);
    plain = eval(null, "plain.csv", true);
    calibrated = eval("mode=calibrate,calib=histogram,method=percentile,amax=amax.json,report=report", "calibrated.csv",
        true);
  }

  private static ChildJvm.Result app(String agentArguments, String... args) throws Exception {
    return ChildJvm.run(dir, agentArguments, ChildJvm.plainAppClassPath(), List.of(), APP, args);
  }

  private static Result eval(String agentArguments, String outputs, boolean twin) throws Exception {
    return eval(agentArguments, "model.zip", outputs, twin);
  }

  private static Result eval(String agentArguments, String model, String outputs, boolean twin) throws Exception {
    ChildJvm.Result run = twin
        ? app(agentArguments, "eval", model, outputs, "twin")
        : app(agentArguments, "eval", model, outputs);
    assertEquals(0, run.exitCode(), run::toString);
    return new Result(run, readCsv(dir.resolve(outputs)));
  }

  private static float[][] readCsv(Path file) throws IOException {
    return Files.readAllLines(file).stream().map(line -> {
      String[] cells = line.split(",");
      float[] row = new float[cells.length];
      for (int i = 0; i < cells.length; i++) {
        row[i] = Float.parseFloat(cells[i]);
      }
      return row;
    }).toArray(float[][]::new);
  }

  private static List<String> quantizerNames(List<String> layers) {
    List<String> names = new ArrayList<>();
    for (String layer : layers) {
      names.add(layer + "._input_quantizer");
      names.add(layer + "._weight_quantizer");
    }
    return names;
  }

  private static QuantStateFile state(String file) throws IOException {
    return QuantStateFile.read(dir.resolve(file), line -> { throw new AssertionError(line); });
  }

  @Test
  void calibrateModeWritesTheStateOfEveryQuantizerOfEveryNetwork() throws IOException {
    QuantStateFile state = state("amax.json");
    assertTrue(Files.readString(dir.resolve("amax.json")).contains("\"format\" : \"quant4j-state/1\""));
    assertEquals(List.of("net0", "net1"), state.networkLabels());
    assertEquals(quantizerNames(LAYERS), List.copyOf(state.quantizersOf("net0").keySet()));
    assertEquals(quantizerNames(TWIN_LAYERS), List.copyOf(state.quantizersOf("net1").keySet()));
    QuantizerState weight = state.quantizersOf("net0").get("hidden1._weight_quantizer");
    assertEquals(List.of(1L, 32L), asList(weight.amax().orElseThrow().shape()));
    assertEquals(new QuantizerState.Flags(true, true, false, false), weight.flags().orElseThrow());
    assertEquals(1, weight.descriptor().orElseThrow().axis()[0]);
    QuantizerState input = state.quantizersOf("net0").get("hidden1._input_quantizer");
    assertEquals(0, input.amax().orElseThrow().shape().length);
    assertEquals("histogram", input.descriptor().orElseThrow().calibMethod());
    // The MultiLayerNetwork and its ComputationGraph twin share their weights, so their weight amax agree.
    assertEquals(state.quantizersOf("net0").get("hidden2._weight_quantizer").amax(),
        state.quantizersOf("net1").get("1._weight_quantizer").amax());
    assertTrue(calibrated.run().agentLines().stream().anyMatch(l -> l.startsWith(
        "quant4j-agent: wrote the amax of 12 quantizer(s) of 2 network(s) to amax.json")), calibrated.run()::toString);
  }

  @Test
  void calibrateModeWritesTheCalibrationReport() throws IOException {
    Path page = dir.resolve("report").resolve("index.html");
    assertTrue(calibrated.run().agentLines().contains("quant4j-agent: wrote the calibration report "
        + Path.of("report", "index.html")), calibrated.run()::toString);
    String html = Files.readString(page);
    for (String name : quantizerNames(LAYERS)) {
      assertTrue(html.contains("net0." + name), name + " missing from the report");
    }
    try (var files = Files.list(dir.resolve("report"))) {
      assertTrue(files.anyMatch(f -> f.toString().endsWith(".png")), "no PNG in the report");
    }
  }

  @Test
  void calibrateModeLeavesTheApplicationsOutputsUnchanged() {
    assertOutputsEqual(plain.outputs(), calibrated.outputs());
  }

  @Test
  void quantModeStaysWithinTheQuantizationErrorBoundAndOnePointOfAccuracy() throws Exception {
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(dir.resolve("model.zip").toFile(), false);
    INDArray features = PlainDl4jApp.testSet().getFeatures();
    // The twin shares the weights and the layer inputs, so its bound is the same: the average is within it too.
    double[][] bound = QuantizationErrorBound.of(net, features, state("amax.json").quantizersOf("net0"), LAYERS);
    float[][] outputs = quantized().outputs();
    double largest = 0;
    for (int n = 0; n < plain.outputs().length; n++) {
      for (int c = 0; c < plain.outputs()[n].length; c++) {
        double diff = Math.abs(outputs[n][c] - plain.outputs()[n][c]);
        largest = Math.max(largest, diff);
        assertTrue(diff <= bound[n][c] + 1e-6,
            "sample " + n + " class " + c + ": |quantized - plain| = " + diff + " > bound " + bound[n][c]);
      }
    }
    assertTrue(largest > 0, "quantization changed nothing: was the agent active?");
    assertEquals(plain.run().accuracy(), quantized().run().accuracy(), 0.01);
  }

  @Test
  void onTheDl4jItWasBuiltAgainstTheAgentServesItsPrewovenClassesWithoutBuildingByteBuddy() throws Exception {
    ChildJvm.Result run = ChildJvm.run(dir, "mode=quant,amax=amax.json", ChildJvm.plainAppClassPath(),
        List.of("-Xlog:class+load=info:file=classes.log"), APP, "eval", "model.zip", "prewoven.csv", "twin");
    assertEquals(0, run.exitCode(), run::toString);

    // the same bits as Byte Buddy's weaving (verbose leaves every class to it)
    assertOutputsEqual(quantized().outputs(), readCsv(dir.resolve("prewoven.csv")));
    String classes = Files.readString(dir.resolve("classes.log"));
    assertTrue(classes.contains("org.deeplearning4j.nn.multilayer.MultiLayerNetwork "), classes);
    assertTrue(classes.contains("org.deeplearning4j.nn.graph.ComputationGraph "), classes);
    assertFalse(classes.contains("org.quant4j.shaded.bytebuddy.agent.builder.AgentBuilder$Default "),
        "Byte Buddy's agent builder was built");
    assertFalse(classes.contains("org.quant4j.shaded.bytebuddy.pool.TypePool$Default "),
        "Byte Buddy described a type");
  }

  @Test
  void verboseNamesEveryNetworkAndSaysWhatItLoadedAndCovers() throws Exception {
    List<String> lines = quantized().run().agentLines();
    for (String expected : List.of(
        "quant4j-agent: net0 is a MultiLayerNetwork",
        "quant4j-agent: net1 is a ComputationGraph",
        "quant4j-agent: net0: loaded the state of 6 of 6 quantizers from amax.json",
        "quant4j-agent: net1: loaded the state of 6 of 6 quantizers from amax.json",
        "quant4j-agent: net0 (MultiLayerNetwork): 6 quantizers, 6 enabled, 6 calibrated; every layer with "
            + "parameters is in the layer map",
        "quant4j-agent: net1 (ComputationGraph): 6 quantizers, 6 enabled, 6 calibrated; every layer with "
            + "parameters is in the layer map")) {
      assertTrue(lines.contains(expected), expected + "\n" + quantized().run());
    }
  }

  @Test
  void theAgentAddsNoJvmWarning() throws Exception {
    assertEquals(plain.run().jvmWarnings(), calibrated.run().jvmWarnings());
    assertEquals(plain.run().jvmWarnings(), quantized().run().jvmWarnings());
  }

  @Test
  void aBadOptionStopsTheApplicationBeforeItRunsWithOneLine() throws Exception {
    ChildJvm.Result bad = app("mode=calibrate,method=kl,amax=never.json", "eval", "model.zip", "bad.csv");
    assertEquals(2, bad.exitCode(), bad::toString);
    assertEquals(List.of("quant4j-agent: method=kl: method must be max|percentile|mse|entropy; the application is "
        + "stopped before it runs, exit status 2 (fix it, or add onerror=warn to run the application unquantized)"),
        bad.agentLines());
    assertFalse(bad.stdout().contains("accuracy="), bad::toString);
    assertTrue(Files.notExists(dir.resolve("bad.csv")));
    assertTrue(Files.notExists(dir.resolve("never.json")));
  }

  @Test
  void aConfigFileWithABadValueStopsTheApplicationWithOneLineNamingTheFileAndTheKey() throws Exception {
    Files.writeString(dir.resolve("bad-bits.yaml"), "input: {num_bits: 20}\n");
    ChildJvm.Result bad = app("config=bad-bits.yaml", "eval", "model.zip", "bad-config.csv");
    assertEquals(2, bad.exitCode(), bad::toString);
    assertEquals(List.of("quant4j-agent: config=bad-bits.yaml: num_bits must be in [1, 16], got 20; the application "
        + "is stopped before it runs, exit status 2 (fix it, or add onerror=warn to run the application unquantized)"),
        bad.agentLines());
    assertTrue(Files.notExists(dir.resolve("bad-config.csv")));
  }

  @Test
  void withOnerrorWarnABadOptionLeavesTheApplicationRunningUnquantized() throws Exception {
    Result bad = eval("mode=calibrate,method=kl,amax=never.json,onerror=warn", "warned.csv", true);
    assertEquals(List.of("quant4j-agent: method=kl: method must be max|percentile|mse|entropy; the agent is off "
        + "and the application runs unquantized"), bad.run().agentLines());
    assertOutputsEqual(plain.outputs(), bad.outputs());
    assertTrue(Files.notExists(dir.resolve("never.json")));
  }

  @Test
  void anApplicationWithoutDl4jIsStoppedBeforeItRunsWithOneLine() throws Exception {
    ChildJvm.Result stopped = ChildJvm.run(dir, "", ChildJvm.testClasses(), List.of(), NoDl4jHost.class.getName());
    assertEquals(2, stopped.exitCode(), stopped::toString);
    assertEquals(List.of("quant4j-agent: DL4J is not on the application class path (no "
        + "org/deeplearning4j/nn/api/Model.class); the agent needs DL4J and its SLF4J API there (-cp, or the "
        + "Class-Path of the -jar's manifest); the application is stopped before it runs, exit status 2 (fix it, "
        + "or add onerror=warn to run the application unquantized)"), stopped.agentLines());
    assertEquals("", stopped.stdout(), stopped::toString);

    ChildJvm.Result warned = ChildJvm.run(dir, "onerror=warn", ChildJvm.testClasses(), List.of(),
        NoDl4jHost.class.getName());
    assertEquals(0, warned.exitCode(), warned::toString);
    assertEquals(1, warned.agentLines().size(), warned::toString);
    assertTrue(warned.agentLines().get(0).endsWith("the agent is off and the application runs unquantized"),
        warned::toString);
    assertEquals("ran", warned.stdout().strip(), warned::toString);
  }

  @Test
  void anUnreadableStateFileStopsTheApplicationNamingTheKey() throws Exception {
    Files.writeString(dir.resolve("typo.json"), Files.readString(dir.resolve("amax.json"))
        .replaceFirst("\"enabled\" : true", "\"enabled\" : \"yes\""));
    ChildJvm.Result bad = app("amax=typo.json", "eval", "model.zip", "typo.csv");
    assertEquals(2, bad.exitCode(), bad::toString);
    assertEquals(List.of("quant4j-agent: typo.json: \"networks\"[\"net0\"][\"hidden1._input_quantizer\"][\"enabled\"] "
        + "must be true or false, got the string \"yes\"; the application is stopped before it runs, exit status 2 "
        + "(fix it, or add onerror=warn to run the application unquantized)"), bad.agentLines());
  }

  /** amax.json's net0 entries, with one name removed, one the network lacks, and hidden2's weight amax 7 wide. */
  private static void writeEditedState() throws IOException {
    Map<String, QuantizerState> edited = new LinkedHashMap<>(state("amax.json").quantizersOf("net0"));
    edited.remove("output._input_quantizer");
    edited.put("gone._weight_quantizer", edited.get("output._weight_quantizer"));
    edited.put("hidden2._weight_quantizer", edited.get("hidden2._weight_quantizer").toBuilder()
        .amax(new QuantizerState.Amax(new long[] {1, 7}, new float[7])).build());
    QuantStateFile.of(edited).write(dir.resolve("edited.json"));
  }

  private static final List<String> EDITED_PROBLEMS = List.of(
      "quant4j-agent: edited.json: net0.hidden2._weight_quantizer: amax shape [1, 7] does not fit the weight "
          + "[32, 16] quantized per channel on axis 1 (expected [1, 16])",
      "quant4j-agent: edited.json: net0.gone._weight_quantizer: net0 (MultiLayerNetwork) has no such quantizer");

  @Test
  void aStateFileThatDoesNotFitStopsTheApplicationBeforeItsFirstForwardPassNamingEachEntry() throws Exception {
    writeEditedState();
    ChildJvm.Result run = app("amax=edited.json", "eval", "model.zip", "edited.csv");
    assertEquals(2, run.exitCode(), run::toString);
    List<String> expected = new ArrayList<>(EDITED_PROBLEMS);
    expected.add("quant4j-agent: net0: edited.json does not fit it (2 problem(s) above); the application is stopped "
        + "before its first forward pass, exit status 2 (fix the file, or add onerror=warn to run with those "
        + "quantizers left at dynamic amax)");
    assertEquals(expected, run.agentLines());
    assertTrue(Files.notExists(dir.resolve("edited.csv")));
  }

  @Test
  void withOnerrorWarnTheEntriesThatFitAreLoadedAndTheOthersStayDynamic() throws Exception {
    writeEditedState();
    Result run = eval("amax=edited.json,onerror=warn", "edited-warn.csv", false);
    List<String> expected = new ArrayList<>(EDITED_PROBLEMS);
    expected.add("quant4j-agent: net0: 1 quantizer(s) not in edited.json, left at dynamic amax: "
        + "net0.output._input_quantizer");
    expected.add("quant4j-agent: net0: 2 entries of edited.json not loaded (onerror=warn); their quantizers keep "
        + "dynamic amax");
    assertEquals(expected, run.run().agentLines());
    assertEquals(plain.run().accuracy(), run.run().accuracy(), 0.01);
  }

  @Test
  void aLayerThatFailsOnceTheApplicationRunsIsLeftInFloatWithOneLine() throws Exception {
    // A fixed amax of seven values for a per-tensor input: the configuration is valid, hidden2's first input is not.
    Files.writeString(dir.resolve("seven.json"),
        "{\"overrides\": [{\"name\": \"hidden2._input_quantizer\", \"amax\": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]}]}");
    Result run = eval("config=seven.json", "seven.csv", false);
    List<String> fallback = run.run().agentLines().stream().filter(l -> l.contains("left in float")).toList();
    assertEquals(1, fallback.size(), run.run()::toString);
    assertTrue(fallback.get(0).startsWith("quant4j-agent: layer hidden2 (DenseLayer) left in float after an error "),
        fallback::toString);
    assertEquals(plain.run().accuracy(), run.run().accuracy(), 0.01);
  }

  @Test
  void calibrationIsWrittenWhenTheHostCallsSystemExit() throws Exception {
    ChildJvm.Result run = ChildJvm.run(dir, "mode=calibrate,amax=exit.json", ChildJvm.hostClassPath(), List.of(),
        ExitingHost.class.getName(), "exit", "eval", "model.zip", "exit.csv");
    assertEquals(3, run.exitCode(), run::toString);
    QuantStateFile state = state("exit.json");
    assertFalse(state.perNetwork(), "one network gives a one-network file");
    assertEquals(quantizerNames(LAYERS), List.copyOf(state.quantizers().keySet()), run::toString);
  }

  @Test
  void calibrationIsWrittenWhenTheHostDiesOfAnException() throws Exception {
    ChildJvm.Result run = ChildJvm.run(dir, "mode=calibrate,amax=throw.json", ChildJvm.hostClassPath(), List.of(),
        ExitingHost.class.getName(), "throw", "eval", "model.zip", "throw.csv");
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains("the host application failed after its work"), run::toString);
    assertEquals(6, state("throw.json").quantizers().size(), run::toString);
  }

  @Test
  void anAgentAttachedToARunningJvmQuantizesLikeJavaagent() throws Exception {
    ChildJvm.Result run = ChildJvm.run(dir, null, ChildJvm.hostClassPath(),
        List.of("-Djdk.attach.allowAttachSelf=true", "-XX:+EnableDynamicAgentLoading"),
        AttachingHost.class.getName(), ChildJvm.agentJar().toString(), "amax=amax.json",
        "eval", "model.zip", "attached.csv", "twin");
    assertEquals(0, run.exitCode(), run::toString);
    assertOutputsEqual(quantized().outputs(), readCsv(dir.resolve("attached.csv")));
  }

  @Test
  void theAgentKeepsTheStateBesideAModelTheApplicationSaves() throws Exception {
    tuned();
    QuantStateFile sibling = state("tuned.zip.quant4j.json");
    assertFalse(sibling.perNetwork());
    assertEquals(quantizerNames(LAYERS), List.copyOf(sibling.quantizers().keySet()));
    Map<String, QuantizerState> calibrated = state("amax.json").quantizersOf("net0");
    sibling.quantizers().forEach((name, s) -> assertEquals(calibrated.get(name).amax(), s.amax(), name));
  }

  @Test
  void withoutAmaxTheSiblingIsLoadedAsAnExplicitAmaxOfItWouldBe() throws Exception {
    tuned();
    Result bySibling = eval("verbose=true", "tuned.zip", "by-sibling.csv", false);
    assertTrue(bySibling.run().agentLines().contains("quant4j-agent: net0 (MultiLayerNetwork): 6 quantizers, "
        + "6 enabled, 6 calibrated; every layer with parameters is in the layer map"), bySibling.run()::toString);
    Result byName = eval("amax=tuned.zip.quant4j.json", "tuned.zip", "by-name.csv", false);
    assertOutputsEqual(byName.outputs(), bySibling.outputs());
  }

  @Test
  void anExplicitAmaxWinsOverTheSiblingWithOneLine() throws Exception {
    tuned();
    Result run = eval("amax=amax.json", "tuned.zip", "explicit.csv", false);
    assertEquals(List.of("quant4j-agent: tuned.zip.quant4j.json not read: amax=amax.json was given, and it wins"),
        run.run().agentLines());
  }

  @Test
  void aSiblingOlderThanItsModelIsIgnoredWithOneLine() throws Exception {
    tuned();
    Files.copy(dir.resolve("tuned.zip"), dir.resolve("stale.zip"));
    Path sibling = Files.copy(dir.resolve("tuned.zip.quant4j.json"), dir.resolve("stale.zip.quant4j.json"));
    Files.setLastModifiedTime(sibling,
        FileTime.fromMillis(Files.getLastModifiedTime(dir.resolve("stale.zip")).toMillis() - 60_000));
    Result run = eval("verbose=true", "stale.zip", "stale.csv", false);
    List<String> lines = run.run().agentLines();
    assertTrue(lines.contains("quant4j-agent: stale.zip.quant4j.json not read: it is older than stale.zip, which "
        + "was saved again without it"), run.run()::toString);
    assertTrue(lines.contains("quant4j-agent: net0 (MultiLayerNetwork): 6 quantizers, 6 enabled, 0 calibrated; "
        + "every layer with parameters is in the layer map"), run.run()::toString);
  }

  @Test
  void calibrateModeNeitherReadsNorWritesSiblings() throws Exception {
    tuned();
    ChildJvm.Result run = app("mode=calibrate,amax=retuned.json", "tune", "tuned.zip", "retuned.zip");
    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.agentLines().contains("quant4j-agent: tuned.zip.quant4j.json not read: mode=calibrate calibrates "
        + "the network as DL4J restores it"), run::toString);
    assertTrue(run.agentLines().contains("quant4j-agent: retuned.zip.quant4j.json not written: mode=calibrate writes "
        + "the calibrated state to amax=retuned.json at exit"), run::toString);
    assertTrue(Files.notExists(dir.resolve("retuned.zip.quant4j.json")));
    assertTrue(Files.isRegularFile(dir.resolve("retuned.json")));
  }

  /** One epoch of training under the agent in quant mode, saved as tuned.zip, made once for the tests that read it. */
  private static synchronized ChildJvm.Result tuned() throws Exception {
    if (tuned == null) {
      tuned = app("amax=amax.json", "tune", "model.zip", "tuned.zip");
      assertEquals(0, tuned.exitCode(), tuned::toString);
    }
    return tuned;
  }

  /** The quant-mode run on the calibrated state file, made once for the tests that read it. */
  private static synchronized Result quantized() throws Exception {
    if (quantized == null) {
      quantized = eval("mode=quant,amax=amax.json,verbose=true", "quantized.csv", true);
    }
    return quantized;
  }

  private static void assertOutputsEqual(float[][] expected, float[][] actual) {
    assertEquals(expected.length, actual.length);
    for (int n = 0; n < expected.length; n++) {
      for (int c = 0; c < expected[n].length; c++) {
        assertEquals(Float.floatToIntBits(expected[n][c]), Float.floatToIntBits(actual[n][c]),
            "sample " + n + " class " + c);
      }
    }
  }

  private static List<Long> asList(long[] values) {
    List<Long> list = new ArrayList<>();
    for (long v : values) {
      list.add(v);
    }
    return list;
  }
}
