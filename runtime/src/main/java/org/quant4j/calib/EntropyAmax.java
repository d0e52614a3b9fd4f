package org.quant4j.calib;

import java.util.stream.IntStream;

/**
 * The entropy (KL divergence) amax of a histogram, as pytorch-quantization 2.2.1's
 * {@code _compute_amax_entropy}, after TensorRT's calibrator (Migacz, "8-bit Inference with
 * TensorRT", GTC 2017).
 *
 * <p>With {@code bins = hist}, {@code bins[0] = bins[1]}, and {@code nbins = 2^(numBits - 1 + unsigned)},
 * each candidate i (from {@code startBin} to {@code len(bins)} inclusive, every {@code stride}) maps
 * source bin j &lt; i to quant bin {@code floor(j * nbins / i)} (numpy's {@code digitize} against
 * {@code linspace(0, i, nbins + 1)}, whose values {@code k * i / nbins} are exact), spreads each quant
 * bin's total evenly over its non-empty source bins ({@code q}), takes {@code p = bins[:i]} with the
 * tail {@code sum(bins[i:])} added to its last bin, and scores {@code KL(p || q)} as
 * {@code scipy.stats.entropy} does (natural log, both normalised). The result is the edge of the
 * candidate with the smallest divergence, the LAST one on ties.
 *
 * <p>The reference is O(bins²). Here every candidate is scored in O(nbins) from prefix sums, using
 * {@code KL = (Σ p log p − Σ p log q) / P + log(Q / P)} (P the total, Q the mass below i), and only the
 * candidates within a hair (1e-9) of the best are re-scored exactly as the reference sums, element
 * by element with numpy's pairwise summation, so ties and near ties resolve as they do there. Each
 * candidate's score depends on nothing but the histogram, so large histograms score their candidates in
 * parallel.
 */
final class EntropyAmax {

  private static final double TOLERANCE = 1e-9;
  /** Histograms with this many candidates or more score them on every processor. */
  private static final int PARALLEL_CANDIDATES = 256;

  private EntropyAmax() {}

  /**
   * The chosen candidate bin i; the amax is {@code edges[i]}.
   *
   * @param hist the integer counts (not modified)
   * @param numBits the bit width, at least 1
   * @param unsigned whether unsigned
   * @param stride candidate stride, at least 1
   * @param startBin the first candidate, at least 1
   * @return i
   * @throws IllegalArgumentException if there is no candidate
   */
  static int chooseBin(double[] hist, int numBits, boolean unsigned, int stride, int startBin) {
    int n = hist.length;
    if (numBits < 1) {
      throw new IllegalArgumentException("numBits must be at least 1 for the entropy method, got " + numBits);
    }
    if (n < 2) {
      throw new IllegalArgumentException("the histogram must have at least 2 bins for the entropy method, got " + n);
    }
    if (startBin < 1 || startBin > n) {
      throw new IllegalArgumentException("startBin must be in [1, " + n + "] for the entropy method, got "
          + startBin);
    }
    long nbins = 1L << (numBits - 1 + (unsigned ? 1 : 0));
    double[] bins = hist.clone();
    bins[0] = bins[1];
    double[] cum = new double[n + 1];
    int[] nonzero = new int[n + 1];
    double[] plogp = new double[n + 1];
    for (int j = 0; j < n; j++) {
      double b = bins[j];
      cum[j + 1] = cum[j] + b;
      nonzero[j + 1] = nonzero[j] + (b != 0 ? 1 : 0);
      plogp[j + 1] = plogp[j] + (b > 0 ? b * Math.log(b) : 0);
    }
    double total = cum[n];
    int count = (n - startBin) / stride + 1;
    double[] fast = new double[count];
    // each candidate is scored on its own, so scoring them in parallel gives the same scores
    IntStream candidates = IntStream.range(0, count);
    (count >= PARALLEL_CANDIDATES ? candidates.parallel() : candidates).forEach(
        c -> fast[c] = fastDivergence(bins, cum, nonzero, plogp, total, startBin + c * stride, nbins));
    int lastNaN = -1;
    double min = Double.POSITIVE_INFINITY;
    for (int c = 0; c < count; c++) {
      if (Double.isNaN(fast[c])) {
        lastNaN = c;
      } else {
        min = Math.min(min, fast[c]);
      }
    }
    if (lastNaN >= 0) {
      return startBin + lastNaN * stride; // np.argmin takes a NaN as the minimum
    }
    if (min == Double.POSITIVE_INFINITY) {
      return startBin + (count - 1) * stride;
    }
    double cutoff = min + TOLERANCE * (1 + Math.abs(min));
    int best = -1;
    double bestKl = Double.POSITIVE_INFINITY;
    for (int c = 0; c < count; c++) {
      if (fast[c] <= cutoff) {
        int i = startBin + c * stride;
        double kl = exactDivergence(bins, total, i, nbins);
        if (best < 0 || kl <= bestKl) {
          best = i;
          bestKl = kl;
        }
      }
    }
    return best;
  }

