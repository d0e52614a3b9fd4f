package org.quant4j.tensor;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one-pass float32 E4M3 fake-quantization kernel over host memory, on the Java Vector API,
 * bit-exact with {@link E4M3FakeQuant#fakeQuantize(float, float, float)}.
 *
 * <p>Per lane, with {@code v = x * m} and {@code a = |v|}:
 * <ul>
 *   <li>normal range ({@code a >= 2^-6}): keep 3 of the 23 mantissa bits, rounding the 20 dropped
 *       bits half to even on the integer bits, {@code (bits + 0x7ffff + lsb) & 0xfff00000}, where
 *       {@code lsb} is the lowest kept bit; a carry moves to the next binade; then {@code min(., 448)}
 *       saturates (infinity included);
 *   <li>subnormal range ({@code a < 2^-6}, fixed quantum {@code 2^-9}): {@code rint(a * 512) * 2^-9},
 *       with rint as {@code (c + 1.5 * 2^23) - 1.5 * 2^23}, exact since {@code c < 8};
 * </ul>
 * the two are blended by the range mask, v's sign bit is put back, NaN lanes keep v, the result is
 * divided by {@code d}, and lanes with {@code |x| < 2^-24} become +0.
 *
 * <p>Arrays must be float32, C-contiguous, in host memory and under 2 GiB ({@link #canRun}). Input and
 * output may be the same array.
 */
final class VectorE4M3Kernel {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final float MAGIC = 0x1.8p23f;
  private static final int SIGN = 0x80000000;
  private static final int DROPPED_HALF = 0x7ffff;
  private static final int KEPT = 0xfff00000;
  private static final int MANTISSA_SHIFT = 20;
  private static final float SUBNORMAL_STEPS = 512f;

  private VectorE4M3Kernel() {}

  /**
   * Whether the kernel can read or write an array in place.
   *
   * @param a the array
   * @return true for a float32, C-contiguous, host-memory array of under 2 GiB
   */
  static boolean canRun(INDArray a) {
    return VectorFakeQuantKernel.canRun(a);
  }

  /**
   * Fake-quantizes x into out.
   *
   * @param x the input ({@link #canRun})
   * @param out the output, same shape ({@link #canRun}); may be x
   * @param m the multiplier
   * @param d the divisor
   */
  static void run(INDArray x, INDArray out, float m, float d) {
    long n = x.length();
    if (n == 0) {
      return;
    }
    ByteBuffer in = HostMemory.bytes(x);
    ByteBuffer dst = x == out ? in : HostMemory.bytes(out);
    try {
      ParallelRanges.forEach(n, (from, to) -> FloatLanes.map(in, dst, (int) from, (int) to,
          (i, o, a, b) -> runRange(i, o, a, b, m, d)));
    } finally {
      Reference.reachabilityFence(x);
      Reference.reachabilityFence(out);
    }
  }

  private static void runRange(FloatLanes in, FloatLanes out, int from, int to, float m, float d) {
    FloatVector vm = FloatVector.broadcast(SPECIES, m);
    FloatVector vd = FloatVector.broadcast(SPECIES, d);
    FloatVector zero = FloatVector.zero(SPECIES);
    int upper = from + SPECIES.loopBound(to - from);
    int i = from;
    for (; i < upper; i += LANES) {
      FloatVector x = in.load(SPECIES, i);
      FloatVector y = round(x.mul(vm)).div(vd);
      out.store(y.blend(zero, x.abs().compare(VectorOperators.LT, E4M3FakeQuant.ZERO_INPUT)), i);
    }
    for (; i < to; i++) {
      out.put(i, E4M3FakeQuant.fakeQuantize(in.get(i), m, d));
    }
  }

  /** {@link E4M3#round} on every lane. */
  static FloatVector round(FloatVector v) {
    FloatVector a = v.abs();
    IntVector bits = a.reinterpretAsInts();
    IntVector lsb = bits.lanewise(VectorOperators.LSHR, MANTISSA_SHIFT).and(1);
    FloatVector normal = bits.add(DROPPED_HALF).add(lsb).and(KEPT).reinterpretAsFloats().min(E4M3.MAX);
    FloatVector subnormal =
        a.mul(SUBNORMAL_STEPS).add(MAGIC).sub(MAGIC).mul(E4M3.MIN_SUBNORMAL);
    FloatVector magnitude = normal.blend(subnormal, a.compare(VectorOperators.LT, E4M3.MIN_NORMAL));
    FloatVector signed =
        magnitude.reinterpretAsInts().or(v.reinterpretAsInts().and(SIGN)).reinterpretAsFloats();
    return signed.blend(v, v.test(VectorOperators.IS_NAN));
  }
}
