package org.quant4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairedTimingTest {

  @Test
  void interleavesQuantizedAndPlainAfterOneWarmUpOfEach() {
    List<String> calls = new ArrayList<>();
    PairedTiming t = PairedTiming.measure("x", 3, () -> calls.add("q"), () -> calls.add("p"));
    assertEquals(List.of("q", "p", "q", "p", "q", "p", "q", "p"), calls);
    assertEquals(3, t.quantizedMs().length);
    assertEquals(3, t.plainMs().length);
  }

  @Test
  void mediansAreOfTheMiddleValues() {
    PairedTiming t = new PairedTiming("x", new double[] {3, 1, 2}, new double[] {1, 1, 4});
    assertEquals(2, t.medianQuantizedMs());
    assertEquals(1, t.medianPlainMs());
    assertEquals(1, t.medianRatio()); // ratios 3, 1, 0.5
    assertTrue(Double.isNaN(PairedTiming.measureAlone("y", 2, () -> {}).medianRatio()));
  }
}
