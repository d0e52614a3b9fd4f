package org.quant4j.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.tensor.internal.HostMemory;
import org.quant4j.tensor.internal.StorageLayout;

/**
 * Linear quantization of ND4J tensors, bit-exact with pytorch-quantization 2.2.1's CPU path
 * ({@code tensor_quant.fake_tensor_quant}, {@code tensor_quant}, {@code legacy_fake_tensor_quant},
 * {@code fake_affine_tensor_quant}; SEMANTICS.md section 1).
 *
 * <p>With {@code maxBound = 2^(numBits - 1 + unsigned) - 1} and {@code scale = maxBound / amax}
 * (float32, 0 where {@code amax <= 2^-24}), an element quantizes to
 * {@code q = clamp(rint(x * scale), minBound, maxBound)}, rounding half to even, and fake quantization
 * returns {@code q / scale}, a true division by the rounded scale. This is the symmetric scheme of
 * Jacob et al., "Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only
 * Inference", CVPR 2018, as TensorRT uses it (Wu et al., "Integer Quantization for Deep Learning
 * Inference: Principles and Empirical Evaluation", arXiv:2004.09602).
 *
 * <p>amax is a tensor whose shape broadcasts against x: 0-dim (or one element) per tensor,
 * {@code [C, 1, ...]} per channel along axis 0, a 1-D {@code [C]} along the last axis, and so on. NaN
 * stays NaN; infinities clamp to the bounds; an amax at or below 2^-24 gives zeros (NaN for NaN or
 * infinite inputs); an infinite amax gives scale 0, so real quantization gives zeros and fake
 * quantization NaN. float16 inputs are computed in float32 and rounded back (dequantized as
 * {@code half(q) / half(scale)}); bfloat16 inputs are computed in bfloat16; float64 inputs in float64.
 *
 * <p>Inputs are never modified. Results are new arrays of x's data type, except for
 * {@link #fakeTensorQuantInto}, which writes into a given array. The kernel that runs is chosen by
 * {@link KernelPath}; every path gives the same bits. A call with the float32 amax array of an earlier call
 * reuses that call's per-channel constants while the array holds the same values (compared on every call), so
 * an amax changed in place is always quantized with its new values.
 */
public final class TensorQuant {

  /** The reference's default bit width. */
  public static final int DEFAULT_NUM_BITS = 8;

  private TensorQuant() {}

  /**
   * Fake-quantizes with the reference's defaults: 8 bits, signed, narrow range ({@code [-127, 127]}).
   *
   * @param x the input, a floating tensor
   * @param amax the absolute maximum that maps to the largest quantized value; broadcasts against x
   * @return a new array {@code q / scale} of x's shape and data type
   * @throws IllegalArgumentException for bad input (see {@link #fakeTensorQuant(INDArray, INDArray, int, boolean, boolean)})
   */
  public static INDArray fakeTensorQuant(INDArray x, INDArray amax) {
    return fakeTensorQuant(x, amax, DEFAULT_NUM_BITS, false, true);
  }

  /**
   * Fake-quantizes: quantizes to the integer grid and dequantizes, {@code clamp(rint(x * s)) / s} with
   * {@code s = maxBound / amax}.
   *
   * @param x the input, a floating tensor (float32, float64, float16 or bfloat16)
   * @param amax the absolute maximum, non-negative, a tensor that broadcasts against x
   * @param numBits the bit width, 1 to 16
   * @param unsigned whether the grid is {@code [0, 2^numBits - 1]}; x must then have no negative value
   *     (unless it holds a NaN, as in the reference)
   * @param narrowRange whether a signed grid is {@code [-maxBound, maxBound]} rather than
   *     {@code [-maxBound - 1, maxBound]}
   * @return a new array of x's shape and data type
   * @throws IllegalArgumentException if an argument is null, numBits is outside [1, 16], x is not
   *     floating, amax does not broadcast against x or has a negative value, or unsigned x has a
   *     negative value
   */
  public static INDArray fakeTensorQuant(INDArray x, INDArray amax, int numBits, boolean unsigned,
      boolean narrowRange) {
    Call call = Call.of(x, amax, numBits, unsigned, narrowRange);
    INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
    call.run(x, out, true);
    return out;
  }

