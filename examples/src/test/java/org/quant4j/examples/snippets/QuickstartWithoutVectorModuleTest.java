package org.quant4j.examples.snippets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart as a user runs it: a plain {@code java -cp ... Quickstart} without any JVM option
 * calibrates, trains and exports, says once that it uses the scalar kernels, and writes the same amax
 * file and the same ONNX bytes, and prints the same accuracies, as a run with
 * {@code --add-modules=jdk.incubator.vector}. Both runs start from one saved FP32 model and use one
 * native thread, so any difference comes from quant4j's kernels.
 */
class QuickstartWithoutVectorModuleTest {

  private static final String NOTICE = "quant4j: Vector API not available, using the scalar kernels; "
      + "add --add-modules=jdk.incubator.vector for speed";

  @Test
  void aPlainJvmGivesTheSameFilesAsTheVectorModule(@TempDir Path tmp) throws Exception {
    Path flagged = Files.createDirectories(tmp.resolve("flagged"));
    Path plain = Files.createDirectories(tmp.resolve("plain"));

    String withModule = run(flagged, "--add-modules=jdk.incubator.vector");
    Files.copy(flagged.resolve("fp32.zip"), plain.resolve("fp32.zip"));
    String withoutModule = run(plain);

    assertFalse(withModule.contains(NOTICE), withModule);
    assertTrue(withoutModule.contains(NOTICE), withoutModule);
    assertEquals(1, withoutModule.split(NOTICE, -1).length - 1, "the notice is printed once:\n" + withoutModule);
    assertEquals(accuracyLines(withModule), accuracyLines(withoutModule));
    assertEquals(3, accuracyLines(withModule).size(), withModule);
    for (String file : new String[] {"amax.json", "model.onnx"}) {
      assertArrayEquals(Files.readAllBytes(flagged.resolve(file)), Files.readAllBytes(plain.resolve(file)), file);
    }
  }

  private static List<String> accuracyLines(String output) {
    return output.lines().filter(l -> l.contains("top-1")).toList();
  }

  private static String run(Path dir, String... jvmOptions) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-Xss4m", "-cp", System.getProperty("java.class.path"), Quickstart.class.getName(),
        dir.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("output.txt").toFile());
    builder.environment().put("OMP_NUM_THREADS", "1");
    Process p = builder.start();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String out = Files.readString(dir.resolve("output.txt"), StandardCharsets.UTF_8);
    assertTrue(done, "the quickstart did not finish in 5 minutes:\n" + out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