  /** First index of quant bin k among i source bins: ceil(k * i / nbins). */
  private static int bucketStart(long k, int i, long nbins) {
    return (int) ((k * i + nbins - 1) / nbins);
  }

  private static double fastDivergence(double[] bins, double[] cum, int[] nonzero, double[] plogp,
      double total, int i, long nbins) {
    double q = cum[i];
    double tail = total - q;
    double last = bins[i - 1];
    if (total == 0 || q == 0) {
      return Double.NaN;
    }
    if (last == 0 && tail > 0) {
      return Double.POSITIVE_INFINITY;
    }
    double pLogQ;
    double lastQ;
    if (nbins >= i) {
      pLogQ = plogp[i];
      lastQ = last;
    } else {
      pLogQ = 0;
      lastQ = 0;
      int start = 0;
      for (long k = 0; k < nbins; k++) {
        int end = bucketStart(k + 1, i, nbins);
        int z = nonzero[end] - nonzero[start];
        if (z > 0) {
          double s = cum[end] - cum[start];
          double qv = s / z;
          pLogQ += s * Math.log(qv);
          if (end == i) {
            lastQ = qv;
          }
        }
        start = end;
      }
    }
    if (tail > 0) {
      pLogQ += tail * Math.log(lastQ);
    }
    double pLast = last + tail;
    double pLogP = plogp[i - 1] + (pLast > 0 ? pLast * Math.log(pLast) : 0);
    return (pLogP - pLogQ) / total + Math.log(q / total);
  }

  /** The divergence summed as the reference does: element by element, numpy pairwise sums. */
  static double exactDivergence(double[] bins, double total, int i, long nbins) {
    double[] q = new double[i];
    double[] p = new double[i];
    int j = 0;
    for (long k = 0; k < nbins && j < i; k++) {
      int end = (int) Math.min(i, bucketStart(k + 1, i, nbins));
      double s = 0;
      int z = 0;
      for (int t = j; t < end; t++) {
        if (bins[t] != 0) {
          s += bins[t];
          z++;
        }
      }
      if (z > 0) {
        double v = s / z;
        for (int t = j; t < end; t++) {
          if (bins[t] != 0) {
            q[t] = v;
          }
        }
      }
      j = end;
    }
    double tail = 0;
    for (int t = i; t < bins.length; t++) {
      tail += bins[t];
    }
    System.arraycopy(bins, 0, p, 0, i);
    p[i - 1] += tail;
    double qSum = NumpyPairwiseSum.sum(q, 0, i);
    double[] rel = new double[i];
    for (int t = 0; t < i; t++) {
      double pk = p[t] / total;
      double qk = q[t] / qSum;
      if (pk > 0 && qk > 0) {
        rel[t] = pk * Math.log(pk / qk);
      } else if (pk == 0 && qk >= 0) {
        rel[t] = 0;
      } else {
        rel[t] = Double.POSITIVE_INFINITY;
      }
    }
    return NumpyPairwiseSum.sum(rel, 0, i);
  }
}
