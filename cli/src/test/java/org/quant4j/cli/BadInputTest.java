package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantSpec;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.onnx.OnnxExport;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Bad input and faults through the real {@code quant4j} command line, in-process: each case checks the
 * exit status, the one line on standard error, and that every file in the working directory is
 * byte-for-byte and timestamp-for-timestamp what it was before (nothing replaced, nothing left behind).
 */
class BadInputTest {

  private static final int IMAGES = 8;
  private static final String CONV_INPUT = "conv._input_quantizer";

  @TempDir Path dir;
  private Path model;
  private Path data;

  @BeforeEach
  void modelAndData() throws IOException {
    QuantModules.deactivate();
    model = dir.resolve("model.zip");
    ModelSerializer.writeModel(network(), new File(model.toString()), false);
    data = dir.resolve("images.csv");
    Files.writeString(data, csv(List.of()));
  }

  @AfterEach
  void deactivate() {
    QuantModules.deactivate();
  }

  // ---- exit-status rule and --help

  @Test
  void helpExitsZeroOnEveryCommandEvenWithRequiredOptionsMissing() {
    for (String command : List.of("calibrate", "export", "report", "conformance", "demo", "sensitivity",
        "autoquant")) {
      Run r = run(command, "--help");
      assertEquals(0, r.status, command + ": " + r.err);
      assertTrue(r.out.contains("Usage: quant4j " + command), r.out);
    }
    assertEquals(0, run("--help").status);
  }

  @Test
  void aMissingOrUnknownOptionIsAOneLineUsageErrorWithStatusTwo() {
    Run r = run("export", "--model", model.toString());
    assertBadInput(r, "quant4j export: Missing required options: '--input-shape=<inputShape>', '--out=<out>'"
        + " (see quant4j export --help)");
    Run unknown = run("calibrate", "--model", model.toString(), "--data", data.toString(), "--out",
        dir.resolve("amax.json").toString(), "--mehtod=max");
    assertEquals(2, unknown.status, unknown.err);
    assertTrue(unknown.err.startsWith("quant4j calibrate: Unknown option: '--mehtod=max'"), unknown.err);
    assertOneLine(unknown.err);
  }

  @Test
  void anInternalErrorExitsOneWithOneLineAndVerboseAddsTheStackTrace() {
    Run plain = run(withFailingCommand(), "fail");
    assertEquals(1, plain.status);
    assertEquals("quant4j fail: internal error: / by zero", plain.err);

    Run verbose = run(withFailingCommand(), "fail", "--verbose");
    assertEquals(1, verbose.status);
    assertTrue(verbose.err.startsWith("quant4j fail: internal error: "), verbose.err);
    assertTrue(verbose.err.contains("\tat "), verbose.err);
  }

  // ---- an output path equal to an input, checked before any work

  @Test
  void calibrateRefusesAnOutputThatIsTheModelHoweverItIsSpelled() {
    Map<String, String> before = snapshot();
    Path sameModel = dir.resolve("sub").resolve("..").resolve("model.zip");
    Run r = run("calibrate", "--model", model.toString(), "--data", data.toString(), "--out", sameModel.toString());
    assertBadInput(r, "quant4j calibrate: --out " + sameModel + " would overwrite the --model input " + model
        + "; choose another output path");
    assertEquals(before, snapshot());
  }

