package org.quant4j.tensor;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one-pass float32 fake-quantization kernel over host memory, on the Java Vector API.
 *
 * <p>Per element, bit-exact with the reference's {@code clamp(round(x * scale), lo, hi) / scale}:
 * {@code v = x * m}; {@code v} is clamped first, {@code c = v < lo ? lo : v > hi ? hi : v} (NaN
 * compares false and stays NaN; the bounds are integers, so clamping before rounding gives the same
 * values, see {@link #loBelow} for the sign of zero); {@code rint(c)} is then
 * {@code (c + 1.5 * 2^23) - 1.5 * 2^23}, which rounds half to even because {@code |c| <= 2^15} and at
 * that magnitude the float32 spacing is exactly 1, with {@code c}'s sign bit put back so that
 * {@code [-0.5, 0]} gives {@code -0} as {@code rint} does; and, for fake quantization, a true division
 * by the reported scale.
 *
 * <p>The arrays must be float32, C-contiguous, in host memory and under 2 GiB; {@link #canRun} says
 * whether one is. Input and output may be the same array.
 */
final class VectorFakeQuantKernel {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final float MAGIC = 0x1.8p23f;
  private static final int SIGN = 0x80000000;
  /** A flag of {@link #negativeAndNaNFlags}: some element is below 0. */
  private static final int NEGATIVE = 1;
  /** A flag of {@link #negativeAndNaNFlags}: some element is NaN. */
  private static final int NAN = 2;

  private VectorFakeQuantKernel() {}

  /**
   * Whether the kernel can read or write an array in place.
   *
   * @param a the array
   * @return true for a float32, C-contiguous, host-memory array of under 2 GiB
   */
  static boolean canRun(INDArray a) {
    return a.dataType() == DataType.FLOAT
        && a.length() * Float.BYTES <= Integer.MAX_VALUE
        && HostMemory.isHost(a)
        && HostMemory.isCContiguous(a);
  }

  /**
   * Quantizes {@code x} into {@code out}.
   *
   * @param x the input, for which {@link #canRun} holds
   * @param out the output, same shape, for which {@link #canRun} holds; may be {@code x}
   * @param layout how the scales broadcast against x
   * @param scales the per-channel constants (float32 compute precision)
   * @param fake whether to divide by the scale (fake quantization) or return the integers
   */
  static void run(INDArray x, INDArray out, ChannelLayout layout, QuantScales scales, boolean fake) {
    long n = layout.length();
    if (n == 0) {
      return;
    }
    ByteBuffer in = HostMemory.bytes(x);
    ByteBuffer dst = x == out ? in : HostMemory.bytes(out);
    Range kernel = (from, to) -> FloatLanes.map(in, dst, (int) from, (int) to,
        (i, o, a, b) -> runRange(i, o, a, b, layout, scales, fake));
    try {
      ParallelRanges.forEach(n, kernel);
    } finally {
      // The byte buffers do not keep the arrays (and so their native memory) alive.
      Reference.reachabilityFence(x);
      Reference.reachabilityFence(out);
    }
  }

  /**
   * Quantizes the elements {@code [from, to)} (C order) of x into out: the runs of the layout that
   * overlap the range, each clipped to it.
   */
  private static void runRange(FloatLanes in, FloatLanes out, long from, long to, ChannelLayout layout,
      QuantScales scales, boolean fake) {
    float lo = (float) scales.lo();
    float hi = (float) scales.hi();
    float[] mul = scales.multiplierFloats();
    float[] div = scales.reportedFloats();
    boolean rows = layout.mode() == ChannelLayout.Mode.ROWS;
    layout.forEachRun(from, to, (start, count, channel) -> {
      if (!rows) {
        blockRun(in, out, start, count, mul[channel], div[channel], lo, hi, fake);
      } else if (fake) {
        rowRunFake(in, out, start, count, mul, div, channel, lo, hi);
      } else {
        rowRunReal(in, out, start, count, mul, channel, lo, hi);
      }
    });
  }

  /**
   * Whether x holds a value below 0 while holding no NaN: the reference's unsigned check
   * {@code inputs.min() < 0}, where a NaN makes the minimum NaN and the check pass.
   *
   * @param x a float32 array for which {@link #canRun} holds
   * @return true if unsigned quantization must reject x
   */
  static boolean hasNegativeAndNoNaN(INDArray x) {
    try {
      int flags = FloatLanes.scan(HostMemory.bytes(x), 0, (int) x.length(), 0,
          (in, from, to, acc) -> acc | negativeAndNaNFlags(in, from, to));
      return flags == NEGATIVE;
    } finally {
      Reference.reachabilityFence(x);
    }
  }

  /** Of the elements {@code [from, to)}: {@link #NEGATIVE} if any is below 0, or {@link #NAN} if any is NaN. */
  private static int negativeAndNaNFlags(FloatLanes in, int from, int to) {
    VectorMask<Float> negative = SPECIES.maskAll(false);
    VectorMask<Float> nan = SPECIES.maskAll(false);
    int upper = from + SPECIES.loopBound(to - from);
    int i = from;
    for (; i < upper; i += LANES) {
      FloatVector v = in.load(SPECIES, i);
      negative = negative.or(v.compare(VectorOperators.LT, 0f));
      nan = nan.or(v.test(VectorOperators.IS_NAN));
    }
    boolean anyNegative = negative.anyTrue();
    boolean anyNaN = nan.anyTrue();
    for (; i < to; i++) {
      float v = in.get(i);
      anyNegative |= v < 0f;
      anyNaN |= v != v;
    }
    return (anyNegative ? NEGATIVE : 0) | (anyNaN ? NAN : 0);
  }

  private static void blockRun(FloatLanes in, FloatLanes out, int from, int len, float m, float d,
      float lo, float hi, boolean fake) {
    FloatVector vm = FloatVector.broadcast(SPECIES, m);
    FloatVector vd = FloatVector.broadcast(SPECIES, d);
    FloatVector vlo = FloatVector.broadcast(SPECIES, lo);
    FloatVector vhi = FloatVector.broadcast(SPECIES, hi);
    FloatVector vbelow = FloatVector.broadcast(SPECIES, loBelow(lo));
    int end = from + len;
    int upper = from + SPECIES.loopBound(len);
    int i = from;
    if (fake) {
      for (; i < upper; i += LANES) {
        FloatVector v = in.load(SPECIES, i).mul(vm);
        out.store(quantize(v, vbelow, vlo, vhi).div(vd), i);
      }
    } else {
      for (; i < upper; i += LANES) {
        FloatVector v = in.load(SPECIES, i).mul(vm);
        out.store(quantize(v, vbelow, vlo, vhi), i);
      }
    }
    for (; i < end; i++) {
      float q = quantize(in.get(i) * m, lo, hi);
      out.put(i, fake ? q / d : q);
    }
  }

  private static void rowRunFake(FloatLanes in, FloatLanes out, int from, int len, float[] mul, float[] div,
      int channel, float lo, float hi) {
    FloatVector vlo = FloatVector.broadcast(SPECIES, lo);
    FloatVector vhi = FloatVector.broadcast(SPECIES, hi);
    FloatVector vbelow = FloatVector.broadcast(SPECIES, loBelow(lo));
    int upper = SPECIES.loopBound(len);
    int j = 0;
    for (; j < upper; j += LANES) {
      FloatVector v = in.load(SPECIES, from + j).mul(FloatVector.fromArray(SPECIES, mul, channel + j));
      out.store(quantize(v, vbelow, vlo, vhi).div(FloatVector.fromArray(SPECIES, div, channel + j)), from + j);
    }
    for (; j < len; j++) {
      out.put(from + j, quantize(in.get(from + j) * mul[channel + j], lo, hi) / div[channel + j]);
    }
  }

  private static void rowRunReal(FloatLanes in, FloatLanes out, int from, int len, float[] mul,
      int channel, float lo, float hi) {
    FloatVector vlo = FloatVector.broadcast(SPECIES, lo);
    FloatVector vhi = FloatVector.broadcast(SPECIES, hi);
    FloatVector vbelow = FloatVector.broadcast(SPECIES, loBelow(lo));
    int upper = SPECIES.loopBound(len);
    int j = 0;
    for (; j < upper; j += LANES) {
      FloatVector v = in.load(SPECIES, from + j).mul(FloatVector.fromArray(SPECIES, mul, channel + j));
      out.store(quantize(v, vbelow, vlo, vhi), from + j);
    }
    for (; j < len; j++) {
      out.put(from + j, quantize(in.get(from + j) * mul[channel + j], lo, hi));
    }
  }

  /**
   * {@code rint(v)} clamped to {@code [lo, hi]}, NaN kept. It and its two halves stay under HotSpot's
   * MaxInlineSize (35 bytes of bytecode) so that they are inlined wherever they are called: vectors
   * passed to a call that is not inlined are boxed.
   */
  private static FloatVector quantize(FloatVector v, FloatVector loBelow, FloatVector lo, FloatVector hi) {
    return roundHalfEven(clamp(v, loBelow, lo, hi));
  }

  private static FloatVector clamp(FloatVector v, FloatVector loBelow, FloatVector lo, FloatVector hi) {
    FloatVector c = v.blend(lo, v.compare(VectorOperators.LT, loBelow));
    return c.blend(hi, c.compare(VectorOperators.GT, hi));
  }

  /** Round half to even by adding and subtracting 1.5 * 2^23, keeping the sign (so -0.4 gives -0). */
  private static FloatVector roundHalfEven(FloatVector c) {
    FloatVector r = c.add(MAGIC).sub(MAGIC);
    return r.reinterpretAsInts().or(c.reinterpretAsInts().and(SIGN)).reinterpretAsFloats();
  }

  /**
   * The threshold below which an input becomes {@code lo}. Clamping before rounding gives the same
   * values as the reference's rounding before clamping, since the bounds are integers; only the sign of
   * a zero can differ, when {@code lo} is a zero (unsigned, or 1 bit narrow): there the reference keeps
   * {@code rint(v) = -0} for {@code v} in {@code [-0.5, 0)}, so only values below -0.5 are replaced.
   */
  private static float loBelow(float lo) {
    return lo == 0f ? -0.5f : lo;
  }

  /**
   * The scalar form of the kernel's quantization, for the tails: {@code rint(v)} clamped to
   * {@code [lo, hi]}, NaN kept.
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
}
