package org.quant4j.calib;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Infinite or NaN values cannot be binned (the histogram's range would not be finite, as torch.histc says):
 * every collect path refuses them by name, whatever the batch size, instead of counting out of bounds or
 * producing an infinite amax.
 */
class HistogramCalibratorNonFiniteTest {

  private static float[] values(int n, float poison) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (i % 97) / 97f;
    }
    v[n / 2] = poison;
    return v;
  }

  @Test
  void infinityIsRefusedOnEveryPathAndSize() {
    for (boolean torch : new boolean[] {true, false}) {
      for (boolean skipZeros : new boolean[] {false, true}) {
        for (int n : new int[] {3, 4096, 65536}) {
          for (float poison : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            HistogramCalibrator c = HistogramCalibrator.builder().numBits(8).torchHist(torch).skipZeros(skipZeros)
                .build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.collect(Nd4j.createFromArray(values(n, poison))));
            assertTrue(e.getMessage().contains("infinity"), e.getMessage());
          }
        }
      }
    }
  }

  @Test
  void infinityInALaterBatchIsRefusedByNameToo() {
    HistogramCalibrator c = HistogramCalibrator.builder().numBits(8).build();
    c.collect(Nd4j.createFromArray(values(4096, 0.5f)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.collect(Nd4j.createFromArray(values(4096, Float.POSITIVE_INFINITY))));
    assertTrue(e.getMessage().contains("infinity"), e.getMessage());
  }

  @Test
  void nanIsRefusedByName() {
    HistogramCalibrator c = HistogramCalibrator.builder().numBits(8).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.collect(Nd4j.createFromArray(values(4096, Float.NaN))));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }
}
