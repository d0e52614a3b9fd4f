package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quant4j calibrate} in a child JVM, as the launcher runs it (slf4j-simple, no JVM option): ND4J's backend
 * banner is absent by default and present with {@code --verbose}, and quant4j's own INFO line (the Vector API
 * notice) shows either way.
 */
class LogLevelsTest {

  private static final String BANNER = "Loaded [CpuBackend] backend";
  private static final String THREADS = "Number of threads used for linear algebra";
  private static final String NOTICE = "quant4j: Vector API not available, using the scalar kernels";

  @Test
  void ndBackendBannerIsQuietUnlessVerboseAndQuant4jInfoShows(@TempDir Path dir) throws Exception {
    Path zip = dir.resolve("model.zip");
    ModelSerializer.writeModel(BadInputTest.network(), new File(zip.toString()), false);
    Path data = Files.writeString(dir.resolve("data.csv"), BadInputTest.csv(List.of()));

    String quiet = calibrate(dir, zip, data, "quiet");
    String verbose = calibrate(dir, zip, data, "verbose", "--verbose");

    assertFalse(quiet.contains(BANNER), quiet);
    assertFalse(quiet.contains(THREADS), quiet);
    assertTrue(quiet.contains(NOTICE), quiet);
    assertTrue(verbose.contains(BANNER), verbose);
    assertTrue(verbose.contains(THREADS), verbose);
    assertTrue(verbose.contains(NOTICE), verbose);
  }

  private static String calibrate(Path dir, Path zip, Path data, String name, String... options)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Quant4jCommand.class.getName(), "calibrate", "--model",
        zip.toString(), "--data", data.toString(), "--shape", "1,5,5", "--scale", "1",
        "--method", "max", "--out", dir.resolve(name + ".json").toString()));
    command.addAll(List.of(options));
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(3, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(done, "quant4j calibrate did not finish in 3 minutes:\n" + out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
