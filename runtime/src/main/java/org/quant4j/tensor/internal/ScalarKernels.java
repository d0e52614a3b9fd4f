package org.quant4j.tensor.internal;

import org.quant4j.tensor.E4M3FakeQuant;

/**
 * {@link HostKernels} in plain Java, for a JVM without the Vector API module: the same bits as
 * {@code VectorKernels} for every input, one element at a time. Each loop keeps to float32 arithmetic on the
 * window's elements, so that the JIT can unroll it and, where the platform allows, vectorise it itself.
 *
 * <p>The per-element forms here are also the tails of the vector loops, so both implementations share one
 * definition of each result: {@link #quantize} (round half to even, then clamp, NaN kept), {@code x * m} then
 * {@code / d}, {@link E4M3FakeQuant#fakeQuantize(float, float, float)}, and the histogram's bin of
 * {@code (int) (((a - lo) / (hi - lo)) * nbins)}.
 */
final class ScalarKernels implements HostKernels {

  ScalarKernels() {}

  @Override
  public String description() {
    return "scalar";
  }

  /**
   * {@code rint(v)} clamped to {@code [lo, hi]}, NaN kept: the reference's order of rounding, then clamping.
   *
   * @param v {@code x * m}
   * @param lo the lower bound
   * @param hi the upper bound
   * @return the quantized value
   */
  static float quantize(float v, float lo, float hi) {
    float r = (float) Math.rint(v);
    return r < lo ? lo : (r > hi ? hi : r);
  }

  /**
   * The threshold below which the vector kernel's clamp-before-round gives {@code lo}. Clamping before
   * rounding gives the same values as the reference's rounding before clamping, since the bounds are
   * integers; only the sign of a zero can differ, when {@code lo} is a zero (unsigned, or 1 bit narrow):
   * there the reference keeps {@code rint(v) = -0} for {@code v} in {@code [-0.5, 0)}, so only values below
   * -0.5 are replaced.
   *
   * @param lo the lower bound
   * @return the threshold
   */
  static float loBelow(float lo) {
    return lo == 0f ? -0.5f : lo;
  }

  @Override
  public void quantizeBlock(FloatLanes in, FloatLanes out, int from, int len, float m, float d, float lo, float hi,
      boolean fake) {
    if (lo != 0f && !FloatLanes.BUFFER_ACCESS) {
      // both windows start at the same element, so one index serves both arrays (which lets the JIT vectorise)
      quantizeBlockSigned(in.array, out.array, from - in.base, len, m, d, lo, hi, fake);
      return;
    }
    int end = from + len;
    if (fake) {
      for (int i = from; i < end; i++) {
        out.put(i, quantize(in.get(i) * m, lo, hi) / d);
      }
    } else {
      for (int i = from; i < end; i++) {
        out.put(i, quantize(in.get(i) * m, lo, hi));
      }
    }
  }

  /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude at most 2^22 half to even. */
  private static final float MAGIC = 0x1.8p23f;

  /** Scales any non-zero clamped value to a magnitude of at least 1, so that clamping it to [-1, 1] gives its sign. */
  private static final float SIGN_SCALE = 0x1p30f;

  /**
   * The block loop for a grid whose lower bound is not 0 (every signed grid of 2 bits or more), over the window
   * arrays and free of branches, so that the JIT vectorises it. Per element, with {@code v = x * m}:
   * <ul>
   *   <li>{@code c = min(max(v, lo), hi)}: the clamp of {@link #quantize} (NaN stays NaN; the bounds are
   *       non-zero integers, so rounding before or after clamping gives the same value);
   *   <li>{@code |rint(c)| = (|c| + 1.5 * 2^23) - 1.5 * 2^23}, exact and half to even for {@code |c| <= 2^15};
   *   <li>the sign: {@code s = max(min(c * 2^30, 1), -1)} is +1 or -1 wherever {@code |c| >= 0.5} (where the
   *       rounded value can be non-zero) and a number or zero of {@code c}'s sign elsewhere, so
   *       {@code |rint(c)| * s} is {@code rint(c)}, the sign of a zero included ({@code rint(-0.3) = -0});
   * </ul>
   * then the division by {@code d}. The same bits as {@link #quantize}, which the agreement test and the golden
   * replay without the Vector API module check.
   */
  static void quantizeBlockSigned(float[] in, float[] out, int offset, int len, float m, float d, float lo, float hi,
      boolean fake) {
    int end = offset + len;
    if (fake) {
      for (int i = offset; i < end; i++) {
        float c = Math.min(Math.max(in[i] * m, lo), hi);
        float sign = Math.max(Math.min(c * SIGN_SCALE, 1f), -1f);
        out[i] = ((Math.abs(c) + MAGIC) - MAGIC) * sign / d;
      }
    } else {
      for (int i = offset; i < end; i++) {
        float c = Math.min(Math.max(in[i] * m, lo), hi);
        float sign = Math.max(Math.min(c * SIGN_SCALE, 1f), -1f);
        out[i] = ((Math.abs(c) + MAGIC) - MAGIC) * sign;
      }
    }
  }

