package org.quant4j.calib;

/**
 * The percentile amax of a histogram, as pytorch-quantization 2.2.1's
 * {@code _compute_amax_percentile}: {@code cdf = cumsum(hist / total)} in float64, the first bin whose
 * cdf reaches {@code percentile / 100} (numpy's {@code searchsorted}, side left), and that bin's LEFT
 * edge. When round-off keeps the cdf below the target (e.g. 100), the result is the last edge.
 */
final class PercentileAmax {

  private PercentileAmax() {}

  /**
   * Checks a percentile.
   *
   * @param percentile the percentile
   * @throws IllegalArgumentException if it is outside [0, 100] or NaN
   */
  static void checkPercentile(double percentile) {
    if (!(percentile >= 0 && percentile <= 100)) {
      throw new IllegalArgumentException(
          "percentile must be in [0, 100], got " + percentile);
    }
  }

  /**
   * The percentile amax.
   *
   * @param counts the integer counts per bin
   * @param edges the edges, {@code counts.length + 1} of them
   * @param percentile in [0, 100]
   * @return the edge, as float32
   */
  static float compute(double[] counts, double[] edges, double percentile) {
    checkPercentile(percentile);
    double total = 0;
    for (double c : counts) {
      total += c;
    }
    double target = percentile / 100;
    double cdf = 0;
    int idx = 0;
    for (; idx < counts.length; idx++) {
      cdf += counts[idx] / total;
      if (cdf >= target) {
        break;
      }
    }
    return (float) edges[Math.min(idx, edges.length - 1)];
  }
}
