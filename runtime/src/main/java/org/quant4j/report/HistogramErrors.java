package org.quant4j.report;

import org.quant4j.tensor.QuantGrid;

/**
 * Errors of an amax measured on a histogram of |x|, each bin standing for its centre, as the reference's
 * MSE calibrator measures them ({@code _compute_amax_mse}: the count-weighted mean of
 * {@code (fake_quant(center) - center)^2}). The clipped fraction counts the bins whose centre lies above
 * amax.
 */
final class HistogramErrors {

  private HistogramErrors() {}

  /**
   * @param counts the count per bin
   * @param edges the {@code counts.length + 1} bin edges
   * @return the total count
   */
  static double total(float[] counts, float[] edges) {
    double t = 0;
    for (float c : counts) {
      t += c;
    }
    return t;
  }

  /**
   * @param counts the count per bin
   * @param edges the bin edges
   * @param amax the clipping bound
   * @return the fraction of the counted values whose bin centre is above amax
   */
  static double clippedFraction(float[] counts, float[] edges, float amax) {
    double total = total(counts, edges);
    if (total == 0) {
      return 0;
    }
    double clipped = 0;
    for (int i = 0; i < counts.length; i++) {
      if ((edges[i] + edges[i + 1]) / 2 > amax) {
        clipped += counts[i];
      }
    }
    return clipped / total;
  }

  /**
   * @param counts the count per bin
   * @param edges the bin edges
   * @param grid the quantization grid
   * @param amax the clipping bound
   * @return the count-weighted mean of {@code (fakeQuantize(center) - center)^2}
   */
  static double mse(float[] counts, float[] edges, QuantGrid grid, float amax) {
    double total = total(counts, edges);
    if (total == 0) {
      return 0;
    }
    float scale = grid.scale(amax);
    double sum = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0) {
        continue;
      }
      float center = (edges[i] + edges[i + 1]) / 2;
      double d = grid.fakeQuantize(center, scale) - center;
      sum += counts[i] * d * d;
    }
    return sum / total;
  }
}