  @Test
  void calibrateRefusesAnOutputThatIsTheDataThroughASymbolicLink() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("link.json"), data);
    Map<String, String> before = snapshot();
    Run r = run("calibrate", "--model", model.toString(), "--data", data.toString(), "--out", link.toString());
    assertBadInput(r, "quant4j calibrate: --out " + link + " would overwrite the --data input " + data
        + "; choose another output path");
    assertEquals(before, snapshot());
  }

  @Test
  void exportRefusesAnOutputThatIsTheModelOrTheAmaxFile() {
    Path amax = calibratedAmax();
    Map<String, String> before = snapshot();
    for (Path out : List.of(model, amax)) {
      Run r = run("export", "--model", model.toString(), "--amax", amax.toString(), "--input-shape", "1,1,5,5",
          "--out", out.toString());
      String input = out.equals(model) ? "--model" : "--amax";
      assertBadInput(r, "quant4j export: --out " + out + " would overwrite the " + input + " input " + out
          + "; choose another output path");
    }
    assertEquals(before, snapshot());
  }

  @Test
  void outputPathsAreCheckedBeforeTheCalibrationPass() throws IOException {
    Files.writeString(data, csv(List.of(0)));
    Files.createDirectory(dir.resolve("taken"));
    Path html = Path.of(writeConfig("index.html", ""));
    Map<String, String> before = snapshot();
    Path noParent = dir.resolve("missing").resolve("amax.json");
    Run r = run("calibrate", "--model", model.toString(), "--data", data.toString(), "--out", noParent.toString());
    assertBadInput(r, "quant4j calibrate: --out " + noParent + ": the directory " + noParent.getParent()
        + " does not exist");
    Run d = run("calibrate", "--model", model.toString(), "--data", data.toString(), "--out", dir.resolve("taken").toString());
    assertBadInput(d, "quant4j calibrate: --out " + dir.resolve("taken") + " is a directory, expected a file to write");
    Run rep = run("calibrate", "--model", model.toString(), "--data", data.toString(), "--out",
        dir.resolve("amax.json").toString(), "--report", dir.toString(), "--config", html.toString());
    assertBadInput(rep, "quant4j calibrate: --report " + dir + " would overwrite the --config input " + html
        + "; choose another output path");
    assertEquals(before, snapshot());
  }

  @Test
  void theDemoRefusesAnOutputDirectoryThatIsAFile() throws IOException {
    Path file = Files.writeString(dir.resolve("results"), "kept");
    Map<String, String> before = snapshot();
    Run r = run("demo", "--out", file.toString(), "--data-dir", dir.toString());
    assertBadInput(r, "quant4j demo: --out " + file + " is a file, expected a directory for the demo's outputs");
    assertEquals(before, snapshot());
  }

  // ---- sensitivity and autoquant

  @Test
  void labelsThatDoNotMatchTheImagesOneToOneAreRefused() throws IOException {
    Path images = dir.resolve("t10k-images-idx3-ubyte");
    byte[] imageHeader = {0, 0, 8, 3, 0, 0, 0, 8, 0, 0, 0, 5, 0, 0, 0, 5};
    Files.write(images, java.util.Arrays.copyOf(imageHeader, imageHeader.length + IMAGES * 25));
    Path labels = dir.resolve("t10k-labels-idx1-ubyte");
    byte[] labelHeader = {0, 0, 8, 1, 0, 0, 0, 7};
    Files.write(labels, java.util.Arrays.copyOf(labelHeader, labelHeader.length + 7));
    Path amax = calibratedAmax();
    Map<String, String> before = snapshot();
    String expected = "--labels " + labels + " has 7 labels but --data " + images + " has 8 images;"
        + " they must match one to one";

    Run s = run("sensitivity", "--model", model.toString(), "--data", images.toString(), "--labels", labels.toString(),
        "--amax", amax.toString(), "--out", dir.resolve("out").toString());
    assertBadInput(s, "quant4j sensitivity: " + expected);
    Run a = run("autoquant", "--model", model.toString(), "--data", images.toString(), "--labels", labels.toString(),
        "--calib", images.toString(), "--max-drop", "0.5", "--out", dir.resolve("config.yaml").toString());
    assertBadInput(a, "quant4j autoquant: " + expected);
    assertEquals(before, snapshot());
  }

  @Test
  void anAmaxFileThatMissesLayersNamesTheirQuantizers() throws IOException {
    Path amax = calibratedAmax();
    com.fasterxml.jackson.databind.node.ObjectNode root =
        (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(amax.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("quantizers"))
        .remove(List.of("out._input_quantizer", "out._weight_quantizer"));
    Files.writeString(amax, root.toString());
    Path labelled = Files.writeString(dir.resolve("labelled.csv"), labelledCsv());
    Map<String, String> before = snapshot();

    Run r = run("sensitivity", "--model", model.toString(), "--data", labelled.toString(), "--label-column", "last",
        "--shape", "1,5,5", "--scale", "1", "--amax", amax.toString(), "--out", dir.resolve("out").toString());

    assertBadInput(r, "quant4j sensitivity: --amax " + amax + " has no amax for 2 quantizer(s) of the model:"
        + " out._input_quantizer, out._weight_quantizer; calibrate this model (quant4j calibrate) and pass its amax file");
    assertEquals(before, snapshot());
  }

  @Test
  void aBudgetNoAssignmentMeetsIsRefusedWithTheBestAssignmentFoundAndNothingIsWritten() throws IOException {
    Path labelled = Files.writeString(dir.resolve("labelled.csv"), labelledCsv());
    Map<String, String> before = snapshot();

    Run r = run("autoquant", "--model", model.toString(), "--data", labelled.toString(), "--label-column", "last",
        "--calib", labelled.toString(), "--shape", "1,5,5", "--scale", "1", "--formats", "w4a4,w8a8",
        "--max-bits", "2", "--method", "max", "--out", dir.resolve("config.yaml").toString(),
        "--report", dir.resolve("report").toString());

    assertBadInput(r, "quant4j autoquant: no assignment of w4a4, w8a8 meets the budget (at most 2.000 effective"
        + " bits): the best found, conv=w4a4, out=w4a4, reaches top-1 37.50% (FP32 25.00%, +12.50 points) at 4.000"
        + " effective bits; nothing was written");
    assertEquals(before, snapshot());
  }

  // ---- non-finite calibration data

  @Test
  void nonFiniteCalibrationDataNamesTheQuantizerAndTheCountAndReplacesNothing() throws IOException {
    Files.writeString(data, csv(List.of(3, 7, 30)));
    Path amax = dir.resolve("amax.json");
    Files.writeString(amax, "{\"previous\": \"calibration\"}");
    Map<String, String> before = snapshot();
    Run r = run("calibrate", "--model", model.toString(), "--data", data.toString(), "--out", amax.toString(),
        "--method", "max", "--batch-size", String.valueOf(IMAGES), "--scale", "1", "--shape", "1,5,5");
    assertBadInput(r, "quant4j calibrate: calibration data batch 1 holds 3 non-finite value(s) (NaN or infinite) of "
        + IMAGES * 25 + ", which quantizer " + CONV_INPUT + " would calibrate on; remove or fix those samples");
    assertEquals(before, snapshot());
  }

  @Test
  void aModelWithANanWeightIsRefusedNamingTheWeightQuantizerAndNothingIsWritten() throws IOException {
    MultiLayerNetwork net = network();
    net.getLayer(0).getParam("W").putScalar(0, Float.NaN);
    ModelSerializer.writeModel(net, new File(model.toString()), false);
    Map<String, String> before = snapshot();
    Run r = run("calibrate", "--model", model.toString(), "--data", data.toString(), "--out",
        dir.resolve("amax.json").toString(), "--method", "max", "--shape", "1,5,5", "--scale", "1");
    assertBadInput(r, "quant4j calibrate: quantizer conv._weight_quantizer calibrated to 1 non-finite amax value(s)"
        + " (NaN or infinite): the model's weights or the values the network computes from this data are not finite;"
        + " nothing was written");
    assertEquals(before, snapshot());
  }

  @Test
  void aZeroScaleThatWouldTurnPixelsIntoInfinityIsRefused() {
    Map<String, String> before = snapshot();
    Run r = run("calibrate", "--model", model.toString(), "--data", data.toString(), "--out",
        dir.resolve("amax.json").toString(), "--scale", "0");
    assertBadInput(r, "quant4j calibrate: --scale 0.0 must be a finite number > 0 (every pixel is divided by it)");
    assertEquals(before, snapshot());
  }

  // ---- export validation

  @Test
  void exportRefusesANonFiniteNegativeOrZeroActivationAmaxNamingTheQuantizer() throws IOException {
    MultiLayerNetwork net = quantizedNetwork();
    Path out = dir.resolve("model.onnx");
    Files.writeString(out, "the previous export");
    Map<String, String> before = snapshot();
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, -1f, 0f}) {
      Quantizers.of(net).get(CONV_INPUT).setAmax(bad);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> OnnxExport.export(net, new long[] {1, 1, 5, 5}, out));
      assertEquals("quantizer " + CONV_INPUT + " has amax " + bad + ": ONNX export needs a finite amax > 0"
          + " (an activation amax of 0 has no Q/DQ scale that reproduces it); calibrate again or set a valid amax",
          e.getMessage());
    }
    assertEquals(before, snapshot());
  }

  @Test
  void exportAllowsAWeightChannelOfAmaxZeroAndRefusesANegativeOneNamingTheChannel() throws IOException {
    MultiLayerNetwork net = quantizedNetwork();
    TensorQuantizer weight = Quantizers.of(net).get("conv._weight_quantizer");
    Path out = dir.resolve("model.onnx");
    weight.setAmax(Nd4j.createFromArray(0f, 1f).reshape(2, 1, 1, 1));
    OnnxExport.export(net, new long[] {1, 1, 5, 5}, out);
    assertTrue(Files.size(out) > 0);

    Map<String, String> before = snapshot();
    weight.setAmax(Nd4j.createFromArray(1f, -2f).reshape(2, 1, 1, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExport.export(net, new long[] {1, 1, 5, 5}, out));
    assertEquals("quantizer conv._weight_quantizer has amax -2.0 at channel 1: ONNX export needs a finite amax >= 0;"
        + " calibrate again or set a valid amax", e.getMessage());
    assertEquals(before, snapshot());
  }

  @Test
  void exportRefusesAnInputShapeThatDoesNotFitTheModelBeforeWritingTheOnnx() {
    Path amax = calibratedAmax();
    Map<String, String> before = snapshot();
    Path out = dir.resolve("model.onnx");
    Run r = run("export", "--model", model.toString(), "--amax", amax.toString(), "--input-shape", "1,3,5,5",
        "--out", out.toString());
    assertEquals(2, r.status, r.err);
    assertTrue(r.err.startsWith("quant4j export: --input-shape 1,3,5,5 does not fit the model in " + model + ": "), r.err);
    assertOneLine(r.err);
    assertEquals(before, snapshot());
  }

  // ---- strict QuantConfig

  @Test
  void quantConfigWrongTypesDuplicateKeysAndUnknownFieldsNameTheKeyAndTheFile() throws IOException {
    Map<String, String> cases = new TreeMap<>(Map.of(
        "type.yaml", "input: {enable: \"yes\"}\n",
        "dup.json", "{\"residual\": true, \"residual\": false}",
        "dup.yaml", "weight: {num_bits: 8}\nweight: {num_bits: 4}\n",
        "unknown.json", "{\"inputs\": {\"num_bits\": 8}}",
        "huge.yaml", "input: {amax: 1e39}\n"));
    Map<String, String> expected = Map.of(
        "type.yaml", "input.enable must be true or false, got \"yes\"",
        "dup.json", "Duplicate field 'residual'",
        "dup.yaml", "Duplicate field 'weight'",
        "unknown.json", "unknown key \"inputs\" in quant config",
        "huge.yaml", "input.amax must be a finite number, got 1.0E39");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path file = Path.of(writeConfig(c.getKey(), c.getValue()));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuantConfig.load(file));
      assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(expected.get(c.getKey())), e.getMessage());
      assertOneLine(e.getMessage());
    }
    Map<String, String> before = snapshot();
    Path config = dir.resolve("type.yaml");
    Run r = run("calibrate", "--model", model.toString(), "--data", data.toString(), "--out",
        dir.resolve("amax.json").toString(), "--config", config.toString());
    assertBadInput(r, "quant4j calibrate: " + config + ": input.enable must be true or false, got \"yes\"");
    assertEquals(before, snapshot());
  }

  // ---- two threads on one network

  @Test
  void collectStatsOnANetworkAnotherThreadIsCalibratingIsRefused() throws Exception {
    MultiLayerNetwork net = quantizedNetwork();
    CountDownLatch inPass = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<DataSet> batches = batches(2);
    ListDataSetIterator<DataSet> blocking = new ListDataSetIterator<>(batches, 1) {
      @Override
      public DataSet next() {
        inPass.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.next();
      }
    };
    ExecutorService first = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> used = first.submit(() -> Calibration.collectStats(net, blocking, 2));
      assertTrue(inPass.await(5, TimeUnit.MINUTES), "the first pass never asked for a batch");
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> Calibration.collectStats(net, new ListDataSetIterator<>(batches, 1), 2));
      assertEquals("Calibration.collectStats is already running on this network in another thread; calibrate one"
          + " network in one thread at a time, or give each thread its own copy and merge their calibrators", e.getMessage());
      release.countDown();
      assertEquals(2, used.get());
      for (TensorQuantizer q : Quantizers.of(net).values()) {
        assertTrue(q.isQuantEnabled() && !q.isCalibEnabled(), "the first pass restored every quantizer's mode");
      }
      assertEquals(2, Calibration.collectStats(net, new ListDataSetIterator<>(batches, 1), 2), "free again afterwards");
    } finally {
      release.countDown();
      first.shutdown();
      first.awaitTermination(1, TimeUnit.MINUTES);
    }
  }

  // ---- corrupt inputs

  @Test
  void corruptTruncatedAndEmptyModelZipsAreOneLineNamingTheFile() throws IOException {
    byte[] zip = Files.readAllBytes(model);
    Path truncated = Files.write(dir.resolve("truncated.zip"), java.util.Arrays.copyOf(zip, zip.length / 2));
    Path garbage = Files.writeString(dir.resolve("garbage.zip"), "this is not a zip file");
    Path empty = Files.write(dir.resolve("empty.zip"), new byte[0]);
    Map<String, String> before = snapshot();
    for (Path bad : List.of(truncated, garbage, empty)) {
      Run c = run("calibrate", "--model", bad.toString(), "--data", data.toString(), "--out",
          dir.resolve("amax.json").toString(), "--shape", "1,5,5", "--scale", "1");
      assertEquals(2, c.status, c.err);
      assertTrue(c.err.startsWith("quant4j calibrate: --model " + bad + " is not a DL4J model zip saved by ModelSerializer"),
          c.err);
      assertOneLine(c.err);
      Run e = run("export", "--model", bad.toString(), "--input-shape", "1,1,5,5", "--out",
          dir.resolve("model.onnx").toString());
      assertEquals(2, e.status, e.err);
      assertTrue(e.err.startsWith("quant4j export: --model " + bad + " is not a DL4J model zip saved by ModelSerializer"),
          e.err);
      assertOneLine(e.err);
    }
    assertEquals(before, snapshot());
  }

  @Test
  void aTruncatedIdxFileIsOneLineNamingTheFile() throws IOException {
    Path idx = dir.resolve("train-images-idx3-ubyte");
    byte[] header = {0, 0, 8, 3, 0, 0, 0, 8, 0, 0, 0, 5, 0, 0, 0, 5};
    Files.write(idx, java.util.Arrays.copyOf(header, header.length + 10));
    Map<String, String> before = snapshot();
    Run r = run("calibrate", "--model", model.toString(), "--data", idx.toString(), "--out",
        dir.resolve("amax.json").toString());
    assertBadInput(r, "quant4j calibrate: path " + idx + " is truncated: the IDX header promises 216 bytes, the file has 26");
    assertEquals(before, snapshot());
  }

  // ---- atomic writes with the user's umask

  @Test
  void exportAndReportReplaceFilesWholeWithTheUmasksPermissionsAndNoTemporaryFileLeft() throws IOException {
    Path amax = calibratedAmax();
    Path out = dir.resolve("model.onnx");
    Files.writeString(out, "the previous export");
    Set<PosixFilePermission> umask = Files.getPosixFilePermissions(Files.createFile(dir.resolve("fresh")));
    Run e = run("export", "--model", model.toString(), "--amax", amax.toString(), "--input-shape", "1,1,5,5",
        "--out", out.toString());
    assertEquals(0, e.status, e.err);
    assertEquals(umask, Files.getPosixFilePermissions(out));
    assertTrue(Files.size(out) > 100);

    Path report = dir.resolve("report");
    Run r = run("report", "--model", model.toString(), "--data", data.toString(), "--amax", amax.toString(),
        "--out", report.toString(), "--method", "max", "--shape", "1,5,5", "--scale", "1");
    assertEquals(0, r.status, r.err);
    try (Stream<Path> files = Files.list(report)) {
      for (Path f : files.toList()) {
        assertEquals(umask, Files.getPosixFilePermissions(f), f.toString());
      }
    }
    try (Stream<Path> all = Files.walk(dir)) {
      assertEquals(List.of(), all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
    }
  }

  // ---- helpers

  /** An exit status, the one line on standard error and the standard output of a command. */
  private record Run(int status, String err, String out) {}

  private Run run(String... args) {
    return run(Quant4jCommand.commandLine(), args);
  }

  private static Run run(CommandLine cli, String... args) {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(out, true));
    int status = cli.execute(args);
    return new Run(status, err.toString().strip(), out.toString());
  }

  private static void assertBadInput(Run r, String line) {
    assertEquals(2, r.status, r.err);
    assertEquals(line, r.err);
  }

  private static void assertOneLine(String message) {
    assertFalse(message.contains("\n"), message);
    assertFalse(message.contains("\tat "), message);
  }

  /** Runs a real calibration and returns its amax file. */
  private Path calibratedAmax() {
    Path amax = dir.resolve("amax.json");
    Run r = run("calibrate", "--model", model.toString(), "--data", data.toString(), "--out", amax.toString(),
        "--method", "max", "--shape", "1,5,5", "--scale", "1");
    assertEquals(0, r.status, r.err);
    return amax;
  }

  /** The CSV images with a label in the last column, class i % 3 for row i. */
  private static String labelledCsv() {
    StringBuilder s = new StringBuilder();
    String[] rows = csv(List.of()).split("\n");
    for (int i = 0; i < rows.length; i++) {
      s.append(rows[i]).append(',').append(i % 3).append('\n');
    }
    return s.toString();
  }

  private String writeConfig(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text).toString();
  }

  /** Every file under the directory: its SHA-256 and modification time, by relative path. */
  private Map<String, String> snapshot() {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString(), HexFormat.of().formatHex(
            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))) + " " + Files.getLastModifiedTime(p));
      }
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return files;
  }

  /**
   * CSV images of shape 1x5x5, one per row, values in [0, 1); the flat indices (over all rows) listed
   * are NaN, +Infinity and -Infinity in turn.
   */
  /** {@value #IMAGES} unlabelled 1×5×5 images as CSV, with NaN or infinities at the given flat indices. */
  static String csv(List<Integer> nonFinite) {
    String[] special = {"NaN", "Infinity", "-Infinity"};
    StringBuilder s = new StringBuilder();
    for (int row = 0; row < IMAGES; row++) {
      for (int i = 0; i < 25; i++) {
        int flat = row * 25 + i;
        int k = nonFinite.indexOf(flat);
        s.append(i == 0 ? "" : ",").append(k >= 0 ? special[k % 3] : String.valueOf((flat * 37 % 100) / 100f));
      }
      s.append('\n');
    }
    return s.toString();
  }

  /** A tiny plain network for 1×5×5 inputs: conv 3×3 (2 channels) and a 3-class output layer. */
  static MultiLayerNetwork network() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
        .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(2).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder().name("out").nOut(3).activation(Activation.SOFTMAX)
            .lossFunction(LossFunctions.LossFunction.MCXENT).build())
        .setInputType(InputType.convolutional(5, 5, 1)).build());
    net.init();
    return net;
  }

  /** The network with max-calibrated quantizers: inputs per tensor, weights per output channel. */
  private static MultiLayerNetwork quantizedNetwork() {
    QuantModules.initialize(QuantConfig.builder()
        .input(QuantSpec.builder().numBits(8).calibMethod("max").build()).build());
    try {
      MultiLayerNetwork net = network();
      Calibration.collectStats(net, new ListDataSetIterator<>(batches(2), 1), 2);
      Calibration.computeAmax(net, AmaxMethod.MAX);
      return net;
    } finally {
      QuantModules.deactivate();
    }
  }

  /** Single-image batches of shape 1x1x5x5 with values in [0, 1). */
  private static List<DataSet> batches(int n) {
    List<DataSet> batches = new ArrayList<>();
    for (int b = 0; b < n; b++) {
      float[] pixels = new float[25];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = ((b * 25 + i) * 37 % 100) / 100f;
      }
      batches.add(new DataSet(Nd4j.createFromArray(pixels).reshape(1, 1, 5, 5), Nd4j.zeros(DataType.FLOAT, 1, 3)));
    }
    return batches;
  }

  private static CommandLine withFailingCommand() {
    return Quant4jCommand.commandLine().addSubcommand("fail", new Failing());
  }

  /** A command that fails the way a bug does. */
  @Command(name = "fail")
  static final class Failing implements Runnable {
    @Override
    public void run() {
      throw new ArithmeticException("/ by zero");
    }
  }
}
