package org.quant4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.quant4j.tensor.QuantGrid;

class HistogramErrorsTest {

  // Four bins of width 1 on [0, 4]: centres 0.5, 1.5, 2.5, 3.5.
  private static final float[] COUNTS = {1, 1, 1, 1};
  private static final float[] EDGES = {0, 1, 2, 3, 4};

  @Test
  void clippedFractionCountsTheBinsWhoseCentreIsAboveAmax() {
    assertEquals(0.0, HistogramErrors.clippedFraction(COUNTS, EDGES, 4f));
    assertEquals(0.25, HistogramErrors.clippedFraction(COUNTS, EDGES, 3f));
    assertEquals(0.75, HistogramErrors.clippedFraction(COUNTS, EDGES, 1f));
  }

  @Test
  void mseIsTheCountWeightedMeanSquaredFakeQuantError() {
    // 1-bit... use 2 bits signed narrow: max bound 1, amax 2 -> scale 0.5, grid {-2, 0, 2}.
    QuantGrid grid = new QuantGrid(2, false, true);
    // centres 0.5 -> 0 (err .25), 1.5 -> 2 (err .25), 2.5 -> 2 (err .25), 3.5 -> 2 (clipped, err 2.25)
    assertEquals((0.25 + 0.25 + 0.25 + 2.25) / 4, HistogramErrors.mse(COUNTS, EDGES, grid, 2f), 1e-7);
  }
}
