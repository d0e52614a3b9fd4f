package org.quant4j.tensor.internal;

import java.util.Optional;

/**
 * The element loops of quant4j's host-memory kernels: fake quantization (integer grid and E4M3), the
 * straight-through gradient mask, max |x|, and the histogram scans of the calibrators. Callers cut the
 * work into ranges and runs ({@code ChannelLayout}); an implementation only loops over one window's
 * elements, addressed by absolute index through {@link FloatLanes}.
 *
 * <p>Two implementations give the same bits for every input: {@code VectorKernels} on the Java Vector API
 * ({@code jdk.incubator.vector}), used when that module is in the JVM's boot layer
 * ({@code --add-modules=jdk.incubator.vector}), and {@link ScalarKernels}, plain Java, used otherwise. The
 * choice is made once, in {@link #get()}; the vector class is loaded by name only after the module is
 * found, so no class on the call path links an incubator class on a JVM without it. Without the module,
 * one line is logged at INFO (see {@link #scalarNotice()}). The system property {@value #PROPERTY}
 * ({@code auto}, {@code vector} or {@code scalar}; default {@code auto}) forces a choice, for tests and
 * benchmarks.
 *
 * <p>Every method reads and writes only the elements {@code [from, from + len)} (or {@code [from, to)})
 * of its windows. Quantization constants are float32: {@code m} multiplies, {@code d} divides (the
 * reference's {@code x * scale} then {@code / scale}), {@code lo}/{@code hi} are the integer bounds.
 */
public interface HostKernels {

  /** The system property that forces the implementation: {@code auto}, {@code vector} or {@code scalar}. */
  String PROPERTY = "quant4j.kernel.host";

  /** A flag of {@link #negativeAndNaNFlags}: some element is below 0. */
  int NEGATIVE = 1;

  /** A flag of {@link #negativeAndNaNFlags}: some element is NaN. */
  int NAN = 2;

  /**
   * The implementation this JVM uses, chosen on first use.
   *
   * @return the kernels
   */
  static HostKernels get() {
    return KernelChoice.KERNELS;
  }

  /**
   * Whether the Vector API module is in this JVM's boot layer.
   *
   * @return true when the JVM was started with {@code --add-modules=jdk.incubator.vector}
   */
  static boolean vectorModulePresent() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /**
   * The line to tell a user why quant4j runs its scalar kernels, when it does because the Vector API is
   * missing (not when {@value #PROPERTY} forced them).
   *
   * @return the line, or empty when the vector kernels run or scalar ones were asked for
   */
  static Optional<String> scalarNotice() {
    return Optional.ofNullable(KernelChoice.NOTICE);
  }

  /**
   * A short name for logs and benchmarks.
   *
   * @return e.g. {@code vector (256-bit)} or {@code scalar}
   */
  String description();

  /**
   * Quantizes {@code len} elements from {@code from} that share one channel.
   *
   * @param in input lanes
   * @param out output lanes (may be the input's)
   * @param from the first element
   * @param len how many
   * @param m the multiplier (scale)
   * @param d the divisor (the scale as reported), used when {@code fake}
   * @param lo the lower integer bound
   * @param hi the upper integer bound
   * @param fake whether to divide by {@code d} (fake quantization) or keep the integers
   */
  void quantizeBlock(FloatLanes in, FloatLanes out, int from, int len, float m, float d, float lo, float hi,
      boolean fake);

  /**
   * Quantizes {@code len} elements from {@code from} whose channels are consecutive: element
   * {@code from + j} uses {@code mul[channel + j]} and {@code div[channel + j]}.
   *
   * @param in input lanes
   * @param out output lanes (may be the input's)
   * @param from the first element
   * @param len how many
   * @param mul multipliers per channel
   * @param div divisors per channel, used when {@code fake}
   * @param channel the first element's channel
   * @param lo the lower integer bound
   * @param hi the upper integer bound
   * @param fake whether to divide (fake quantization) or keep the integers
   */
  void quantizeRow(FloatLanes in, FloatLanes out, int from, int len, float[] mul, float[] div, int channel,
      float lo, float hi, boolean fake);

