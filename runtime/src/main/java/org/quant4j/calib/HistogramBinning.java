package org.quant4j.calib;

import java.nio.ByteBuffer;
import java.util.stream.IntStream;
import org.quant4j.tensor.internal.FloatLanes;
import org.quant4j.tensor.internal.HostKernels;

/**
 * One-pass kernels over the absolute values of a float32 buffer: their range, and their counts per
 * bin the way {@code torch.histc} and {@code np.histogram} assign them. Every value is read as
 * {@code |x|}; with {@code skipZeros} exact zeros are left out. No allocation per element; large
 * inputs are scanned in one part per processor, whose results are combined exactly. The element loops run
 * on the {@link HostKernels} this JVM uses (Vector API or scalar, the same counts).
 */
final class HistogramBinning {

  /** Parts start at multiples of this many values, whole vectors for every kernel. */
  private static final int ALIGN = 64;
  /**
   * Interleaved counters per bin, one per position of an element modulo 8: increments of one bin by
   * neighbouring elements (ReLU zeros, small values) go to different counters and need not wait for each other.
   */
  private static final int WAYS = 8;
  /** torch.histc accumulates float32 counts: a bin stops growing at 2^24. */
  private static final int FLOAT_COUNT_LIMIT = 1 << 24;
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
    HostKernels kernels = HostKernels.get();
    float[] minMax = new float[2];
    return FloatLanes.scan(v, from, to, NO_VALUES, (lanes, a, b, r) -> {
      long kept = kernels.absRange(lanes, a, b, skipZeros, minMax);
      return combine(r, new Range(minMax[0], minMax[1], kept));
    });
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
    HostKernels kernels = HostKernels.get();
    return FloatLanes.scan(v, from, to, new int[(nbins + 1) * WAYS], (lanes, a, b, ways) -> {
      kernels.histc(lanes, a, b, lo, hi, nbins, skipZeros, inRange, ways, WAYS);
      return ways;
    });
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
    return (int) ((long) n * part / partCount(n)) & ~(ALIGN - 1);
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