  /**
   * Fake-quantizes into a given array, allocating no tensor: the path the layer hooks use with
   * workspace arrays. With the Vector API kernel and float32 C-contiguous host arrays the work is one
   * pass over the memory; other arrays go through a scratch copy.
   *
   * @param x the input
   * @param amax the absolute maximum, broadcasting against x
   * @param numBits the bit width, 1 to 16
   * @param unsigned whether the grid is unsigned
   * @param narrowRange whether a signed grid is symmetric
   * @param out the destination, x's shape and data type; may be x itself (x is then overwritten)
   * @return {@code out}
   * @throws IllegalArgumentException as {@link #fakeTensorQuant(INDArray, INDArray, int, boolean, boolean)},
   *     or if out is null or differs from x in shape or data type
   */
  public static INDArray fakeTensorQuantInto(INDArray x, INDArray amax, int numBits, boolean unsigned,
      boolean narrowRange, INDArray out) {
    Call call = Call.of(x, amax, numBits, unsigned, narrowRange);
    requireSameShapeAndType(x, out);
    call.run(x, out, true);
    return out;
  }

  /**
   * Fake-quantizes onto the FP8 E4M3 grid, per tensor: the reference's {@code scaled_e4m3(x, amax, 4, 3)}
   * with {@code y = E4M3.round(x * s) / s}, {@code s = 448 / amax} in float32, and
   * {@code |x| < 2^-24} giving 0 (see {@link E4M3FakeQuant} for every edge case; an amax at or below
   * 2^-24 gives zeros, as on the integer grid). float32 host arrays take a one-pass Vector API kernel;
   * other types are computed in float32 and rounded back to x's type. The STE backward is
   * {@link #fakeTensorQuantBackward} with the same amax.
   *
   * @param x the input, a floating tensor
   * @param amax the per-tensor absolute maximum (maps to 448): one element, non-negative
   * @return a new array of x's shape and data type
   * @throws IllegalArgumentException if an argument is null, x is not floating, or amax has more than
   *     one element or is negative
   */
  public static INDArray fakeTensorQuantE4M3(INDArray x, INDArray amax) {
    float a = E4M3FakeQuant.amaxValue(x, amax);
    INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
    E4M3FakeQuant.run(x, a, out);
    return out;
  }

  /**
   * {@link #fakeTensorQuantE4M3} writing into a given array, allocating nothing on the float32 host
   * path.
   *
   * @param x the input
   * @param amax the per-tensor absolute maximum, one element
   * @param out the destination, x's shape and data type; may be x itself
   * @return {@code out}
   * @throws IllegalArgumentException as {@link #fakeTensorQuantE4M3}, or if out is null or differs
   *     from x in shape or data type
   */
  public static INDArray fakeTensorQuantE4M3Into(INDArray x, INDArray amax, INDArray out) {
    float a = E4M3FakeQuant.amaxValue(x, amax);
    requireSameShapeAndType(x, out);
    E4M3FakeQuant.run(x, a, out);
    return out;
  }

  private static void requireSameShapeAndType(INDArray x, INDArray out) {
    if (out == null) {
      throw new IllegalArgumentException("out must be an array of x's shape and type, got null");
    }
    if (!Arrays.equals(out.shape(), x.shape()) || out.dataType() != x.dataType()) {
      throw new IllegalArgumentException("out must have x's shape " + Arrays.toString(x.shape()) + " and type "
          + x.dataType() + ", got " + Arrays.toString(out.shape()) + " " + out.dataType());
    }
  }

  /**
   * Quantizes to the integer grid with the reference's defaults: 8 bits, signed, narrow range.
   *
   * @param x the input
   * @param amax the absolute maximum, broadcasting against x
   * @return the integers (in x's data type) and the scale
   * @throws IllegalArgumentException for bad input
   */
  public static QuantizedTensor tensorQuant(INDArray x, INDArray amax) {
    return tensorQuant(x, amax, DEFAULT_NUM_BITS, false);
  }

  /**
   * Quantizes to the integer grid, {@code clamp(rint(x * scale))}, narrow range (as the reference's
   * {@code tensor_quant}, whose TensorQuantizer never passes narrow_range).
   *
   * @param x the input
   * @param amax the absolute maximum, broadcasting against x
   * @param numBits the bit width, 1 to 16
   * @param unsigned whether the grid is unsigned
   * @return the integers (in x's data type) and the scale (amax's shape, x's data type, 1 where amax
   *     is at or below 2^-24)
   * @throws IllegalArgumentException for bad input, and for float16 x when a scale exceeds 65504 (it
   *     would overflow float16)
   */
  public static QuantizedTensor tensorQuant(INDArray x, INDArray amax, int numBits, boolean unsigned) {
    return tensorQuant(x, amax, numBits, unsigned, true);
  }

