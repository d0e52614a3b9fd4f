package org.quant4j.calib;

import java.nio.ByteBuffer;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.quant4j.tensor.FloatLanes;

/**
 * One-pass kernels over the absolute values of a float32 buffer: their range, and their counts per
 * bin the way {@code torch.histc} and {@code np.histogram} assign them. Every value is read as
 * {@code |x|}; with {@code skipZeros} exact zeros are left out. No allocation per element; large
 * inputs are scanned in one part per processor, whose results are combined exactly.
 */
final class HistogramBinning {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final int L = F.length();
  /** Interleaved counters per bin, so consecutive increments rarely hit the same counter. */
  private static final int WAYS = 4;
  /** torch.histc accumulates float32 counts: a bin stops growing at 2^24. */
  private static final int FLOAT_COUNT_LIMIT = 1 << 24;
  private static final float TWO_23 = 8388608f;
  private static final int MANTISSA = (1 << 23) - 1;
  private static final int EXACT_FLOAT_INDEX = 1 << 22;
  /** Scans below this many values run on the calling thread. */
  private static final int PARALLEL_THRESHOLD = 1 << 20;
  private static final int THREADS = Math.max(1,
      Integer.getInteger("quant4j.kernel.threads", Runtime.getRuntime().availableProcessors()));

  private HistogramBinning() {}

  /**
   * The range of the values a histogram sees.
   *
   * @param min the smallest kept |x| (+inf when none)
   * @param max the largest kept |x| (-inf when none, NaN when any x is NaN)
   * @param kept how many values are kept
   */
  record Range(float min, float max, long kept) {}

  /** The range of no values, the identity of {@link #combine}. */
  private static final Range NO_VALUES = new Range(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0);

  /**
   * The min, max and count of |x| over the buffer, leaving out zeros if asked.
   *
   * @param v native-order float32 values
   * @param n how many
   * @param skipZeros whether zeros are left out
   * @return the range; max is NaN when any value is NaN
   */
  static Range range(ByteBuffer v, int n, boolean skipZeros) {
    return parts(n).mapToObj(p -> rangeOf(v, from(n, p), to(n, p), skipZeros))
        .reduce(HistogramBinning::combine).orElseThrow();
  }

  private static Range combine(Range a, Range b) {
    float max = (a.max() != a.max() || b.max() != b.max()) ? Float.NaN : Math.max(a.max(), b.max());
    return new Range(Math.min(a.min(), b.min()), max, a.kept() + b.kept());
  }

  private static Range rangeOf(ByteBuffer v, int from, int to, boolean skipZeros) {
    return FloatLanes.scan(v, from, to, NO_VALUES, (lanes, a, b, r) -> combine(r, rangeOf(lanes, a, b, skipZeros)));
  }