  @Override
  public void quantizeRow(FloatLanes in, FloatLanes out, int from, int len, float[] mul, float[] div, int channel,
      float lo, float hi, boolean fake) {
    if (fake) {
      for (int j = 0; j < len; j++) {
        out.put(from + j, quantize(in.get(from + j) * mul[channel + j], lo, hi) / div[channel + j]);
      }
    } else {
      for (int j = 0; j < len; j++) {
        out.put(from + j, quantize(in.get(from + j) * mul[channel + j], lo, hi));
      }
    }
  }

  @Override
  public int negativeAndNaNFlags(FloatLanes in, int from, int to) {
    return flags(in, from, to);
  }

  /** {@link #negativeAndNaNFlags} element by element. */
  static int flags(FloatLanes in, int from, int to) {
    boolean negative = false;
    boolean nan = false;
    for (int i = from; i < to; i++) {
      float v = in.get(i);
      negative |= v < 0f;
      nan |= v != v;
    }
    return (negative ? NEGATIVE : 0) | (nan ? NAN : 0);
  }

  @Override
  public void e4m3(FloatLanes in, FloatLanes out, int from, int to, float m, float d) {
    for (int i = from; i < to; i++) {
      out.put(i, E4M3FakeQuant.fakeQuantize(in.get(i), m, d));
    }
  }

  @Override
  public void straightThroughBlock(FloatLanes grad, FloatLanes x, FloatLanes out, int from, int len, float amax) {
    for (int i = from, end = from + len; i < end; i++) {
      out.put(i, Math.abs(x.get(i)) <= amax ? grad.get(i) : 0f);
    }
  }

  @Override
  public void straightThroughRow(FloatLanes grad, FloatLanes x, FloatLanes out, int from, int len, float[] amax,
      int channel) {
    for (int j = 0; j < len; j++) {
      out.put(from + j, Math.abs(x.get(from + j)) <= amax[channel + j] ? grad.get(from + j) : 0f);
    }
  }

  @Override
  public double absMax(FloatLanes in, int from, int to) {
    return absMaxOf(in, from, to);
  }

  /** {@link #absMax} element by element. */
  static double absMaxOf(FloatLanes in, int from, int to) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = from; i < to; i++) {
      m = Math.max(m, Math.abs(in.get(i)));
    }
    return m;
  }

  /**
   * {@code max(a, b)} where a NaN on either side gives NaN, as torch's max propagates it.
   *
   * @param a one value
   * @param b the other
   * @return the maximum, or NaN
   */
  static double maxPropagatingNaN(double a, double b) {
    return (a != a || b != b) ? Double.NaN : Math.max(a, b);
  }

  @Override
  public long absRange(FloatLanes in, int from, int to, boolean skipZeros, float[] minMax) {
    return absRangeOf(in, from, to, skipZeros, minMax);
  }

  /** {@link #absRange} element by element. */
  static long absRangeOf(FloatLanes in, int from, int to, boolean skipZeros, float[] minMax) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    long zeros = 0;
    for (int i = from; i < to; i++) {
      float a = Math.abs(in.get(i));
      max = Math.max(max, a);
      if (skipZeros && a == 0f) {
        zeros++;
      } else {
        min = Math.min(min, a);
      }
    }
    minMax[0] = min;
    minMax[1] = max;
    return to - from - zeros;
  }

  @Override
  public void histc(FloatLanes in, int from, int to, float lo, float hi, int nbins, boolean skipZeros,
      boolean inRange, int[] counts, int ways) {
    histcOf(in, from, to, lo, hi, nbins, skipZeros, counts, ways);
  }

  /** {@link #histc} element by element; element {@code i} counts in way {@code i mod ways}. */
  static void histcOf(FloatLanes in, int from, int to, float lo, float hi, int nbins, boolean skipZeros,
      int[] counts, int ways) {
    float width = hi - lo;
    float bins = (float) nbins;
    int wayMask = ways - 1;
    for (int i = from; i < to; i++) {
      float a = Math.abs(in.get(i));
      if (!(a >= lo && a <= hi) || (skipZeros && a == 0f)) {
        continue;
      }
      int pos = Math.min((int) (((a - lo) / width) * bins), nbins - 1);
      counts[pos * ways + (i & wayMask)]++;
    }
  }
}
