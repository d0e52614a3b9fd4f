package org.quant4j.calib;

import org.quant4j.tensor.E4M3;

/**
 * The entropy (KL divergence) amax of a histogram for FP8 E4M3: the reference's TensorRT-style search
 * ({@link EntropyAmax}) with the quantization cells of the scaled E4M3 grid in place of
 * {@code 2^(numBits - 1)} uniform quant bins.
 *
 * <p>With {@code bins = hist}, {@code bins[0] = bins[1]}, for each candidate i (from {@code startBin}
 * to {@code len(bins)} inclusive, every {@code stride}) the amax is {@code edges[i]}; source bin
 * {@code j < i} belongs to the E4M3 cell its center rounds to after scaling by {@code 448 / edges[i]}
 * ({@link E4M3#encode}); each cell's total is spread evenly over its non-empty source bins
 * ({@code q}); {@code p = bins[:i]} with the tail {@code sum(bins[i:])} added to its last bin; the
 * score is {@code KL(p || q)} with both normalised and the natural log, as {@code scipy.stats.entropy}.
 * The result is the candidate with the smallest divergence, the last one on ties, as in the reference.
 * An E4M3 grid is logarithmic, so its cells are narrow near 0 and wide near amax: the search weighs
 * the clipping of the tail against the coarse top binades, where a uniform 128-bin grid would not.
 * The search is O(bins²), about 2·10^6 cell lookups for 2048 bins.
 */
final class E4M3EntropyAmax {

  private E4M3EntropyAmax() {}

  /**
   * The chosen candidate bin i; the amax is {@code edges[i]}.
   *
   * @param hist the integer counts (not modified)
   * @param edges the bin edges, one more than the counts
   * @param stride candidate stride, at least 1
   * @param startBin the first candidate, at least 1
   * @return i
   * @throws IllegalArgumentException if there is no candidate
   */
  static int chooseBin(double[] hist, double[] edges, int stride, int startBin) {
    int n = hist.length;
    if (n < 2) {
      throw new IllegalArgumentException("the histogram must have at least 2 bins for the entropy method, got " + n);
    }
    if (startBin < 1 || startBin > n) {
      throw new IllegalArgumentException("startBin must be in [1, " + n + "] for the entropy method, got "
          + startBin);
    }
    double[] bins = hist.clone();
    bins[0] = bins[1];
    double[] tail = new double[n + 1];
    for (int j = n - 1; j >= 0; j--) {
      tail[j] = tail[j + 1] + bins[j];
    }
    float[] centers = new float[n];
    for (int j = 0; j < n; j++) {
      centers[j] = (float) ((edges[j] + edges[j + 1]) / 2);
    }
    double[] q = new double[n];
    int best = -1;
    double bestKl = Double.NaN;
    for (int i = startBin; i <= n; i += stride) {
      double kl = divergence(bins, tail, centers, i, E4M3.MAX / (float) edges[i], q);
      if (best < 0 || kl <= bestKl || Double.isNaN(bestKl)) {
        best = i;
        bestKl = kl;
      }
    }
    return best;
  }

  /** KL(p || q) for candidate i; q is scratch space. */
  private static double divergence(double[] bins, double[] tail, float[] centers, int i, float scale, double[] q) {
    int start = 0;
    int cell = E4M3.encode(centers[0] * scale);
    for (int j = 1; j <= i; j++) {
      int c = j < i ? E4M3.encode(centers[j] * scale) : -1;
      if (c != cell) {
        spread(bins, q, start, j);
        start = j;
        cell = c;
      }
    }
    double pTotal = tail[0];
    double qTotal = tail[0] - tail[i];
    double kl = 0;
    for (int j = 0; j < i; j++) {
      double p = j == i - 1 ? bins[j] + tail[i] : bins[j];
      if (p == 0) {
        continue;
      }
      if (q[j] == 0) {
        return Double.POSITIVE_INFINITY;
      }
      kl += p / pTotal * Math.log((p / pTotal) / (q[j] / qTotal));
    }
    return kl;
  }

  /** Spreads the total of source bins [from, to) evenly over the non-empty ones. */
  private static void spread(double[] bins, double[] q, int from, int to) {
    double total = 0;
    int nonEmpty = 0;
    for (int j = from; j < to; j++) {
      total += bins[j];
      nonEmpty += bins[j] != 0 ? 1 : 0;
    }
    for (int j = from; j < to; j++) {
      q[j] = bins[j] != 0 ? total / nonEmpty : 0;
    }
  }
}