  /**
   * Quantizes {@code rows} whole rows of {@code len} elements from {@code from}, element {@code j} of every row
   * in channel {@code j}: the same as {@link #quantizeRow} on each row from channel 0, in an order that may
   * reuse each channel's constants across rows.
   *
   * @param in input lanes
   * @param out output lanes (may be the input's)
   * @param from the first element of the first row
   * @param rows how many rows
   * @param len elements per row, the number of channels
   * @param mul multipliers per channel
   * @param div divisors per channel, used when {@code fake}
   * @param lo the lower integer bound
   * @param hi the upper integer bound
   * @param fake whether to divide (fake quantization) or keep the integers
   */
  default void quantizeRows(FloatLanes in, FloatLanes out, int from, int rows, int len, float[] mul, float[] div,
      float lo, float hi, boolean fake) {
    for (int r = 0; r < rows; r++) {
      quantizeRow(in, out, from + r * len, len, mul, div, 0, lo, hi, fake);
    }
  }

  /**
   * Of the elements {@code [from, to)}: {@link #NEGATIVE} if any is below 0, or-ed with {@link #NAN} if
   * any is NaN.
   *
   * @param in the lanes
   * @param from the first element
   * @param to one past the last
   * @return the flags
   */
  int negativeAndNaNFlags(FloatLanes in, int from, int to);

  /**
   * E4M3 fake quantization of the elements {@code [from, to)}, as
   * {@code E4M3FakeQuant.fakeQuantize(x, m, d)} does for one element.
   *
   * @param in input lanes
   * @param out output lanes (may be the input's)
   * @param from the first element
   * @param to one past the last
   * @param m the multiplier
   * @param d the divisor
   */
  void e4m3(FloatLanes in, FloatLanes out, int from, int to, float m, float d);

  /**
   * The straight-through estimator over {@code len} elements sharing one amax:
   * {@code out = |x| <= amax ? grad : 0} (NaN x gives 0).
   *
   * @param grad gradient lanes
   * @param x forward-input lanes
   * @param out result lanes
   * @param from the first element
   * @param len how many
   * @param amax the channel's amax, exact in float32
   */
  void straightThroughBlock(FloatLanes grad, FloatLanes x, FloatLanes out, int from, int len, float amax);

  /**
   * The straight-through estimator over {@code len} elements of consecutive channels: element
   * {@code from + j} uses {@code amax[channel + j]}.
   *
   * @param grad gradient lanes
   * @param x forward-input lanes
   * @param out result lanes
   * @param from the first element
   * @param len how many
   * @param amax per channel, exact in float32
   * @param channel the first element's channel
   */
  void straightThroughRow(FloatLanes grad, FloatLanes x, FloatLanes out, int from, int len, float[] amax,
      int channel);

  /**
   * {@code max |x|} over the elements {@code [from, to)}, NaN if any is NaN.
   *
   * @param in the lanes
   * @param from the first element
   * @param to one past the last
   * @return the maximum, -infinity for no elements
   */
  double absMax(FloatLanes in, int from, int to);

  /**
   * The range of {@code |x|} over the elements {@code [from, to)}, optionally without exact zeros.
   *
   * @param in the lanes
   * @param from the first element
   * @param to one past the last
   * @param skipZeros whether zeros are left out
   * @param minMax receives the smallest kept |x| (+infinity when none) at 0 and the largest (-infinity
   *     when none, NaN when any x is NaN) at 1
   * @return how many elements were kept
   */
  long absRange(FloatLanes in, int from, int to, boolean skipZeros, float[] minMax);

  /**
   * Counts {@code |x|} of the elements {@code [from, to)} into histogram bins the way {@code torch.histc}
   * assigns them: a value in {@code [lo, hi]} goes to bin {@code (int) (((a - lo) / (hi - lo)) * nbins)}
   * computed in float32, clamped to the last bin; values outside (and zeros, with {@code skipZeros}) are
   * dropped. Bin {@code b} has {@code ways} counters {@code counts[b * ways + k]}, and the element at index
   * {@code i} may go to any of them (the caller adds them up), so consecutive increments of one bin need
   * not wait for each other.
   *
   * @param in the lanes
   * @param from the first element
   * @param to one past the last
   * @param lo the low end, finite
   * @param hi the high end, finite and greater than lo
   * @param nbins the number of bins
   * @param skipZeros whether zeros are dropped
   * @param inRange true when every value is known to lie in {@code [lo, hi]} and no zero is dropped
   * @param counts {@code (nbins + 1) * ways} counters, the last {@code ways} a sentinel bin
   * @param ways counters per bin, a power of two of at least 4
   */
  void histc(FloatLanes in, int from, int to, float lo, float hi, int nbins, boolean skipZeros, boolean inRange,
      int[] counts, int ways);
}
