package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import picocli.CommandLine;

/** {@code quant4j sensitivity} and {@code quant4j autoquant} through the real command line. */
class TuneCommandsTest {

  @TempDir Path dir;
  private Path zip;
  private Path csv;

  @BeforeEach
  void modelAndData() throws Exception {
    zip = dir.resolve("model.zip");
    csv = dir.resolve("images.csv");
    TinyClassifier.write(zip, csv);
  }

  @AfterEach
  void deactivate() {
    QuantModules.deactivate();
  }

  @Test
  void sensitivityPrintsTheTableAndWritesJsonAndTheReportChart() throws Exception {
    Path amax = dir.resolve("amax.json");
    run("calibrate", "--model", zip.toString(), "--data", csv.toString(), "--shape", "1,5,5",
        "--scale", "1", "--label-column", "last", "--method", "max", "--out", amax.toString());
    Path out = dir.resolve("sens");

    String[] r = run("sensitivity", "--model", zip.toString(), "--data", csv.toString(), "--shape", "1,5,5",
        "--scale", "1", "--label-column", "last", "--amax", amax.toString(), "--batch-size", "32", "--out", out.toString());

    assertTrue(r[1].contains("Sensitivity per layer, most harmful first"), r[1]);
    JsonNode json = new ObjectMapper().readTree(out.resolve("sensitivity.json").toFile());
    assertEquals("top-1", json.get("metric").asText());
    assertEquals(1.0, json.get("fp32").asDouble());
    assertEquals(3, json.get("layers").size());
    assertTrue(Files.readString(out.resolve("index.html")).contains("sensitivity.png"));
    assertTrue(Files.size(out.resolve("sensitivity.png")) > 1000);
  }

  @Test
  void theConfigAutoquantWritesReproducesItsTop1ExactlyInAFreshJvm() throws Exception {
    Path config = dir.resolve("config.yaml");
    Path report = dir.resolve("report");

    String[] r = run("autoquant", "--model", zip.toString(), "--data", csv.toString(), "--calib", csv.toString(),
        "--shape", "1,5,5", "--scale", "1", "--label-column", "last", "--formats", "w4a4,w8a8,float",
        "--max-drop", "2", "--batch-size", "32", "--method", "max", "--out", config.toString(),
        "--report", report.toString());

    Matcher m = Pattern.compile("top-1 exact: (\\S+)").matcher(r[1]);
    assertTrue(m.find(), r[1]);
    QuantConfig.load(config);
    assertTrue(Files.readString(report.resolve("index.html")).contains("Mixed precision per layer"));
    Path log = dir.resolve("child.txt");
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ReproduceAutoquant.class.getName(), zip.toString(),
        config.toString(), csv.toString(), "32"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the child JVM did not finish");
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("top1=" + m.group(1) + "\n"), "autoquant reported " + m.group(1) + "; the child: " + out);
  }

  @Test
  void exportTakesTheConfigAutoquantWritesAsItIs() throws Exception {
    Path config = dir.resolve("config.yaml");
    run("autoquant", "--model", zip.toString(), "--data", csv.toString(), "--calib", csv.toString(),
        "--shape", "1,5,5", "--scale", "1", "--label-column", "last", "--formats", "w8a8,w4a8,float",
        "--max-drop", "2", "--batch-size", "32", "--method", "max", "--out", config.toString());
    long quantized = QuantConfig.load(config).overrides().stream()
        .filter(o -> !Boolean.FALSE.equals(o.spec().enable())).count();
    Path onnx = dir.resolve("model.onnx");

    String[] r = run("export", "--model", zip.toString(), "--config", config.toString(), "--input-shape", "1,1,5,5",
        "--out", onnx.toString());

    assertTrue(r[1].contains("(opset 13, " + quantized + " quantizers as Q/DQ)"), r[1] + "\n" + Files.readString(config));
    assertTrue(Files.size(onnx) > 0);
  }

  /** Runs a command that must succeed; returns its standard error and standard output. */
  private static String[] run(String... args) {
    CommandLine cli = Quant4jCommand.commandLine();
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(out, true));
    java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.out;
    System.setOut(new java.io.PrintStream(stdout, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = cli.execute(args);
    } finally {
      System.setOut(saved);
    }
    assertEquals(0, status, err.toString());
    return new String[] {err.toString(), stdout.toString(StandardCharsets.UTF_8) + out};
  }
}
