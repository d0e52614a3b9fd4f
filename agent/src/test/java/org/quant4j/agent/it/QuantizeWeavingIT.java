package org.quant4j.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code @Quantize} classes under the agent: woven in place, they compute bit for bit what the processor's
 * generated {@code Quant<Name>} classes compute, dynamically and after identical calibration
 * ({@link WovenLayersHost}, one child JVM).
 */
class QuantizeWeavingIT {
  private static Map<String, String> facts;
  private static ChildJvm.Result run;

  @BeforeAll
  static void runHostUnderTheAgent() throws Exception {
    Path dir = Files.createDirectories(Path.of(System.getProperty("quant4j.it.dir", "target/it"), "weaving"));
    run = ChildJvm.run(dir, "", ChildJvm.hostClassPath(), List.of(), WovenLayersHost.class.getName());
    assertEquals(0, run.exitCode(), run::toString);
    facts = run.stdout().lines().filter(l -> l.contains("="))
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
  }

  private static String fact(String key) {
    return facts.getOrDefault(key, "missing in:\n" + run);
  }

  @Test
  void wovenLinearHasTheGeneratedClassesQuantizers() {
    assertEquals(fact("linear.generated.quantizers"), fact("linear.woven.quantizers"));
    assertEquals("{_input_quantizer=TensorQuantizer(8bit fake per-tensor amax=dynamic calibrator=MaxCalibrator "
        + "scale=1.0 quant), _weight_quantizer=TensorQuantizer(8bit fake axis=0 amax=dynamic calibrator=MaxCalibrator "
        + "scale=1.0 quant)}", fact("linear.woven.quantizers"));
  }

  @Test
  void wovenLinearComputesWhatTheGeneratedOneComputes() {
    assertEquals("true", fact("linear.dynamic.quantized"));
    assertEquals("true", fact("linear.dynamic.identical"));
  }

  @Test
  void calibratingBothTheSameWayGivesTheSameAmaxAndOutputs() {
    assertEquals("true", fact("linear.calibrated.amax.identical"));
    assertEquals("true", fact("linear.calibrated.identical"));
  }

  @Test
  void theGeneratedSubclassOfAWovenClassIsQuantizedOnce() {
    assertEquals("true", fact("linear.generated.quantizedOnce"));
  }

  @Test
  void aQuantizerThatFailsLeavesItsInstanceInFloatWithOneLinePerClass() {
    assertEquals("true", fact("linear.broken0.float"));
    assertEquals("true", fact("linear.broken1.float"));
    List<String> lines = run.stderr().lines().filter(l -> l.contains("left in float")).toList();
    assertEquals(1, lines.size(), run::toString);
    assertTrue(lines.get(0).startsWith("quant4j-agent: a org.quant4j.examples.custom.Linear left in float after an "
        + "error quantizing a weight: "), lines.get(0));
  }

  @Test
  void wovenPoolHasOnlyAnInputQuantizerAndMatchesTheGeneratedOne() {
    assertEquals("{_input_quantizer=TensorQuantizer(8bit fake per-tensor amax=dynamic calibrator=MaxCalibrator "
        + "scale=1.0 quant)}", fact("pool.woven.quantizers"));
    assertEquals("true", fact("pool.identical"));
    assertEquals("true", fact("pool.quantized"));
  }
}
