package org.quant4j.calib;

import org.quant4j.tensor.E4M3FakeQuant;
import org.quant4j.tensor.QuantGrid;
import org.quant4j.tensor.TorchFloatSum;

/**
 * The MSE amax of a histogram, as pytorch-quantization 2.2.1's {@code _compute_amax_mse}: with
 * float32 counts and bin centers {@code (e[k+1] + e[k]) / 2}, for each candidate bin i (from
 * {@code startBin}, every {@code stride}) fake-quantize every center with amax {@code centers[i]} on
 * the narrow-range grid, and take {@code mean((q - c)^2 * count)} in float32, summed in torch's order
 * ({@link TorchFloatSum}) and divided by the number of bins. The result is the center of the first
 * candidate with the smallest mean.
 *
 * <p>The quantize step is {@link QuantGrid#fakeQuantize}'s formula, vectorized: with the scale
 * {@code maxBound / amax}, {@code rint(clamp(c * scale))} is done with the 1.5·2^23 trick (exact for
 * |v| below 2^22, which clamping to at most 2^15 guarantees), then divided by the scale; the loop is
 * plain Java that the JIT vectorizes.
 */
final class MseAmax {

  private static final float ROUNDER = 12582912f; // 1.5 * 2^23

  private MseAmax() {}

  /**
   * The MSE amax.
   *
   * @param counts the integer counts per bin
   * @param edges the edges (float32 values are used)
   * @param grid the quantization grid (narrow range)
   * @param stride candidate stride, at least 1
   * @param startBin the first candidate bin
   * @return the chosen center, float32
   * @throws IllegalArgumentException if there is no candidate bin
   */
  static float compute(double[] counts, double[] edges, QuantGrid grid, int stride, int startBin) {
    float lo = grid.minBound();
    float hi = grid.maxBound();
    return argmin(counts, edges, stride, startBin,
        (c, w, terms, n, amax) -> fillTerms(c, w, terms, n, grid.scale(amax), lo, hi));
  }

  /**
   * The MSE amax for FP8 E4M3: the same search, with every center fake-quantized onto the E4M3 grid
   * scaled by {@code 448 / centers[i]} ({@link E4M3FakeQuant#fakeQuantize(float, float)}).
   *
   * @param counts the integer counts per bin
   * @param edges the edges (float32 values are used)
   * @param stride candidate stride, at least 1
   * @param startBin the first candidate bin
   * @return the chosen center, float32
   * @throws IllegalArgumentException if there is no candidate bin
   */
  static float computeE4M3(double[] counts, double[] edges, int stride, int startBin) {
    return argmin(counts, edges, stride, startBin, (c, w, terms, n, amax) -> {
      float m = E4M3FakeQuant.multiplier(amax);
      float d = E4M3FakeQuant.divisor(amax);
      for (int k = 0; k < n; k++) {
        float e = E4M3FakeQuant.fakeQuantize(c[k], m, d) - c[k];
        terms[k] = e * e * w[k];
      }
    });
  }

  /** Fills {@code (fakeQuant(c) - c)^2 * w} for every bin, for one candidate amax. */
  @FunctionalInterface
  private interface Terms {
    void fill(float[] centers, float[] weights, float[] out, int n, float amax);
  }

  private static float argmin(double[] counts, double[] edges, int stride, int startBin, Terms terms) {
    int n = Math.min(counts.length, edges.length - 1);
    if (startBin >= n) {
      throw new IllegalArgumentException("startBin must be below the number of bins " + n
          + ", got " + startBin);
    }
    float[] c = new float[n];
    float[] w = new float[n];
    for (int k = 0; k < n; k++) {
      c[k] = ((float) edges[k + 1] + (float) edges[k]) / 2f;
      w[k] = (float) counts[k];
    }
    float[] out = new float[n];
    float[] scratch = new float[128];
    int best = -1;
    float bestMse = Float.NaN;
    for (int i = startBin; i < n; i += stride) {
      terms.fill(c, w, out, n, c[i]);
      float mse = TorchFloatSum.sum(out, n, scratch) / (float) n;
      // np.argmin: the first minimum, and a NaN counts as the minimum
      if (best < 0 || (!Float.isNaN(bestMse) && (Float.isNaN(mse) || mse < bestMse))) {
        best = i;
        bestMse = mse;
      }
    }
    return c[best];
  }

  /**
   * {@code (fakeQuant(c) - c)^2 * w} for every bin: {@code rint(clamp(c * scale))} by the 1.5·2^23
   * trick, then divided by the scale. A plain loop the JIT vectorizes; with scale 0 (amax at most
   * 2^-24) every q is 0, as {@link QuantGrid#fakeQuantize} gives.
   */
  private static void fillTerms(float[] c, float[] w, float[] out, int n, float scale, float lo,
      float hi) {
    if (scale == 0f) {
      for (int k = 0; k < n; k++) {
        float d = -c[k];
        out[k] = d * d * w[k];
      }
      return;
    }
    for (int k = 0; k < n; k++) {
      float x = c[k];
      float v = Math.min(Math.max(x * scale, lo), hi);
      float d = ((v + ROUNDER) - ROUNDER) / scale - x;
      out[k] = d * d * w[k];
    }
  }
}
