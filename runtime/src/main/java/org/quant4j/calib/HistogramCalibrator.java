package org.quant4j.calib;

import java.lang.ref.Reference;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.tensor.QuantFormat;
import org.quant4j.tensor.internal.HostMemory;

/**
 * Collects a histogram of {@code |x|} and chooses amax from it by percentile, MSE or entropy: the Java
 * {@code HistogramCalibrator} of pytorch-quantization 2.2.1, bit-exact with its CPU path (golden
 * {@code SEMANTICS.md} section 5). Per tensor only.
 *
 * <p><b>torch path</b> (default, {@code torchHist}): the first batch gives
 * {@code histc(|x|, numBins, 0, max)} with float32 counts and the edges
 * {@code linspace(0, max, numBins + 1)}; the range always starts at 0. A later batch whose max exceeds
 * the last edge grows the histogram at constant bin width w: {@code numBins = ceil(max / w)} (kept for
 * later batches) and the edges become {@code arange(0, max + w, w)}. Every later batch is binned by
 * {@code histc(|x|, numBins, 0, lastEdge)} and the old counts are added to its first bins, so old and
 * new bins line up only approximately, as in the reference. An all-zero first batch leaves zero-width
 * bins that cannot grow: a later non-zero batch is rejected.
 *
 * <p><b>numpy path</b> ({@code torchHist(false)}): the first batch is {@code np.histogram(|x|, numBins)}
 * over [min, max] (not 0) with float32 edges; growth appends {@code np.arange} edges (float64 from then
 * on) and later batches are binned against the edges exactly; values below the first edge are
 * dropped. The entropy method overwrites the stored first count with the second, as the reference
 * does on this path.
 *
 * <p><b>Fixed grid</b> ({@link HistogramGrid#FIXED}, torch path only, not the reference's default): a first
 * pass after {@link #measureRange()} only records the largest {@code |x|}; {@link #fixGrid(float)} then
 * fixes the grid to {@code linspace(0, max, numBins + 1)} and every later batch is binned by
 * {@code histc(|x|, numBins, 0, max)} (the same kernel) with its counts added bin by bin as exact
 * integers. Histograms of disjoint data on one fixed grid {@link #merge} exactly, whatever the split and
 * the order.
 *
 * <p>NaN input is rejected on both paths (the reference raises on the torch path and on a numpy first
 * batch).
 *
 * <p><b>Device memory.</b> {@link #collect} always bins on the host: a tensor in device memory (the
 * CUDA backend, see {@code ComputeBackend}) is read through {@code HostFloats}, i.e. ND4J brings the
 * whole buffer to its host mirror (a float32 copy when the data type differs). For 16M float32 values
 * that is 64 MiB over PCIe, about 3 to 5 ms at 12 to 25 GB/s, per collected batch. An exact on-device
 * histogram is not done because the bins must be torch's bit for bit: {@code histc} computes the
 * index as {@code (long) (((x - lo) / (hi - lo)) * nbins)} in float32, dividing first, and counts in
 * float32 (a bin stops at 2^24). ND4J's {@code HistogramFixedWidth} (TensorFlow's op) divides by a
 * precomputed bin width {@code (hi - lo) / nbins} in libnd4j's helper, clamps out-of-range values into
 * the end bins and counts in integers; {@code Histogram} takes its range from the data's own min and
 * max. Values near a bin edge would land in another bin, so the counts (and the amax chosen from
 * them) would differ. Doing it on the device needs a custom kernel with torch's formula (e.g.
 * compiled with NVRTC).
 */
public final class HistogramCalibrator extends Calibrator {

  /** The reference's default number of bins. */
  public static final int DEFAULT_BINS = 2048;
  /** The reference's default first candidate bin of MSE and entropy. */
  public static final int DEFAULT_START_BIN = 128;
  /** The reference's default percentile. */
  public static final double DEFAULT_PERCENTILE = 99.99;

