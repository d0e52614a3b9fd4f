package org.quant4j.calib;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.quant4j.tensor.QuantGrid;

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
 * |v| below 2^22, which clamping to at most 2^15 guarantees), then divided by the scale.
 */
final class MseAmax {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
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
    float[] terms = new float[n];
    float[] scratch = new float[128];
    float lo = grid.minBound();
    float hi = grid.maxBound();
    int best = -1;
    float bestMse = Float.NaN;
    for (int i = startBin; i < n; i += stride) {
      float scale = grid.scale(c[i]);
      fillTerms(c, w, terms, n, scale, lo, hi, grid);
      float mse = TorchFloatSum.sum(terms, n, scratch) / (float) n;
      // np.argmin: the first minimum, and a NaN counts as the minimum
      if (best < 0 || (!Float.isNaN(bestMse) && (Float.isNaN(mse) || mse < bestMse))) {
        best = i;
        bestMse = mse;
      }
    }
    return c[best];
  }

  private static void fillTerms(float[] c, float[] w, float[] out, int n, float scale, float lo,
      float hi, QuantGrid grid) {
    int k = 0;
    if (scale != 0f) {
      int upper = F.loopBound(n);
      for (; k < upper; k += F.length()) {
        FloatVector x = FloatVector.fromArray(F, c, k);
        FloatVector q = x.mul(scale).max(lo).min(hi).add(ROUNDER).sub(ROUNDER).div(scale);
        FloatVector d = q.sub(x);
        d.mul(d).mul(FloatVector.fromArray(F, w, k)).intoArray(out, k);
      }
    }
    for (; k < n; k++) {
      float d = grid.fakeQuantize(c[k], scale) - c[k];
      out[k] = d * d * w[k];
    }
  }
}
