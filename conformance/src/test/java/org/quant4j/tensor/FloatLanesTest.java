package org.quant4j.tensor;

import org.quant4j.tensor.internal.FloatLanes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * Both ways of {@link FloatLanes}: the JDK 17 byte-buffer methods and the portable array windows give
 * the golden bits. The array way runs in a child JVM (the choice is fixed when the class initialises),
 * on this JDK with {@code quant4j.vector.lanes=array} and windows of 64 floats, and on a JDK 25 where one
 * is installed, where it is the only way ({@code fromByteBuffer} is gone there).
 */
class FloatLanesTest {

  private static final long TIMEOUT_MINUTES = 5;

  @Test
  void autoPicksBufferAccessWhereTheJdkHasByteBufferMethods() {
    boolean hasMethods;
    try {
      FloatVector.class.getMethod("fromByteBuffer", VectorSpecies.class, ByteBuffer.class, int.class, ByteOrder.class);
      hasMethods = true;
    } catch (NoSuchMethodException e) {
      hasMethods = false;
    }
    assertEquals(hasMethods, FloatLanes.bufferAccess(null));
    assertEquals(hasMethods, FloatLanes.bufferAccess("auto"));
    if (System.getProperty(FloatLanes.PROPERTY) == null) {
      assertEquals(hasMethods, FloatLanes.isBufferAccess());
    }
    assertFalse(FloatLanes.bufferAccess("array"));
  }

  @Test
  void unknownLaneAccessIsRejectedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FloatLanes.bufferAccess("heap"));
    assertTrue(e.getMessage().contains("quant4j.vector.lanes") && e.getMessage().contains("'heap'"), e.getMessage());
  }

  @Test
  void arrayAccessReplaysGoldenVectorsAcrossWindowBorders() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String out = conformance(java, "-D" + FloatLanes.PROPERTY + "=array", "-D" + FloatLanes.CHUNK_PROPERTY + "=64");
    assertTrue(out.contains("lanes=array chunk=64"), out);
  }

  @Test
  void goldenVectorsReplayOnJdk25() throws Exception {
    Path java = jdk25();
    assumeTrue(java != null, "no JDK 25 found (set -Dquant4j.jdk25=<java home> or JAVA25_HOME)");
    String out = conformance(java.toString(), "-D" + FloatLanes.CHUNK_PROPERTY + "=64");
    assertTrue(out.contains("lanes=array chunk=64 java=25"), out);
  }

  /**
   * A JDK 25's java launcher: from quant4j.jdk25, JAVA25_HOME, or a JDK 25 installed beside the JDK that
   * runs the tests (a sibling directory whose {@code release} file says {@code JAVA_VERSION="25...}).
   */
  private static Path jdk25() throws IOException {
    List<Path> homes = new ArrayList<>();
    if (System.getProperty("quant4j.jdk25") != null) {
      homes.add(Path.of(System.getProperty("quant4j.jdk25")));
    }
    if (System.getenv("JAVA25_HOME") != null) {
      homes.add(Path.of(System.getenv("JAVA25_HOME")));
    }
    Path installed = Path.of(System.getProperty("java.home")).toRealPath().getParent();
    if (installed != null && Files.isDirectory(installed)) {
      try (var siblings = Files.list(installed)) {
        siblings.filter(FloatLanesTest::isJdk25).sorted().forEach(homes::add);
      }
    }
    return homes.stream().map(h -> h.resolve("bin").resolve("java")).filter(Files::isExecutable)
        .findFirst().orElse(null);
  }

  private static boolean isJdk25(Path home) {
    Path release = home.resolve("release");
    try {
      return Files.isRegularFile(release)
          && Files.readString(release, StandardCharsets.UTF_8).contains("JAVA_VERSION=\"25");
    } catch (IOException e) {
      return false;
    }
  }

  /** Replays the golden files through {@link LaneAccessProbe} and checks it passed. */
  private static String conformance(String java, String... options) throws IOException, InterruptedException {
    String golden = Path.of(System.getProperty("quant4j.golden", "../golden")).toAbsolutePath().toString();
    List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector", "-Xss4m", "-Xmx2g"));
    command.addAll(List.of(options));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), LaneAccessProbe.class.getName(), golden));
    Path log = Files.createTempFile("quant4j-lanes", ".txt");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
      if (!done) {
        p.destroyForcibly();
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertTrue(done, "child JVM still running after " + TIMEOUT_MINUTES + " min:\n" + out);
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains(" passed, 0 failed"), out);
      assertFalse(out.contains("NoSuchMethodError"), out);
      return out;
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