  /**
   * Quantizes to the integer grid, with an explicit range choice.
   *
   * @param x the input
   * @param amax the absolute maximum, broadcasting against x
   * @param numBits the bit width, 1 to 16
   * @param unsigned whether the grid is unsigned
   * @param narrowRange whether a signed grid is symmetric
   * @return the integers and the scale
   * @throws IllegalArgumentException for bad input, and for float16 x when a scale exceeds 65504
   */
  public static QuantizedTensor tensorQuant(INDArray x, INDArray amax, int numBits, boolean unsigned,
      boolean narrowRange) {
    Call call = Call.of(x, amax, numBits, unsigned, narrowRange);
    if (call.scales.halfScaleOverflow()) {
      throw new IllegalArgumentException("amax is too small for float16 x: scale is too large for FP16 (above 65504) with amax="
          + Arrays.toString(QuantScales.values(amax)));
    }
    INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
    call.run(x, out, false);
    INDArray scale = ElementwiseFakeQuant.arrayOf(call.scales.reported(), amax.shape(), x.dataType());
    return new QuantizedTensor(out, scale);
  }

  /**
   * The reference's {@code legacy_fake_tensor_quant}: on CPU the same numerics as
   * {@link #fakeTensorQuant(INDArray, INDArray, int, boolean, boolean)}.
   *
   * @param x the input
   * @param amax the absolute maximum
   * @param numBits the bit width
   * @param unsigned whether the grid is unsigned
   * @param narrowRange whether a signed grid is symmetric
   * @return the fake-quantized array
   */
  public static INDArray legacyFakeTensorQuant(INDArray x, INDArray amax, int numBits, boolean unsigned,
      boolean narrowRange) {
    return fakeTensorQuant(x, amax, numBits, unsigned, narrowRange);
  }

  /**
   * The straight-through estimator of fake and real quantization: the gradient passes where
   * {@code |x| <= amax} (inclusive) and is 0 elsewhere and where x is NaN. amax gets no gradient.
   *
   * @param gradOut the gradient with respect to the output, x's shape
   * @param x the forward input
   * @param amax the forward amax, broadcasting against x
   * @return a new array of gradOut's data type
   * @throws IllegalArgumentException if an argument is null, shapes differ, or amax does not broadcast
   */
  public static INDArray fakeTensorQuantBackward(INDArray gradOut, INDArray x, INDArray amax) {
    requireFloating("x", x);
    requireNonNull("amax", amax);
    requireNonNull("gradOut", gradOut);
    if (!Arrays.equals(gradOut.shape(), x.shape())) {
      throw new IllegalArgumentException("gradOut must have x's shape " + Arrays.toString(x.shape())
          + ", got " + Arrays.toString(gradOut.shape()));
    }
    ChannelLayout layout = ChannelLayout.of("amax", x.shape(), amax.shape());
    double[] a = QuantScales.values(amax);
    float[] floatAmax = exactFloats(a);
    if (floatAmax != null && gradOut.dataType() == DataType.FLOAT && x.dataType() == DataType.FLOAT
        && HostMemory.isHost(gradOut) && HostMemory.isHost(x) && KernelPath.selected() != KernelPath.ND4J_OPS
        && x.length() * Float.BYTES <= Integer.MAX_VALUE) {
      if (layout.mode() == ChannelLayout.Mode.PER_TENSOR && !HostFakeQuantKernel.canRun(x)
          && StorageLayout.sameDenseStorage(x, gradOut)) {
        // one amax for every element and the same storage order: mask the buffers as they lie
        INDArray out = StorageLayout.uninitializedLike(x);
        INDArray flatOut = StorageLayout.flatStorage(out);
        StraightThroughKernel.run(StorageLayout.flatStorage(gradOut), StorageLayout.flatStorage(x), floatAmax,
            ChannelLayout.of("amax", flatOut.shape(), new long[0]), flatOut);
        return out;
      }
      INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
      StraightThroughKernel.run(cContiguous(gradOut), cContiguous(x), floatAmax, layout, out);
      return out;
    }
    double[] xs = ElementwiseFakeQuant.valuesOf(x);
    double[] g = ElementwiseFakeQuant.valuesOf(gradOut);
    double[] result = new double[xs.length];
    layout.forEachElement((i, c) -> result[i] = Math.abs(xs[i]) <= a[c] ? g[i] : 0.0);
    if (xs.length == 0) {
      return Nd4j.createUninitialized(gradOut.dataType(), gradOut.shape(), 'c');
    }
    return ElementwiseFakeQuant.arrayOf(result, gradOut.shape(), gradOut.dataType());
  }