  private final int configuredBins;
  private final QuantFormat format;
  private final boolean skipZeros;
  private final boolean torchHist;

  private int numBins;
  /** Counts per bin (integers: float32 values on the torch path, int64 on the numpy path); null = no data. */
  private double[] counts;
  private double[] edges;
  private boolean edgesFloat32;
  /** Whether collect only records the range (the first pass of the fixed grid). */
  private boolean measuring;
  /** The largest kept |x| since {@link #measureRange()}. */
  private float rangeMax = Float.NEGATIVE_INFINITY;
  /** The max of the fixed grid; NaN while the grid grows (the reference's way). */
  private float fixedMax = Float.NaN;

  private HistogramCalibrator(Builder b) {
    super(b.numBits, b.axis, b.unsigned);
    if (b.axis.length != 0) {
      throw new IllegalArgumentException("axis must be empty (per tensor): histogram calibration only "
          + "supports per tensor scaling, got " + Arrays.toString(b.axis));
    }
    if (b.numBins < 1) {
      throw new IllegalArgumentException("numBins must be at least 1, got " + b.numBins);
    }
    if (b.format == null) {
      throw new IllegalArgumentException("format must be INT or E4M3, got null");
    }
    this.configuredBins = b.numBins;
    this.format = b.format;
    this.numBins = b.numBins;
    this.skipZeros = b.skipZeros;
    this.torchHist = b.torchHist;
  }

  /**
   * A builder with the reference's defaults: 8 bits, signed, 2048 bins, zeros kept, torch path.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The number of bins the next batch is binned into: the configured number until the torch path
   * grows the histogram, then the grown number (the reference's {@code _num_bins}).
   *
   * @return the current number of bins
   */
  public int numBins() {
    return numBins;
  }

  /**
   * The number of bins configured at construction.
   *
   * @return numBins as built
   */
  public int configuredBins() {
    return configuredBins;
  }

  /**
   * Whether exact zeros are left out of the histogram.
   *
   * @return skipZeros
   */
  public boolean skipZeros() {
    return skipZeros;
  }

  /**
   * Whether the torch ({@code histc}) path is used rather than the numpy one.
   *
   * @return torchHist
   */
  public boolean torchHist() {
    return torchHist;
  }

