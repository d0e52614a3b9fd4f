package org.quant4j.tensor.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.quant4j.tensor.E4M3;
import org.quant4j.tensor.E4M3FakeQuant;

/**
 * {@link HostKernels} on the Java Vector API ({@code jdk.incubator.vector}): loaded, by name, only when
 * that module is in the boot layer. Every loop handles whole vectors, then the tail element by element
 * with {@link ScalarKernels}' per-element forms, so both implementations give the same bits.
 *
 * <p>Fake quantization per lane, bit-exact with the reference's {@code clamp(round(x * scale), lo, hi) / scale}:
 * {@code v = x * m} is clamped first, {@code c = v < lo ? lo : v > hi ? hi : v} (NaN compares false and stays
 * NaN; the bounds are integers, so clamping before rounding gives the same values; see {@link #loBelow} for the
 * sign of zero); {@code rint(c)} is then {@code (c + 1.5 * 2^23) - 1.5 * 2^23}, which rounds half to even
 * because {@code |c| <= 2^15} and at that magnitude the float32 spacing is exactly 1, with {@code c}'s sign bit
 * put back so that {@code [-0.5, 0]} gives {@code -0} as {@code rint} does; then a true division by {@code d}.
 *
 * <p>E4M3 per lane, with {@code v = x * m} and {@code a = |v|}: in the normal range ({@code a >= 2^-6}) keep 3
 * of the 23 mantissa bits, rounding the 20 dropped bits half to even on the integer bits,
 * {@code (bits + 0x7ffff + lsb) & 0xfff00000}, then {@code min(., 448)} saturates; in the subnormal range
 * (fixed quantum {@code 2^-9}) {@code rint(a * 512) * 2^-9}; v's sign goes back, NaN lanes keep v, the result
 * is divided by {@code d}, and lanes with {@code |x| < 2^-24} become +0.
 *
 * <p>Small helpers stay under HotSpot's MaxInlineSize (35 bytes of bytecode) so the JIT inlines them at every
 * call site: a vector passed to a call that is not inlined is boxed, which makes a kernel an order of
 * magnitude slower.
 */