  private static Range rangeOf(FloatLanes v, int from, int to, boolean skipZeros) {
    FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    FloatVector vmin = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
    FloatVector inf = vmin;
    long zeros = 0;
    int i = from;
    int upper = from + F.loopBound(to - from);
    for (; i < upper; i += L) {
      FloatVector a = v.load(F, i).abs();
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
    for (; i < to; i++) {
      float a = Math.abs(v.get(i));
      max = Math.max(max, a);
      if (skipZeros && a == 0f) {
        zeros++;
      } else {
        min = Math.min(min, a);
      }
    }
    return new Range(min, max, to - from - zeros);
  }

  /**
   * {@code torch.histc(|x|, nbins, lo, hi)} of torch 1.13 on CPU: a value in [lo, hi] goes to bin
   * {@code (long) (((x - lo) / (hi - lo)) * nbins)} computed in float32 (divide first), hi itself to
   * the last bin; values outside [lo, hi] are skipped. Counts saturate at 2^24 as torch's float32
   * accumulation does.
   *
   * @param v native-order float32 values
   * @param n how many
   * @param range the values' range from {@link #range} (lets the scan skip range checks)
   * @param lo the low end of the range (float32)
   * @param hi the high end, greater than lo
   * @param nbins the number of bins
   * @param skipZeros whether zeros are left out
   * @return the float32 counts
   */
  static float[] torchHistc(ByteBuffer v, int n, Range range, float lo, float hi, int nbins,
      boolean skipZeros) {
    boolean inRange = !skipZeros && range.min() >= lo && range.max() <= hi;
    int[] ways = parts(n)
        .mapToObj(p -> histcWays(v, from(n, p), to(n, p), lo, hi, nbins, skipZeros, inRange))
        .reduce(HistogramBinning::sum).orElseThrow();
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

  private static int[] sum(int[] a, int[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  /** The per-bin counters, WAYS per bin plus a sentinel bin, of values [from, to). */
  private static int[] histcWays(ByteBuffer v, int from, int to, float lo, float hi, int nbins,
      boolean skipZeros, boolean inRange) {
    int[] idx = new int[L];
    return FloatLanes.scan(v, from, to, new int[(nbins + 1) * WAYS],
        (lanes, a, b, ways) -> histcWays(lanes, a, b, lo, hi, nbins, skipZeros, inRange, ways, idx));
  }

  /** Adds the values [from, to) to the per-bin counters. */
  private static int[] histcWays(FloatLanes v, int from, int to, float lo, float hi, int nbins,
      boolean skipZeros, boolean inRange, int[] ways, int[] idx) {
    int sentinel = nbins;
    float width = hi - lo;
    float bins = (float) nbins;
    int i = from;
    int upper = from + F.loopBound(to - from);
    if (nbins >= EXACT_FLOAT_INDEX) {
      upper = from; // the float index trick below needs bin numbers below 2^22
    }
    FloatVector zero = FloatVector.zero(F);
    float last = nbins - 1;
    for (; i < upper; i += L) {
      FloatVector a = v.load(F, i).abs();
      FloatVector f = a.sub(lo).div(width).mul(bins).max(zero).min(last);
      // floor(f) as a float: round to nearest by the 2^23 trick, minus one where that rounded up
      FloatVector r = f.add(TWO_23).sub(TWO_23);
      r = r.sub(1f, r.compare(VectorOperators.GT, f));
      if (!inRange) {
        VectorMask<Float> out = a.compare(VectorOperators.LT, lo).or(a.compare(VectorOperators.GT, hi));
        if (skipZeros) {
          out = out.or(a.compare(VectorOperators.EQ, 0f));
        }
        r = r.blend(sentinel, out);
      }
      // an integer-valued float in [0, 2^22] plus 2^23 holds that integer in its mantissa bits
      r.add(TWO_23).reinterpretAsInts().and(MANTISSA).intoArray(idx, 0);
      for (int j = 0; j < L; j++) {
        ways[idx[j] * WAYS + (j & (WAYS - 1))]++;
      }
    }
    for (; i < to; i++) {
      float a = Math.abs(v.get(i));
      if (!(a >= lo && a <= hi) || (skipZeros && a == 0f)) {
        continue;
      }
      int pos = (int) (((a - lo) / width) * bins);
      ways[Math.min(pos, nbins - 1) * WAYS]++;
    }
    return ways;
  }

  /**
   * The parts a scan of n values is split into: one per available processor for large inputs (each
   * part's result is combined afterwards, so the split never changes a result), else one.
   */
  private static IntStream parts(int n) {
    int parts = partCount(n);
    IntStream s = IntStream.range(0, parts);
    return parts > 1 ? s.parallel() : s;
  }

  private static int partCount(int n) {
    return (int) Math.max(1, Math.min(THREADS, n / PARALLEL_THRESHOLD));
  }

  private static int from(int n, int part) {
    return (int) ((long) n * part / partCount(n)) & ~(L - 1);
  }

  private static int to(int n, int part) {
    return part == partCount(n) - 1 ? n : from(n, part + 1);
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