  /**
   * The counts per bin: float32 on the torch path, int64 on the numpy path, as the reference holds
   * them, and int64 on a {@linkplain #fixGrid(float) fixed grid} (whose exact counts may pass 2^24).
   *
   * @return a new 1-D array
   * @throws IllegalArgumentException if nothing was collected
   */
  public INDArray histogram() {
    requireData();
    if (torchHist && fixedMax != fixedMax) {
      float[] f = new float[counts.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) counts[i];
      }
      return Nd4j.createFromArray(f);
    }
    long[] l = new long[counts.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = (long) counts[i];
    }
    return Nd4j.createFromArray(l);
  }

  /**
   * The bin edges: float32, or float64 once the numpy path has grown, as the reference holds them.
   *
   * @return a new 1-D array
   * @throws IllegalArgumentException if nothing was collected
   */
  public INDArray edges() {
    requireData();
    if (edgesFloat32) {
      float[] f = new float[edges.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) edges[i];
      }
      return Nd4j.createFromArray(f);
    }
    return Nd4j.createFromArray(edges.clone());
  }

  /**
   * Replaces the collected state with a saved one, e.g. the {@link #histogram()}, {@link #edges()}
   * and {@link #numBins()} of a calibrator in another process. The edges' data type is kept (float32,
   * or float64 for a grown numpy-path histogram).
   *
   * @param histogram the counts per bin, non-negative integers, 1-D
   * @param edges the bin edges, non-decreasing, 1-D, at least 2
   * @param numBins the number of bins the next batch is binned into
   * @throws IllegalArgumentException if an argument is malformed
   */
  public void restore(INDArray histogram, INDArray edges, int numBins) {
    if (histogram == null || histogram.length() < 1 || histogram.rank() > 1) {
      throw new IllegalArgumentException("histogram must be a non-empty 1-D array, got "
          + (histogram == null ? "null" : Arrays.toString(histogram.shape())));
    }
    if (edges == null || edges.length() < 2 || edges.rank() > 1) {
      throw new IllegalArgumentException("edges must be a 1-D array of at least 2 values, got "
          + (edges == null ? "null" : Arrays.toString(edges.shape())));
    }
    if (numBins < 1) {
      throw new IllegalArgumentException("numBins must be at least 1, got " + numBins);
    }
    double[] c = histogram.castTo(DataType.DOUBLE).dup().data().asDouble();
    for (double v : c) {
      if (!(v >= 0) || v != Math.rint(v)) {
        throw new IllegalArgumentException("histogram must hold non-negative integer counts, got " + v);
      }
    }
    double[] e = edges.castTo(DataType.DOUBLE).dup().data().asDouble();
    for (int i = 1; i < e.length; i++) {
      if (!(e[i] >= e[i - 1])) {
        throw new IllegalArgumentException("edges must be non-decreasing, got edges[" + (i - 1) + "]="
            + e[i - 1] + " and edges[" + i + "]=" + e[i]);
      }
    }
    reset();
    this.counts = c;
    this.edges = e;
    this.edgesFloat32 = edges.dataType() != DataType.DOUBLE;
    this.numBins = numBins;
  }

  /**
   * Starts the first pass of the fixed grid ({@link HistogramGrid#FIXED}): forgets what was collected,
   * and until {@link #fixGrid(float)} or {@link #reset()}, {@link #collect} only records the largest
   * kept {@code |x|} ({@link #rangeMax()}) and bins nothing.
   *
   * @throws IllegalStateException on the numpy path (the fixed grid is the torch path's)
   */
  public void measureRange() {
    requireTorchPath();
    reset();
    measuring = true;
  }

  /**
   * The largest kept {@code |x|} collected since {@link #measureRange()}.
   *
   * @return the maximum, {@code -Infinity} when nothing was collected
   * @throws IllegalStateException if the calibrator is not measuring a range
   */
  public float rangeMax() {
    if (!measuring) {
      throw new IllegalStateException("the calibrator is not measuring a range: call measureRange() first");
    }
    return rangeMax;
  }

  /**
   * Forgets what was collected and fixes the grid to {@code linspace(0, max, numBins + 1)} with the
   * configured number of bins: every later batch is binned by {@code histc(|x|, numBins, 0, max)} and
   * its counts are added bin by bin as exact integers (not float32 as on the growing grid), so the
   * result does not depend on how the data was split into batches, calibrators or their order. A batch
   * reaching above {@code max} is refused.
   *
   * @param max the grid's high end: the largest {@code |x|} of all the data ({@link #rangeMax()},
   *     maximised over every part), finite and non-negative
   * @throws IllegalArgumentException if max is negative, NaN or infinite
   * @throws IllegalStateException on the numpy path
   */
  public void fixGrid(float max) {
    requireTorchPath();
    if (!(max >= 0) || Float.isInfinite(max)) {
      throw new IllegalArgumentException("max must be finite and non-negative, got " + max);
    }
    reset();
    fixedMax = max;
  }

  private void requireTorchPath() {
    if (!torchHist) {
      throw new IllegalStateException("a fixed histogram grid needs the torch path, but this calibrator was "
          + "built with torchHist(false)");
    }
  }

  /**
   * Adds the histogram of {@code |x|}.
   *
   * @param x the tensor, any floating type (read as float32)
   * @throws IllegalArgumentException if x is null, empty (or all zeros with {@code skipZeros}), or
   *     contains NaN
   * @throws IllegalStateException if an all-zero first batch left zero-width bins and x would grow
   *     the histogram
   */
  @Override
  public void collect(INDArray x) {
    if (x == null) {
      throw new IllegalArgumentException("x must be an array, got null");
    }
    HostMemory.Storage host = HostMemory.storage(x);
    try {
      collect(host.bytes(), (int) x.length(), x.shape());
    } finally {
      Reference.reachabilityFence(host.owner());
    }
  }

  private void collect(ByteBuffer v, int n, long[] shape) {
    HistogramBinning.Range r = HistogramBinning.range(v, n, skipZeros);
    if (Float.isNaN(r.max())) {
      throw new IllegalArgumentException(
          "x must not contain NaN (histogram range of [0, NaN] is not finite)");
    }
    if (Float.isInfinite(r.max())) {
      throw new IllegalArgumentException(
          "x must not contain infinity (histogram range of [0, inf] is not finite)");
    }
    if (r.kept() == 0 && (torchHist || counts != null)) {
      throw new IllegalArgumentException("x must have at least one " + (skipZeros ? "non-zero " : "")
          + "element, got shape " + Arrays.toString(shape));
    }
    if (measuring) {
      rangeMax = Math.max(rangeMax, r.max());
    } else if (fixedMax == fixedMax) {
      collectFixed(v, n, r);
    } else if (torchHist) {
      collectTorch(v, n, r);
    } else {
      collectNumpy(v, n, r);
    }
  }

  private void collectTorch(ByteBuffer v, int n, HistogramBinning.Range r) {
    float xMax = r.max();
    if (counts == null) {
      float[] hist = histc(v, n, xMax, numBins, r);
      float[] e = TorchRanges.linspace(0f, xMax, numBins + 1);
      counts = toDoubles(hist);
      edges = toDoubles(e);
      edgesFloat32 = true;
      return;
    }
    float last = (float) edges[edges.length - 1];
    if (xMax > last) {
      float width = (float) edges[1] - (float) edges[0];
      float bins = (float) Math.ceil(xMax / width);
      if (Float.isInfinite(bins) || bins > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("cannot grow a histogram whose bins have width " + width
            + " to reach " + xMax + " (the first batch was all zeros; reset() and collect again)");
      }
      float[] e = TorchRanges.arange((double) (xMax + width), (double) width);
      numBins = (int) bins;
      edges = toDoubles(e);
      last = e[e.length - 1];
    }
    float[] hist = histc(v, n, last, numBins, r);
    for (int i = 0; i < Math.min(hist.length, counts.length); i++) {
      hist[i] += (float) counts[i];
    }
    counts = toDoubles(hist);
  }

  private void collectFixed(ByteBuffer v, int n, HistogramBinning.Range r) {
    if (r.max() > fixedMax) {
      throw new IllegalArgumentException("x reaches |x| = " + r.max() + ", above the fixed grid's max "
          + fixedMax + "; fix the grid at the largest |x| of all the data");
    }
    float[] hist = histc(v, n, fixedMax, numBins, r);
    if (counts == null) {
      counts = new double[numBins];
      edges = toDoubles(TorchRanges.linspace(0f, fixedMax, numBins + 1));
      edgesFloat32 = true;
    }
    for (int i = 0; i < numBins; i++) {
      counts[i] += hist[i];
    }
  }

  /** histc(|x|, bins, min=0, max=hi), with torch's fallback to [min(x), max(x)] and then ±1 when 0 == hi. */
  private float[] histc(ByteBuffer v, int n, float hi, int bins, HistogramBinning.Range r) {
    float lo = 0f;
    if (hi == 0f && n > 0) {
      lo = r.min();
      hi = r.max();
    }
    if (lo == hi) {
      lo -= 1;
      hi += 1;
    }
    return HistogramBinning.torchHistc(v, n, r, lo, hi, bins, skipZeros);
  }

  private void collectNumpy(ByteBuffer v, int n, HistogramBinning.Range r) {
    if (counts == null) {
      double first = r.kept() == 0 ? 0 : r.min();
      double last = r.kept() == 0 ? 1 : r.max();
      if (first == last) {
        first -= 0.5;
        last += 0.5;
      }
      float[] e = NumpyRanges.linspaceFloat32(first, last, numBins + 1);
      counts = toDoubles(HistogramBinning.numpyUniform(v, n, first, last, e, skipZeros));
      edges = toDoubles(e);
      edgesFloat32 = true;
      return;
    }
    double last = edges[edges.length - 1];
    if (r.max() > last) {
      double[] grown;
      if (edgesFloat32) {
        float width = (float) edges[1] - (float) edges[0];
        grown = NumpyRanges.arangeOfFloats((float) last + width, r.max() + width, width);
      } else {
        double width = edges[1] - edges[0];
        grown = NumpyRanges.arangeOfDoubles(last + width, (double) r.max() + width, width);
      }
      double[] e = Arrays.copyOf(edges, edges.length + grown.length);
      System.arraycopy(grown, 0, e, edges.length, grown.length);
      edges = e;
      edgesFloat32 = false;
    }
    long[] hist = HistogramBinning.numpyEdges(v, n, edges, skipZeros);
    double[] merged = new double[hist.length];
    for (int i = 0; i < hist.length; i++) {
      merged[i] = hist[i] + (i < counts.length ? counts[i] : 0);
    }
    counts = merged;
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static double[] toDoubles(long[] l) {
    double[] d = new double[l.length];
    for (int i = 0; i < l.length; i++) {
      d[i] = l[i];
    }
    return d;
  }

  @Override
  public void reset() {
    counts = null;
    edges = null;
    numBins = configuredBins;
    measuring = false;
    rangeMax = Float.NEGATIVE_INFINITY;
    fixedMax = Float.NaN;
  }

  @Override
  public boolean hasData() {
    return counts != null;
  }

  /**
   * A histogram has no default method.
   *
   * @return never
   * @throws IllegalArgumentException always: use {@link #computeAmax(AmaxMethod, double)}
   */
  @Override
  public INDArray computeAmax() {
    throw new IllegalArgumentException("method must be given for a HistogramCalibrator: "
        + "computeAmax(AmaxMethod.PERCENTILE | MSE | ENTROPY, percentile)");
  }

  /**
   * The amax by a method with the reference's defaults: stride 1, start bin 128.
   *
   * @param method PERCENTILE, MSE or ENTROPY
   * @param percentile in [0, 100], used by PERCENTILE only
   * @return a new 0-dim float32 array
   * @throws IllegalArgumentException for MAX, a bad percentile, or no data
   */
  @Override
  public INDArray computeAmax(AmaxMethod method, double percentile) {
    return computeAmax(method, 1, DEFAULT_START_BIN, percentile);
  }

  /**
   * The amax by a method, as the reference's {@code compute_amax(method, stride=, start_bin=,
   * percentile=)}.
   *
   * @param method PERCENTILE, MSE or ENTROPY
   * @param stride the step between candidate bins (MSE, entropy), at least 1
   * @param startBin the first candidate bin (MSE, entropy)
   * @param percentile in [0, 100], used by PERCENTILE only
   * @return a new 0-dim float32 array
   * @throws IllegalArgumentException for MAX or null, a bad percentile, stride or start bin, or no data
   */
  public INDArray computeAmax(AmaxMethod method, int stride, int startBin, double percentile) {
    return Nd4j.scalar(computeAmaxValue(method, stride, startBin, percentile));
  }

  /**
   * {@link #computeAmax(AmaxMethod, int, int, double)} as a float.
   *
   * @param method PERCENTILE, MSE or ENTROPY
   * @param stride the step between candidate bins, at least 1
   * @param startBin the first candidate bin
   * @param percentile in [0, 100], used by PERCENTILE only
   * @return the amax
   */
  public float computeAmaxValue(AmaxMethod method, int stride, int startBin, double percentile) {
    if (method == null || method == AmaxMethod.MAX) {
      throw new IllegalArgumentException(
          "method must be PERCENTILE, MSE or ENTROPY for a HistogramCalibrator, got " + method);
    }
    if (method == AmaxMethod.PERCENTILE) {
      PercentileAmax.checkPercentile(percentile);
    } else {
      if (stride < 1) {
        throw new IllegalArgumentException("stride must be at least 1, got " + stride);
      }
      if (startBin < 0) {
        throw new IllegalArgumentException("startBin must be non-negative, got " + startBin);
      }
    }
    requireData();
    return switch (method) {
      case PERCENTILE -> PercentileAmax.compute(counts, edges, percentile);
      case MSE -> format == QuantFormat.E4M3
          ? MseAmax.computeE4M3(counts, edges, stride, startBin)
          : MseAmax.compute(counts, edges, grid(), stride, startBin);
      default -> entropy(stride, startBin);
    };
  }

  private float entropy(int stride, int startBin) {
    int i = format == QuantFormat.E4M3
        ? E4M3EntropyAmax.chooseBin(counts, edges, stride, startBin)
        : EntropyAmax.chooseBin(counts, numBits(), unsigned(), stride, startBin);
    if (!torchHist) {
      counts[0] = counts[1]; // the reference's bins[0] = bins[1] writes through to the numpy histogram
    }
    if (i >= edges.length) {
      throw new IllegalStateException("the histogram has " + counts.length + " bins but only "
          + edges.length + " edges");
    }
    return (float) edges[i];
  }

  /**
   * Adds another histogram calibrator's counts, re-binned onto this one's grid.
   *
   * <p>Both grids have a constant bin width from their first batch. When the widths are equal (the
   * calibrators' first batches had the same max, or the other was built from this one's state) the
   * counts are added bin by bin, which is exactly what one calibrator does when it sees the other's
   * batches after its own. Otherwise the finer histogram is re-binned onto the coarser grid, each
   * fine bin's count spread over the coarse bins it overlaps in proportion to the overlap, in whole
   * counts (the "bin growth order" caveat: one calibrator that saw all the data would also have the
   * grid of whichever batch came first, and would have binned the raw values rather than bins).
   * The grid grows, by the collecting path's own rule, to cover the other's range. Total counts are
   * preserved exactly (up to the torch path's float32 saturation at 2^24 per bin); on the numpy
   * path counts below the first edge are dropped, as a later batch's would be. On a
   * {@linkplain #fixGrid(float) fixed grid} the other's histogram must lie on the same grid, and its
   * counts are added bin by bin exactly.
   *
   * @param other a HistogramCalibrator with the same numBits, unsigned, configured numBins,
   *     skipZeros and torchHist
   * @throws IllegalArgumentException if the configuration differs
   */
  @Override
  public void merge(Calibrator other) {
    requireSameBase(other);
    HistogramCalibrator o = (HistogramCalibrator) other;
    if (o.configuredBins != configuredBins || o.skipZeros != skipZeros || o.torchHist != torchHist) {
      throw new IllegalArgumentException("other must have numBins=" + configuredBins + " skipZeros="
          + skipZeros + " torchHist=" + torchHist + ", got numBins=" + o.configuredBins + " skipZeros="
          + o.skipZeros + " torchHist=" + o.torchHist);
    }
    if (o.counts == null) {
      return;
    }
    if (fixedMax == fixedMax) {
      mergeOnFixedGrid(o);
      return;
    }
    if (counts == null) {
      copyStateOf(o);
      return;
    }
    HistogramCalibrator coarse = this;
    HistogramCalibrator fine = o;
    if (o.width() > width()) {
      coarse = o;
      fine = this;
    }
    HistogramCalibrator target = new HistogramCalibrator(builderLike());
    target.copyStateOf(coarse);
    target.growToCover(fine.edges[fine.edges.length - 1]);
    target.addCounts(fine);
    copyStateOf(target);
  }

  /** Adds another histogram's counts bin by bin; it must lie on this fixed grid exactly. */
  private void mergeOnFixedGrid(HistogramCalibrator o) {
    double[] grid = toDoubles(TorchRanges.linspace(0f, fixedMax, configuredBins + 1));
    if (!Arrays.equals(o.edges, grid)) {
      throw new IllegalArgumentException("other's histogram must lie on this fixed grid [0, " + fixedMax + "] of "
          + configuredBins + " bins, got edges [" + o.edges[0] + ", ..., " + o.edges[o.edges.length - 1] + "]("
          + o.edges.length + ")");
    }
    if (counts == null) {
      counts = new double[configuredBins];
      edges = grid;
      edgesFloat32 = true;
    }
    for (int i = 0; i < configuredBins; i++) {
      counts[i] += o.counts[i];
    }
  }

  private Builder builderLike() {
    return builder().numBits(numBits()).unsigned(unsigned()).numBins(configuredBins)
        .skipZeros(skipZeros).torchHist(torchHist).format(format);
  }

  private void copyStateOf(HistogramCalibrator o) {
    numBins = o.numBins;
    counts = o.counts.clone();
    edges = o.edges.clone();
    edgesFloat32 = o.edgesFloat32;
  }

  private double width() {
    return edges[1] - edges[0];
  }

  private void growToCover(double max) {
    double last = edges[edges.length - 1];
    if (!(max > last)) {
      return;
    }
    if (torchHist) {
      float width = (float) edges[1] - (float) edges[0];
      float xMax = (float) max;
      float bins = (float) Math.ceil(xMax / width);
      if (Float.isInfinite(bins) || bins > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("cannot grow a histogram whose bins have width " + width
            + " to reach " + xMax);
      }
      numBins = (int) bins;
      edges = toDoubles(TorchRanges.arange((double) (xMax + width), (double) width));
      counts = Arrays.copyOf(counts, numBins);
    } else {
      double[] grown;
      if (edgesFloat32) {
        float width = (float) edges[1] - (float) edges[0];
        grown = NumpyRanges.arangeOfFloats((float) last + width, (float) max + width, width);
      } else {
        double width = edges[1] - edges[0];
        grown = NumpyRanges.arangeOfDoubles(last + width, max + width, width);
      }
      double[] e = Arrays.copyOf(edges, edges.length + grown.length);
      System.arraycopy(grown, 0, e, edges.length, grown.length);
      edges = e;
      edgesFloat32 = false;
      counts = Arrays.copyOf(counts, edges.length - 1);
    }
  }

  private void addCounts(HistogramCalibrator src) {
    double[] add;
    if (src.width() == width() && src.edges[0] == edges[0]) {
      add = new double[counts.length];
      for (int j = 0; j < src.counts.length; j++) {
        add[Math.min(j, counts.length - 1)] += src.counts[j];
      }
    } else {
      add = rebin(src.counts, src.edges, edges, counts.length);
    }
    for (int j = 0; j < counts.length; j++) {
      if (add[j] != 0) {
        counts[j] = torchHist ? (float) (counts[j] + add[j]) : counts[j] + add[j];
      }
    }
  }

  /**
   * Spreads counts over new bins in proportion to overlap, in whole counts: with {@code F} the
   * cumulative count of the source (piecewise linear within its bins), new bin j gets
   * {@code round(F(e[j+1])) - round(F(e[j]))}, and the last bin everything above its left edge. The
   * total is preserved exactly, except what lies below the first new edge.
   */
  private static double[] rebin(double[] counts, double[] from, double[] to, int bins) {
    double[] cum = new double[counts.length + 1];
    for (int j = 0; j < counts.length; j++) {
      cum[j + 1] = cum[j] + counts[j];
    }
    double total = cum[counts.length];
    double[] out = new double[bins];
    int s = 0;
    double prev = 0;
    for (int j = 0; j <= bins; j++) {
      double f;
      if (j == bins) {
        f = total;
      } else {
        double e = to[j];
        while (s < counts.length && from[s + 1] <= e) {
          s++;
        }
        if (s >= counts.length) {
          f = total;
        } else if (e <= from[0]) {
          f = 0;
        } else {
          double w = from[s + 1] - from[s];
          f = cum[s] + counts[s] * (w > 0 ? (e - from[s]) / w : 1);
        }
      }
      double r = Math.rint(f);
      if (j > 0) {
        out[j - 1] = r - prev;
      }
      prev = r;
    }
    return out;
  }

  /**
   * As the reference's {@code str()}: {@code HistogramCalibrator(calib_bin_edges=[0.000, ..., 11.620](5104))},
   * or {@code calib_bin_edges=None} before any data.
   *
   * @return the string
   */
  @Override
  public String toString() {
    if (edges == null) {
      return "HistogramCalibrator(calib_bin_edges=None)";
    }
    return "HistogramCalibrator(calib_bin_edges=[" + threeDecimals(edges[0]) + ", ..., "
        + threeDecimals(edges[edges.length - 1]) + "](" + edges.length + "))";
  }

  private static String threeDecimals(double v) {
    return new BigDecimal(v).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
  }

  /** Builds a {@link HistogramCalibrator}; defaults are the reference's. */
  public static final class Builder {
    private int numBits = 8;
    private boolean unsigned;
    private int numBins = DEFAULT_BINS;
    private boolean skipZeros;
    private boolean torchHist = true;
    private int[] axis = new int[0];
    private QuantFormat format = QuantFormat.INT;

    private Builder() {}

    /**
     * The number format the amax is chosen for (default {@link QuantFormat#INT}). With
     * {@link QuantFormat#E4M3} the MSE method fake-quantizes the bin centers onto the scaled E4M3 grid
     * ({@code E4M3FakeQuant}); entropy scores the KL divergence with the E4M3 grid's own cells as quant
     * bins ({@code E4M3EntropyAmax}) instead of 128 uniform ones; percentile does not depend on the
     * grid.
     *
     * @param format the format
     * @return this
     */
    public Builder format(QuantFormat format) {
      this.format = format;
      return this;
    }

    /**
     * The quantizer's bit width (default 8).
     *
     * @param numBits 0 to 16
     * @return this
     */
    public Builder numBits(int numBits) {
      this.numBits = numBits;
      return this;
    }

    /**
     * Whether the quantizer is unsigned (default false).
     *
     * @param unsigned unsigned
     * @return this
     */
    public Builder unsigned(boolean unsigned) {
      this.unsigned = unsigned;
      return this;
    }

    /**
     * The number of bins of the first batch (default 2048).
     *
     * @param numBins at least 1
     * @return this
     */
    public Builder numBins(int numBins) {
      this.numBins = numBins;
      return this;
    }

    /**
     * Whether exact zeros are left out (default false).
     *
     * @param skipZeros skipZeros
     * @return this
     */
    public Builder skipZeros(boolean skipZeros) {
      this.skipZeros = skipZeros;
      return this;
    }

    /**
     * Whether to use the torch ({@code histc}) path rather than the numpy one (default true).
     *
     * @param torchHist torchHist
     * @return this
     */
    public Builder torchHist(boolean torchHist) {
      this.torchHist = torchHist;
      return this;
    }

    /**
     * The quantization axes; only empty (per tensor) is supported, anything else fails in
     * {@link #build()}.
     *
     * @param axis the axes
     * @return this
     */
    public Builder axis(int... axis) {
      this.axis = axis == null ? null : axis.clone();
      return this;
    }

    /**
     * Builds the calibrator.
     *
     * @return a new calibrator with no data
     * @throws IllegalArgumentException for bad bits, bins or a non-empty axis
     */
    public HistogramCalibrator build() {
      return new HistogramCalibrator(this);
    }
  }
}
