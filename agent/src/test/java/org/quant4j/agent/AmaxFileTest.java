package org.quant4j.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AmaxFileTest {
  @TempDir Path dir;

  @Test
  void valuesRoundTripBitForBit() throws IOException {
    Random random = new Random(7);
    float[] values = new float[64];
    for (int i = 0; i < values.length; i++) {
      values[i] = Float.intBitsToFloat(random.nextInt() & 0x7fffffff);
    }
    values[0] = Float.MIN_VALUE;
    values[1] = Float.MAX_VALUE;
    values[2] = Float.NaN;
    values[3] = Float.POSITIVE_INFINITY;
    values[4] = 0.1f;
    values[5] = 1e-30f;
    Map<String, AmaxFile.Amax> q = new LinkedHashMap<>();
    q.put("net0.hidden1._input_quantizer", new AmaxFile.Amax(new long[0], new float[] {4.2871046f}));
    q.put("net0.hidden1._weight_quantizer", new AmaxFile.Amax(new long[] {1, 64}, values));
    AmaxFile file = new AmaxFile(Map.of("histogram_method", "entropy"), q);
    Path path = dir.resolve("amax.json");
    file.write(path);
    AmaxFile back = AmaxFile.read(path);
    assertEquals(file, back);
    float[] read = back.get("net0.hidden1._weight_quantizer").values();
    for (int i = 0; i < values.length; i++) {
      assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(read[i]), "value " + i);
    }
    assertEquals(q.keySet(), back.quantizers().keySet());
  }

  @Test
  void writeReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
    Path path = dir.resolve("amax.json");
    Files.writeString(path, "old");
    new AmaxFile(Map.of(), Map.of("a", new AmaxFile.Amax(new long[0], new float[] {1f}))).write(path);
    assertEquals(1f, AmaxFile.read(path).get("a").values()[0]);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void otherJsonIsRejectedNamingTheFile() throws IOException {
    Path path = Files.writeString(dir.resolve("state.json"), "{\"format\": \"quant4j-quantizer-state\"}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AmaxFile.read(path));
    assertTrue(e.getMessage().startsWith(path + " is not a quant4j agent amax file"), e.getMessage());
  }

  @Test
  void shapeAndValueCountMustAgree() throws IOException {
    Path path = Files.writeString(dir.resolve("a.json"), "{\"format\": \"quant4j-agent-amax\", \"version\": 1, "
        + "\"quantizers\": {\"net0.x._weight_quantizer\": {\"shape\": [1, 3], \"amax\": [1.0, 2.0]}}}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AmaxFile.read(path));
    assertEquals(path + ": net0.x._weight_quantizer: amax shape [1, 3] holds 3 values, got 2", e.getMessage());
  }

  @Test
  void amaxCopiesItsArrays() {
    float[] v = {1f, 2f};
    AmaxFile.Amax a = new AmaxFile.Amax(new long[] {2}, v);
    v[0] = 9f;
    assertArrayEquals(new float[] {1f, 2f}, a.values());
  }
}
