package org.quant4j.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.tensor.E4M3FakeQuant;
import org.quant4j.tensor.QuantFormat;

/** HistogramCalibrator choosing amax for FP8 E4M3. */
class HistogramCalibratorE4M3Test {

  private static HistogramCalibrator calibrated(QuantFormat format) {
    Nd4j.getRandom().setSeed(21);
    HistogramCalibrator c = HistogramCalibrator.builder().format(format).build();
    INDArray x = Nd4j.randn(DataType.FLOAT, 20000);
    c.collect(x.mul(x).mul(x)); // heavy tails, so the grids disagree
    return c;
  }

  /** The MSE of fake-quantizing the bin centers with an amax, in double, weighted by the counts. */
  private static double mse(double[] counts, double[] edges, float amax) {
    double s = 0;
    for (int k = 0; k < counts.length; k++) {
      float c = ((float) edges[k + 1] + (float) edges[k]) / 2f;
      double d = E4M3FakeQuant.fakeQuantize(c, amax) - (double) c;
      s += d * d * counts[k];
    }
    return s / counts.length;
  }

  @Test
  void mseAmaxMinimisesTheErrorOnTheE4M3Grid() {
    HistogramCalibrator c = calibrated(QuantFormat.E4M3);
    double[] counts = c.histogram().castTo(DataType.DOUBLE).data().asDouble();
    double[] edges = c.edges().castTo(DataType.DOUBLE).data().asDouble();
    float chosen = c.computeAmax(AmaxMethod.MSE, 0).getFloat(0);
    double best = Double.POSITIVE_INFINITY;
    for (int i = HistogramCalibrator.DEFAULT_START_BIN; i < counts.length; i++) {
      best = Math.min(best, mse(counts, edges, ((float) edges[i + 1] + (float) edges[i]) / 2f));
    }
    double got = mse(counts, edges, chosen);
    assertTrue(got <= best * (1 + 1e-4), "MSE at the chosen amax " + got + " vs best " + best);
    float int8 = calibrated(QuantFormat.INT).computeAmax(AmaxMethod.MSE, 0).getFloat(0);
    assertNotEquals(int8, chosen, "the E4M3 grid must choose differently from int8 here");
  }

  @Test
  void percentileDoesNotDependOnTheGrid() {
    assertEquals(calibrated(QuantFormat.INT).computeAmax(AmaxMethod.PERCENTILE, 99.9),
        calibrated(QuantFormat.E4M3).computeAmax(AmaxMethod.PERCENTILE, 99.9));
  }

  @Test
  void entropyOnTheE4M3CellsKeepsMoreRangeThanUniformBins() {
    Nd4j.getRandom().setSeed(3);
    HistogramCalibrator uniform = HistogramCalibrator.builder().format(QuantFormat.E4M3).build();
    uniform.collect(Nd4j.rand(DataType.FLOAT, 50000));
    float max = uniform.edges().getFloat(uniform.edges().length() - 1);
    float amax = uniform.computeAmax(AmaxMethod.ENTROPY, 0).getFloat(0);
    assertTrue(amax >= 0.9f * max && amax <= max, "uniform data: amax " + amax + " of max " + max);
    // The E4M3 grid is logarithmic: small values keep their relative precision whatever the amax, so
    // clipping heavy tails buys less than on 128 uniform bins, and the amax stays larger.
    float fp8 = calibrated(QuantFormat.E4M3).computeAmax(AmaxMethod.ENTROPY, 0).getFloat(0);
    float int8 = calibrated(QuantFormat.INT).computeAmax(AmaxMethod.ENTROPY, 0).getFloat(0);
    assertTrue(fp8 > int8, "heavy tails: E4M3 amax " + fp8 + " vs int8 " + int8);
  }
}