  /** The array itself when the vector kernels can read it in place, else a C-order copy. */
  private static INDArray cContiguous(INDArray a) {
    return HostFakeQuantKernel.canRun(a) ? a : a.dup('c');
  }

  /** The values as float32 if float32 holds every one exactly (NaN included), else null. */
  private static float[] exactFloats(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      f[i] = (float) values[i];
      if (f[i] != values[i] && !Double.isNaN(values[i])) {
        return null;
      }
    }
    return f;
  }

  /**
   * The reference's {@code fake_affine_tensor_quant}: asymmetric fake quantization over
   * {@code [min, max]}. With {@code step = (max - min) / (2^numBits - 1)} and
   * {@code zp = rint(min / step) + 2^(numBits - 1)}:
   * {@code out = (clamp(rint(x / step) - zp, -2^(numBits-1), 2^(numBits-1) - 1) + zp) * step},
   * every operation in x's precision.
   *
   * @param x the input
   * @param min the range's lower end, a tensor broadcasting against x (usually 0-dim)
   * @param max the range's upper end, min's shape
   * @param numBits the bit width, 1 to 16
   * @return a new array of x's shape and data type
   * @throws IllegalArgumentException if an argument is null, numBits is out of range, or min and max
   *     differ in shape or do not broadcast against x
   */
  public static INDArray fakeAffineTensorQuant(INDArray x, INDArray min, INDArray max, int numBits) {
    requireFloating("x", x);
    requireNonNull("min", min);
    requireNonNull("max", max);
    QuantGrid.requireNumBits(numBits, 1, "numBits");
    if (!Arrays.equals(min.shape(), max.shape())) {
      throw new IllegalArgumentException("min and max must have the same shape, got min "
          + Arrays.toString(min.shape()) + " and max " + Arrays.toString(max.shape()));
    }
    ChannelLayout layout = ChannelLayout.of("min", x.shape(), min.shape());
    Precision p = Precision.of(x.dataType());
    double[] lows = QuantScales.values(min);
    double[] highs = QuantScales.values(max);
    double levels = Math.pow(2.0, numBits) - 1.0;
    double minBound = -Math.pow(2.0, numBits - 1);
    double maxBound = Math.pow(2.0, numBits - 1) - 1.0;
    double[] step = new double[lows.length];
    double[] zero = new double[lows.length];
    for (int c = 0; c < lows.length; c++) {
      step[c] = p.round(p.round(highs[c] - lows[c]) / levels);
      zero[c] = p.round(Math.rint(p.round(lows[c] / step[c])) - minBound);
    }
    double[] xs = ElementwiseFakeQuant.valuesOf(x);
    double[] result = new double[xs.length];
    layout.forEachElement((i, c) -> {
      double q = p.round(Math.rint(p.round(xs[i] / step[c])) - zero[c]);
      q = q < minBound ? minBound : (q > maxBound ? maxBound : q);
      result[i] = p.round(p.round(q + zero[c]) * step[c]);
    });
    if (xs.length == 0) {
      return Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
    }
    return ElementwiseFakeQuant.arrayOf(result, x.shape(), x.dataType());
  }

  /**
   * The straight-through estimator of {@link #fakeAffineTensorQuant}: the gradient passes where
   * {@code min <= x <= max} and is 0 elsewhere and where x is NaN.
   *
   * @param gradOut the gradient with respect to the output, x's shape
   * @param x the forward input
   * @param min the forward range's lower end
   * @param max the forward range's upper end
   * @return a new array of gradOut's data type
   * @throws IllegalArgumentException if an argument is null or shapes do not fit
   */
  public static INDArray fakeAffineTensorQuantBackward(INDArray gradOut, INDArray x, INDArray min, INDArray max) {
    requireFloating("x", x);
    requireNonNull("gradOut", gradOut);
    requireNonNull("min", min);
    requireNonNull("max", max);
    if (!Arrays.equals(gradOut.shape(), x.shape())) {
      throw new IllegalArgumentException("gradOut must have x's shape " + Arrays.toString(x.shape())
          + ", got " + Arrays.toString(gradOut.shape()));
    }
    if (!Arrays.equals(min.shape(), max.shape())) {
      throw new IllegalArgumentException("min and max must have the same shape, got min "
          + Arrays.toString(min.shape()) + " and max " + Arrays.toString(max.shape()));
    }
    ChannelLayout layout = ChannelLayout.of("min", x.shape(), min.shape());
    double[] lows = QuantScales.values(min);
    double[] highs = QuantScales.values(max);
    double[] xs = ElementwiseFakeQuant.valuesOf(x);
    double[] g = ElementwiseFakeQuant.valuesOf(gradOut);
    double[] result = new double[xs.length];
    layout.forEachElement((i, c) -> result[i] = xs[i] <= highs[c] && xs[i] >= lows[c] ? g[i] : 0.0);
    if (xs.length == 0) {
      return Nd4j.createUninitialized(gradOut.dataType(), gradOut.shape(), 'c');
    }
    return ElementwiseFakeQuant.arrayOf(result, gradOut.shape(), gradOut.dataType());
  }

  /**
   * The reference's {@code reduce_amax} with a list of axes: {@code max(|x|)} over each axis in turn
   * (keeping dims), then every size-1 dim squeezed when {@code keepdims} is false or the result has one
   * element. NaN propagates. A null axis reduces everything to a 0-dim tensor.
   *
   * @param x the input
   * @param axis the axes to reduce (negative counts from the end), or null for all
   * @param keepdims whether to keep the reduced dims as size 1
   * @return a new array of x's data type
   * @throws IllegalArgumentException if x is null, an axis is out of range, or there are more axes
   *     than x has dims
   */
  public static INDArray reduceAmax(INDArray x, int[] axis, boolean keepdims) {
    requireFloating("x", x);
    if (axis == null) {
      return AmaxReduction.reduce(x, allAxes(x.rank()), false);
    }
    if (axis.length > x.rank()) {
      throw new IllegalArgumentException("axis must name at most " + x.rank() + " dims of x (rank "
          + x.rank() + "), got " + Arrays.toString(axis));
    }
    boolean[] reduced = new boolean[x.rank()];
    for (int a : axis) {
      reduced[normalizeAxis(a, x.rank())] = true;
    }
    INDArray kept = AmaxReduction.reduce(x, reduced, true);
    if (!keepdims || kept.length() == 1) {
      return AmaxReduction.squeezeAll(kept);
    }
    return kept;
  }

  /**
   * The reference's {@code reduce_amax} with a single int axis: {@code torch.max(|x|, dim, keepdim)}.
   *
   * @param x the input
   * @param axis the axis (negative counts from the end)
   * @param keepdims whether to keep the reduced dim as size 1
   * @return a new array of x's data type
   * @throws IllegalArgumentException if x is null or the axis is out of range
   */
  public static INDArray reduceAmax(INDArray x, int axis, boolean keepdims) {
    requireFloating("x", x);
    boolean[] reduced = new boolean[x.rank()];
    reduced[normalizeAxis(axis, x.rank())] = true;
    return AmaxReduction.reduce(x, reduced, keepdims);
  }

  private static boolean[] allAxes(int rank) {
    boolean[] all = new boolean[rank];
    Arrays.fill(all, true);
    return all;
  }

  private static int normalizeAxis(int axis, int rank) {
    if (axis < -rank || axis >= rank) {
      throw new IllegalArgumentException("axis must be in [" + (-rank) + ", " + (rank - 1) + "] for x of rank "
          + rank + ", got " + axis);
    }
    return axis < 0 ? axis + rank : axis;
  }


  static void requireNonNull(String name, INDArray a) {
    if (a == null) {
      throw new IllegalArgumentException(name + " must be an INDArray, got null");
    }
  }

  static void requireFloating(String name, INDArray a) {
    requireNonNull(name, a);
    if (!a.dataType().isFPType()) {
      throw new IllegalArgumentException(name + " must be a floating-point array (FLOAT, DOUBLE, HALF or BFLOAT16), got "
          + a.dataType());
    }
  }

  /** One validated call: the layout and constants, and the choice of kernel. */
  private static final class Call {
    private final ChannelLayout layout;
    private final QuantScales scales;

    private Call(ChannelLayout layout, QuantScales scales) {
      this.layout = layout;
      this.scales = scales;
    }

    static Call of(INDArray x, INDArray amax, int numBits, boolean unsigned, boolean narrowRange) {
      requireFloating("x", x);
      requireNonNull("amax", amax);
      QuantGrid.requireNumBits(numBits, 1, "numBits");
      if (!amax.dataType().isNumerical()) {
        throw new IllegalArgumentException("amax must be a numeric array, got " + amax.dataType());
      }
      ChannelLayout layout = ChannelLayout.of("amax", x.shape(), amax.shape());
      if (unsigned && hasNegativeAndNoNaN(x)) {
        throw new IllegalArgumentException(
            "x must have no negative value for unsigned quantization (Negative values encountered in unsigned quantization.)");
      }
      QuantGrid grid = new QuantGrid(numBits, unsigned, narrowRange);
      boolean keep = ScalesCache.accepts(amax);
      QuantScales kept = keep ? ScalesCache.find(amax, x.dataType(), grid) : null;
      if (kept != null) {
        return new Call(layout, kept);
      }
      int[] bits = keep ? ScalesCache.bits(amax) : null;
      double[] a = keep ? doublesOfFloatBits(bits) : QuantScales.values(amax);
      boolean anyNaN = false;
      double min = Double.POSITIVE_INFINITY;
      for (double v : a) {
        anyNaN |= Double.isNaN(v);
        min = Math.min(min, v);
      }
      if (!anyNaN && min < 0) {
        throw new IllegalArgumentException("amax must be non-negative (Negative values in amax), got min " + min);
      }
      QuantScales scales = QuantScales.of(a, amax.dataType(), amax.rank(), x.dataType(), grid);
      if (keep) {
        ScalesCache.keep(amax, bits, x.dataType(), grid, scales);
      }
      return new Call(layout, scales);
    }

    private static double[] doublesOfFloatBits(int[] bits) {
      double[] d = new double[bits.length];
      for (int i = 0; i < bits.length; i++) {
        d[i] = Float.intBitsToFloat(bits[i]);
      }
      return d;
    }

    private static boolean hasNegativeAndNoNaN(INDArray x) {
      if (HostFakeQuantKernel.canRun(x)) {
        return HostFakeQuantKernel.hasNegativeAndNoNaN(x);
      }
      if (x.dataType() == DataType.FLOAT && HostMemory.isHost(x) && StorageLayout.isDensePermutation(x)) {
        return HostFakeQuantKernel.hasNegativeAndNoNaN(StorageLayout.flatStorage(x));
      }
      boolean negative = false;
      for (double v : ElementwiseFakeQuant.valuesOf(x)) {
        if (Double.isNaN(v)) {
          return false;
        }
        negative |= v < 0;
      }
      return negative;
    }

    void run(INDArray x, INDArray out, boolean fake) {
      KernelPath path = KernelPath.selected();
      DataType type = x.dataType();
      boolean host = HostMemory.isHost(x) && HostMemory.isHost(out);
      if (type == DataType.FLOAT && host && path != KernelPath.ND4J_OPS
          && x.length() * Float.BYTES <= Integer.MAX_VALUE) {
        runVector(x, out, fake);
      } else if (ComposedOpsFakeQuant.supports(type) && (path == KernelPath.ND4J_OPS || !host)) {
        ComposedOpsFakeQuant.run(x, out, layout, scales, fake);
      } else {
        ElementwiseFakeQuant.run(x, out, layout, scales, fake);
      }
    }

    private void runVector(INDArray x, INDArray out, boolean fake) {
      if (layout.mode() == ChannelLayout.Mode.PER_TENSOR && !HostFakeQuantKernel.canRun(x)
          && StorageLayout.sameDenseStorage(x, out)) {
        // one scale for every element: x's buffer can be quantized in storage order, into out's buffer
        // laid out the same way, without gathering the view first
        INDArray flatX = StorageLayout.flatStorage(x);
        INDArray flatOut = x == out ? flatX : StorageLayout.flatStorage(out);
        HostFakeQuantKernel.run(flatX, flatOut, ChannelLayout.of("amax", flatX.shape(), new long[0]), scales, fake);
        return;
      }
      INDArray src = HostFakeQuantKernel.canRun(x) ? x : x.dup('c');
      if (HostFakeQuantKernel.canRun(out)) {
        HostFakeQuantKernel.run(src, out, layout, scales, fake);
      } else {
        INDArray dst = src == x ? Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c') : src;
        HostFakeQuantKernel.run(src, dst, layout, scales, fake);
        out.assign(dst);
      }
    }
  }
}
