package org.quant4j.calib;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One-pass kernels over the absolute values of a float32 buffer: their range, and their counts per
 * bin the way {@code torch.histc} and {@code np.histogram} assign them. Every value is read as
 * {@code |x|}; with {@code skipZeros} exact zeros are left out. No allocation per element.
 */
final class HistogramBinning {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final int L = F.length();
  /** Interleaved counters per bin, so consecutive increments rarely hit the same counter. */
  private static final int WAYS = 4;
  /** torch.histc accumulates float32 counts: a bin stops growing at 2^24. */
  private static final int FLOAT_COUNT_LIMIT = 1 << 24;

  private HistogramBinning() {}

  /**
   * The range of the values a histogram sees.
   *
   * @param min the smallest kept |x| (+inf when none)
   * @param max the largest kept |x| (-inf when none, NaN when any x is NaN)
   * @param kept how many values are kept
   */
  record Range(float min, float max, long kept) {}

  /**
   * The min, max and count of |x| over the buffer, leaving out zeros if asked.
   *
   * @param v native-order float32 values
   * @param n how many
   * @param skipZeros whether zeros are left out
   * @return the range; max is NaN when any value is NaN
   */
  static Range range(ByteBuffer v, int n, boolean skipZeros) {
    FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    FloatVector vmin = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
    FloatVector inf = vmin;
    long zeros = 0;
    int i = 0;
    int upper = F.loopBound(n);
    for (; i < upper; i += L) {
      FloatVector a = FloatVector.fromByteBuffer(F, v, 4 * i, ByteOrder.nativeOrder()).abs();
      vmax = vmax.max(a);
      if (skipZeros) {
        VectorMask<Float> zero = a.compare(VectorOperators.EQ, 0f);
        zeros += zero.trueCount();
        vmin = vmin.min(a.blend(inf, zero));
      } else {
        vmin = vmin.min(a);
      }
    }
    float max = vmax.reduceLanes(VectorOperators.MAX);
    float min = vmin.reduceLanes(VectorOperators.MIN);
    for (; i < n; i++) {
      float a = Math.abs(v.getFloat(4 * i));
      max = Math.max(max, a);
      if (skipZeros && a == 0f) {
        zeros++;
      } else {
        min = Math.min(min, a);
      }
    }
    return new Range(min, max, n - zeros);
  }

  /**
   * {@code torch.histc(|x|, nbins, lo, hi)} of torch 1.13 on CPU: a value in [lo, hi] goes to bin
   * {@code (long) (((x - lo) / (hi - lo)) * nbins)} computed in float32 (divide first), hi itself to
   * the last bin; values outside [lo, hi] are skipped. Counts saturate at 2^24 as torch's float32
   * accumulation does.
   *
   * @param v native-order float32 values
   * @param n how many
   * @param lo the low end of the range (float32)
   * @param hi the high end, greater than lo
   * @param nbins the number of bins
   * @param skipZeros whether zeros are left out
   * @return the float32 counts
   */
  static float[] torchHistc(ByteBuffer v, int n, float lo, float hi, int nbins, boolean skipZeros) {
    int[] ways = new int[(nbins + 1) * WAYS];
    int sentinel = nbins;
    float width = hi - lo;
    float bins = (float) nbins;
    int[] idx = new int[L];
    int i = 0;
    int upper = F.loopBound(n);
    FloatVector zero = FloatVector.zero(F);
    for (; i < upper; i += L) {
      FloatVector a = FloatVector.fromByteBuffer(F, v, 4 * i, ByteOrder.nativeOrder()).abs();
      FloatVector f = a.sub(lo).div(width).mul(bins).max(zero).min(bins);
      IntVector b = (IntVector) f.convertShape(VectorOperators.F2I, I, 0);
      b = b.min(nbins - 1);
      VectorMask<Float> out = a.compare(VectorOperators.LT, lo).or(a.compare(VectorOperators.GT, hi));
      if (skipZeros) {
        out = out.or(a.compare(VectorOperators.EQ, 0f));
      }
      b = b.blend(sentinel, out.cast(I));
      b.intoArray(idx, 0);
      for (int j = 0; j < L; j++) {
        ways[idx[j] * WAYS + (j & (WAYS - 1))]++;
      }
    }
    for (; i < n; i++) {
      float a = Math.abs(v.getFloat(4 * i));
      if (!(a >= lo && a <= hi) || (skipZeros && a == 0f)) {
        continue;
      }
      int pos = (int) (((a - lo) / width) * bins);
      ways[Math.min(pos, nbins - 1) * WAYS]++;
    }
    float[] counts = new float[nbins];
    for (int b = 0; b < nbins; b++) {
      int c = 0;
      for (int w = 0; w < WAYS; w++) {
        c += ways[b * WAYS + w];
      }
      counts[b] = Math.min(c, FLOAT_COUNT_LIMIT);
    }
    return counts;
  }

  /**
   * {@code np.histogram(|x|, bins=n)} counts over float32 edges from {@code first} to {@code last}
   * (numpy 1.24's equal-bin path: a float32 index estimate corrected against the edges, so a value
   * lands where the edges say: {@code edges[j] <= x < edges[j+1]}, the last bin closed).
   *
   * @param v native-order float32 values
   * @param n how many
   * @param first the low end as numpy holds it
   * @param last the high end as numpy holds it
   * @param edges the float32 edges, {@code nbins + 1} of them
   * @param skipZeros whether zeros are left out
   * @return the counts
   */
  static long[] numpyUniform(ByteBuffer v, int n, double first, double last, float[] edges,
      boolean skipZeros) {
    int nbins = edges.length - 1;
    long[] counts = new long[nbins];
    float lo = (float) first;
    float hi = (float) last;
    float denom = (float) (last - first);
    float bins = (float) nbins;
    for (int i = 0; i < n; i++) {
      float a = Math.abs(v.getFloat(4 * i));
      if (!(a >= lo && a <= hi) || (skipZeros && a == 0f)) {
        continue;
      }
      int pos = (int) (((a - lo) / denom) * bins);
      if (pos == nbins) {
        pos--;
      }
      if (a < edges[pos]) {
        pos--;
      }
      if (pos != nbins - 1 && a >= edges[pos + 1]) {
        pos++;
      }
      counts[pos]++;
    }
    return counts;
  }

  /**
   * {@code np.histogram(|x|, bins=edges)} for increasing edges: a value goes to the bin j with
   * {@code edges[j] <= x < edges[j+1]}, the last bin closed; values outside are dropped.
   *
   * @param v native-order float32 values
   * @param n how many
   * @param edges the edges, increasing, at least 2
   * @param skipZeros whether zeros are left out
   * @return the counts
   */
  static long[] numpyEdges(ByteBuffer v, int n, double[] edges, boolean skipZeros) {
    int nbins = edges.length - 1;
    long[] counts = new long[nbins];
    double lo = edges[0];
    double hi = edges[nbins];
    double perBin = nbins / (hi - lo);
    for (int i = 0; i < n; i++) {
      double a = Math.abs(v.getFloat(4 * i));
      if (!(a >= lo && a <= hi) || (skipZeros && a == 0.0)) {
        continue;
      }
      int pos = (int) Math.min(nbins - 1, Math.max(0, (a - lo) * perBin));
      while (pos > 0 && a < edges[pos]) {
        pos--;
      }
      while (pos < nbins - 1 && a >= edges[pos + 1]) {
        pos++;
      }
      counts[pos]++;
    }
    return counts;
  }
}