final class VectorKernels implements HostKernels {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final VectorSpecies<Integer> INTS = SPECIES.withLanes(int.class);
  private static final int INFINITY_BITS = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);
  /**
   * The scans of the histogram ({@link #absRange}, {@link #histc}) copy their input into a {@code float[]}
   * block of this many values and load their vectors from it, which is cheaper than JDK 17's
   * {@code fromByteBuffer} per vector.
   */
  private static final int SCAN_BLOCK = 2048;
  /** Channels per column tile of {@link #quantizeRows}, a multiple of every lane count. */
  private static final int ROW_TILE = 2048;
  private static final boolean BUFFER = FloatLanes.BUFFER_ACCESS;
  private static final float MAGIC = 0x1.8p23f;
  private static final float TWO_23 = 8388608f;
  private static final int MANTISSA = (1 << 23) - 1;
  private static final int EXACT_FLOAT_INDEX = 1 << 22;
  private static final int SIGN = 0x80000000;
  private static final int DROPPED_HALF = 0x7ffff;
  private static final int KEPT = 0xfff00000;
  private static final int MANTISSA_SHIFT = 20;
  private static final float SUBNORMAL_STEPS = 512f;

  /** Public for {@link KernelChoice}, which creates it by name. */
  public VectorKernels() {}

  @Override
  public String description() {
    return "vector (" + SPECIES.vectorBitSize() + "-bit)";
  }

  // ------------------------------------------------------------------ lanes

  private static FloatVector load(VectorSpecies<Float> species, FloatLanes l, int index) {
    return BUFFER ? loadBuffer(species, l, index) : loadArray(species, l, index);
  }

  private static FloatVector loadBuffer(VectorSpecies<Float> species, FloatLanes l, int index) {
    return FloatVector.fromByteBuffer(species, l.buffer, index * Float.BYTES, FloatLanes.ORDER);
  }

  private static FloatVector loadArray(VectorSpecies<Float> species, FloatLanes l, int index) {
    return FloatVector.fromArray(species, l.array, index - l.base);
  }

  private static void store(FloatVector v, FloatLanes l, int index) {
    if (BUFFER) {
      storeBuffer(v, l, index);
    } else {
      storeArray(v, l, index);
    }
  }

  private static void storeBuffer(FloatVector v, FloatLanes l, int index) {
    v.intoByteBuffer(l.buffer, index * Float.BYTES, FloatLanes.ORDER);
  }

  private static void storeArray(FloatVector v, FloatLanes l, int index) {
    v.intoArray(l.array, index - l.base);
  }

  // ------------------------------------------------------------------ fake quantization

  @Override
  public void quantizeBlock(FloatLanes in, FloatLanes out, int from, int len, float m, float d, float lo, float hi,
      boolean fake) {
    FloatVector vm = FloatVector.broadcast(SPECIES, m);
    FloatVector vd = FloatVector.broadcast(SPECIES, d);
    FloatVector vlo = FloatVector.broadcast(SPECIES, lo);
    FloatVector vhi = FloatVector.broadcast(SPECIES, hi);
    FloatVector vbelow = FloatVector.broadcast(SPECIES, ScalarKernels.loBelow(lo));
    int end = from + len;
    int upper = from + SPECIES.loopBound(len);
    int i = from;
    if (fake) {
      for (; i < upper; i += LANES) {
        FloatVector v = load(SPECIES, in, i).mul(vm);
        store(quantize(v, vbelow, vlo, vhi).div(vd), out, i);
      }
    } else {
      for (; i < upper; i += LANES) {
        FloatVector v = load(SPECIES, in, i).mul(vm);
        store(quantize(v, vbelow, vlo, vhi), out, i);
      }
    }
    for (; i < end; i++) {
      float q = ScalarKernels.quantize(in.get(i) * m, lo, hi);
      out.put(i, fake ? q / d : q);
    }
  }

  @Override
  public void quantizeRow(FloatLanes in, FloatLanes out, int from, int len, float[] mul, float[] div, int channel,
      float lo, float hi, boolean fake) {
    FloatVector vlo = FloatVector.broadcast(SPECIES, lo);
    FloatVector vhi = FloatVector.broadcast(SPECIES, hi);
    FloatVector vbelow = FloatVector.broadcast(SPECIES, ScalarKernels.loBelow(lo));
    int upper = SPECIES.loopBound(len);
    int j = 0;
    if (fake) {
      for (; j < upper; j += LANES) {
        FloatVector v = load(SPECIES, in, from + j).mul(FloatVector.fromArray(SPECIES, mul, channel + j));
        store(quantize(v, vbelow, vlo, vhi).div(FloatVector.fromArray(SPECIES, div, channel + j)), out, from + j);
      }
    } else {
      for (; j < upper; j += LANES) {
        FloatVector v = load(SPECIES, in, from + j).mul(FloatVector.fromArray(SPECIES, mul, channel + j));
        store(quantize(v, vbelow, vlo, vhi), out, from + j);
      }
    }
    for (; j < len; j++) {
      float q = ScalarKernels.quantize(in.get(from + j) * mul[channel + j], lo, hi);
      out.put(from + j, fake ? q / div[channel + j] : q);
    }
  }

  /**
   * Column tiles of {@link #ROW_TILE} channels, each over all the rows: a tile's multipliers and divisors (2 *
   * 8 KiB) stay in the L1 cache while the rows stream past, instead of being read again from further out for
   * every row of a wide layer.
   */
  @Override
  public void quantizeRows(FloatLanes in, FloatLanes out, int from, int rows, int len, float[] mul, float[] div,
      float lo, float hi, boolean fake) {
    for (int tile = 0; tile < len; tile += ROW_TILE) {
      int width = Math.min(ROW_TILE, len - tile);
      for (int r = 0, start = from + tile; r < rows; r++, start += len) {
        quantizeRow(in, out, start, width, mul, div, tile, lo, hi, fake);
      }
    }
  }

  /** {@code rint(v)} clamped to {@code [lo, hi]}, NaN kept. */
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

  @Override
  public int negativeAndNaNFlags(FloatLanes in, int from, int to) {
    VectorMask<Float> negative = SPECIES.maskAll(false);
    VectorMask<Float> nan = SPECIES.maskAll(false);
    int upper = from + SPECIES.loopBound(to - from);
    int i = from;
    for (; i < upper; i += LANES) {
      FloatVector v = load(SPECIES, in, i);
      negative = negative.or(v.compare(VectorOperators.LT, 0f));
      nan = nan.or(v.test(VectorOperators.IS_NAN));
    }
    int flags = (negative.anyTrue() ? NEGATIVE : 0) | (nan.anyTrue() ? NAN : 0);
    return flags | ScalarKernels.flags(in, i, to);
  }

  // ------------------------------------------------------------------ E4M3

  @Override
  public void e4m3(FloatLanes in, FloatLanes out, int from, int to, float m, float d) {
    FloatVector vm = FloatVector.broadcast(SPECIES, m);
    FloatVector vd = FloatVector.broadcast(SPECIES, d);
    FloatVector zero = FloatVector.zero(SPECIES);
    int upper = from + SPECIES.loopBound(to - from);
    int i = from;
    for (; i < upper; i += LANES) {
      FloatVector x = load(SPECIES, in, i);
      FloatVector y = roundE4M3(x.mul(vm)).div(vd);
      store(y.blend(zero, x.abs().compare(VectorOperators.LT, E4M3FakeQuant.ZERO_INPUT)), out, i);
    }
    for (; i < to; i++) {
      out.put(i, E4M3FakeQuant.fakeQuantize(in.get(i), m, d));
    }
  }

  private static FloatVector roundE4M3(FloatVector v) {
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

  // ------------------------------------------------------------------ straight-through estimator

  @Override
  public void straightThroughBlock(FloatLanes grad, FloatLanes x, FloatLanes out, int from, int len, float amax) {
    FloatVector va = FloatVector.broadcast(SPECIES, amax);
    FloatVector zero = FloatVector.zero(SPECIES);
    int upper = from + SPECIES.loopBound(len);
    int i = from;
    for (; i < upper; i += LANES) {
      FloatVector a = load(SPECIES, x, i).abs();
      store(zero.blend(load(SPECIES, grad, i), a.compare(VectorOperators.LE, va)), out, i);
    }
    for (int end = from + len; i < end; i++) {
      out.put(i, Math.abs(x.get(i)) <= amax ? grad.get(i) : 0f);
    }
  }

  @Override
  public void straightThroughRow(FloatLanes grad, FloatLanes x, FloatLanes out, int from, int len, float[] amax,
      int channel) {
    FloatVector zero = FloatVector.zero(SPECIES);
    int upper = SPECIES.loopBound(len);
    int j = 0;
    for (; j < upper; j += LANES) {
      FloatVector a = load(SPECIES, x, from + j).abs();
      FloatVector va = FloatVector.fromArray(SPECIES, amax, channel + j);
      store(zero.blend(load(SPECIES, grad, from + j), a.compare(VectorOperators.LE, va)), out, from + j);
    }
    for (; j < len; j++) {
      out.put(from + j, Math.abs(x.get(from + j)) <= amax[channel + j] ? grad.get(from + j) : 0f);
    }
  }

  // ------------------------------------------------------------------ reductions

  @Override
  public double absMax(FloatLanes in, int from, int to) {
    FloatVector acc = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
    int upper = from + SPECIES.loopBound(to - from);
    int i = from;
    for (; i < upper; i += LANES) {
      acc = acc.lanewise(VectorOperators.MAX, load(SPECIES, in, i).abs());
    }
    double m = Double.NEGATIVE_INFINITY;
    for (float lane : acc.toArray()) {
      m = ScalarKernels.maxPropagatingNaN(m, lane);
    }
    return ScalarKernels.maxPropagatingNaN(m, ScalarKernels.absMaxOf(in, i, to));
  }

  @Override
  public long absRange(FloatLanes in, int from, int to, boolean skipZeros, float[] minMax) {
    int upper = from + SPECIES.loopBound(to - from);
    long kept = ScalarKernels.absRangeOf(in, upper, to, skipZeros, minMax);
    float[] block = new float[SCAN_BLOCK];
    for (int i = from; i < upper; i += SCAN_BLOCK) {
      int len = Math.min(SCAN_BLOCK, upper - i);
      in.copyTo(i, block, len);
      kept += absRangeOfBlock(block, len, skipZeros, minMax);
    }
    if (Float.isNaN(minMax[1])) {
      minMax[0] = Float.NaN; // as the scalar Math.min, which a NaN makes NaN
    }
    return kept;
  }

  /**
   * Folds {@code |x|} of {@code block[0, len)} ({@code len} a multiple of the lane count) into {@code minMax}
   * and returns how many were kept. The values are compared as the integers of their bits without the sign,
   * which order as the floats do and put every NaN above infinity, so the maximum is NaN when a NaN is there.
   * A method of its own, called per block, so that the JIT compiles it whole rather than as a loop entered
   * from the interpreter, where the vector accumulators would be boxed.
   */
  private static int absRangeOfBlock(float[] block, int len, boolean skipZeros, float[] minMax) {
    IntVector vmax = IntVector.zero(INTS);
    IntVector vmin = IntVector.broadcast(INTS, INFINITY_BITS);
    int zeros = 0;
    for (int k = 0; k < len; k += LANES) {
      IntVector a = FloatVector.fromArray(SPECIES, block, k).reinterpretAsInts().and(~SIGN);
      vmax = vmax.max(a);
      if (skipZeros) {
        VectorMask<Integer> zero = a.compare(VectorOperators.EQ, 0);
        zeros += zero.trueCount();
        vmin = vmin.min(a.blend(INFINITY_BITS, zero));
      } else {
        vmin = vmin.min(a);
      }
    }
    minMax[0] = Math.min(minMax[0], Float.intBitsToFloat(vmin.reduceLanes(VectorOperators.MIN)));
    minMax[1] = Math.max(minMax[1], Float.intBitsToFloat(vmax.reduceLanes(VectorOperators.MAX)));
    return len - zeros;
  }

  @Override
  public void histc(FloatLanes in, int from, int to, float lo, float hi, int nbins, boolean skipZeros,
      boolean inRange, int[] counts, int ways) {
    // the float index trick of histcOfBlock needs bin numbers below 2^22
    int upper = nbins >= EXACT_FLOAT_INDEX ? from : from + SPECIES.loopBound(to - from);
    float[] block = new float[SCAN_BLOCK];
    int[] slots = new int[SCAN_BLOCK];
    // value j of a block counts into way (j mod ways) of its bin, so that neighbouring values of one bin need
    // not wait for each other: the way of each lane, for every offset a vector can start at
    int[] wayOfLane = new int[Math.max(LANES, ways)];
    for (int j = 0; j < wayOfLane.length; j++) {
      wayOfLane[j] = j & (ways - 1);
    }
    int wayShift = Integer.numberOfTrailingZeros(ways);
    for (int i = from; i < upper; i += SCAN_BLOCK) {
      int len = Math.min(SCAN_BLOCK, upper - i);
      in.copyTo(i, block, len);
      slotsOfBlock(block, len, lo, hi, nbins, skipZeros, inRange, wayShift, wayOfLane, slots);
      // the increments, scalar
      for (int j = 0; j < len; j++) {
        counts[slots[j]]++;
      }
    }
    ScalarKernels.histcOf(in, upper, to, lo, hi, nbins, skipZeros, counts, ways);
  }

  /**
   * The counter of each of {@code block[0, len)} ({@code len} a multiple of the lane count) into {@code slots}:
   * its {@code histc} bin ({@code nbins} for a dropped value) shifted left by {@code wayShift}, or its way from
   * {@code wayOfLane}; a method of its own for the reason given at {@link #absRangeOfBlock}.
   */
  private static void slotsOfBlock(float[] block, int len, float lo, float hi, int nbins, boolean skipZeros,
      boolean inRange, int wayShift, int[] wayOfLane, int[] slots) {
    int wayOffsets = wayOfLane.length - 1;
    float width = hi - lo;
    float count = (float) nbins;
    float last = nbins - 1;
    if (inRange && lo == 0f) {
      // torch's grid of |x|, [0, hi], holding every value: |x| - 0 is |x|, and no index is negative
      for (int k = 0; k < len; k += LANES) {
        FloatVector f = FloatVector.fromArray(SPECIES, block, k).abs().div(width).mul(count).min(last);
        FloatVector r = f.add(TWO_23).sub(TWO_23);
        r = r.sub(1f, r.compare(VectorOperators.GT, f));
        IntVector way = IntVector.fromArray(INTS, wayOfLane, k & wayOffsets);
        r.add(TWO_23).reinterpretAsInts().and(MANTISSA).lanewise(VectorOperators.LSHL, wayShift).or(way)
            .intoArray(slots, k);
      }
      return;
    }
    FloatVector zero = FloatVector.zero(SPECIES);
    for (int k = 0; k < len; k += LANES) {
      FloatVector a = FloatVector.fromArray(SPECIES, block, k).abs();
      FloatVector f = a.sub(lo).div(width).mul(count).max(zero).min(last);
      // floor(f) as a float: round to nearest by the 2^23 trick, minus one where that rounded up
      FloatVector r = f.add(TWO_23).sub(TWO_23);
      r = r.sub(1f, r.compare(VectorOperators.GT, f));
      if (!inRange) {
        // as the scalar !(a >= lo && a <= hi): NaN is out of range too
        VectorMask<Float> out = a.compare(VectorOperators.GE, lo).and(a.compare(VectorOperators.LE, hi)).not();
        if (skipZeros) {
          out = out.or(a.compare(VectorOperators.EQ, 0f));
        }
        r = r.blend(nbins, out);
      }
      // an integer-valued float in [0, 2^22] plus 2^23 holds that integer in its mantissa bits
      IntVector way = IntVector.fromArray(INTS, wayOfLane, k & wayOffsets);
      r.add(TWO_23).reinterpretAsInts().and(MANTISSA).lanewise(VectorOperators.LSHL, wayShift).or(way)
          .intoArray(slots, k);
    }
  }
}
