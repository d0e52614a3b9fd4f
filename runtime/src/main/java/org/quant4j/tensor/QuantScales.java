package org.quant4j.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.tensor.internal.HostMemory;

/**
 * The per-channel constants of one quantization call, with the reference's dtype rules
 * ({@code tensor_quant._tensor_quant}, SEMANTICS.md section 1).
 *
 * <p>{@code scale = maxBound / amax} is computed in the dtype torch's type promotion gives the float32
 * 0-dim {@code max_bound} and amax (float16 amax upcast to float32 first): float64 for a float64 amax,
 * bfloat16 for a bfloat16 amax with dims, float32 otherwise. Where {@code amax <= 2^-24} (and amax holds
 * no NaN, since the reference tests {@code amax.min()}) the multiplier is 0 and the reported scale 1.
 * The multiply, {@code rint} and clamp run in the compute precision: float32 for float32 and float16
 * inputs (float16 is upcast), float64 for float64 and bfloat16 for bfloat16 (which torch does not
 * upcast). The reported scale is {@code scale.to(x.dtype)}, and fake quantization divides the
 * quantized values, in x's precision, by it.
 */
final class QuantScales {

  private final Precision compute;
  private final Precision output;
  private final double[] multiplier;
  private final double[] reported;
  private final double lo;
  private final double hi;
  private final boolean halfScaleOverflow;
  private final float[] multiplierFloats;
  private final float[] reportedFloats;

  private QuantScales(Precision compute, Precision output, double[] multiplier, double[] reported,
      double lo, double hi, boolean halfScaleOverflow) {
    this.compute = compute;
    this.output = output;
    this.multiplier = multiplier;
    this.reported = reported;
    this.lo = lo;
    this.hi = hi;
    this.halfScaleOverflow = halfScaleOverflow;
    this.multiplierFloats = toFloats(multiplier);
    this.reportedFloats = toFloats(reported);
  }

  /**
   * Computes the constants.
   *
   * @param amaxValues amax in C order, as exact doubles
   * @param amaxType amax's data type
   * @param amaxRank amax's rank (0 for a 0-dim amax)
   * @param xType x's data type
   * @param grid the quantization grid
   * @return the constants
   */
  static QuantScales of(double[] amaxValues, DataType amaxType, int amaxRank, DataType xType, QuantGrid grid) {
    Precision scaleType = scalePrecision(amaxType, amaxRank);
    Precision output = Precision.of(xType);
    Precision compute = switch (xType) {
      case DOUBLE -> Precision.FLOAT64;
      case BFLOAT16 -> Precision.BFLOAT16;
      default -> Precision.FLOAT32;
    };
    boolean anyNaN = false;
    for (double a : amaxValues) {
      anyNaN |= Double.isNaN(a);
    }
    double maxBound = grid.maxBound();
    int n = amaxValues.length;
    double[] multiplier = new double[n];
    double[] reported = new double[n];
    boolean anyScaleNaN = false;
    double maxScale = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < n; c++) {
      double a = amaxValues[c];
      double scale = scaleType == Precision.BFLOAT16
          ? scaleType.round((float) (maxBound / a)) : scaleType.round(maxBound / a);
      boolean masked = !anyNaN && a <= QuantGrid.AMAX_EPSILON;
      multiplier[c] = compute.round(masked ? 0.0 : scale);
      double r = masked ? 1.0 : scale;
      anyScaleNaN |= Double.isNaN(r);
      maxScale = Math.max(maxScale, r);
      reported[c] = output.round(r);
    }
    boolean halfOverflow = xType == DataType.HALF && !anyScaleNaN && maxScale > 65504.0;
    double lo = compute.round(grid.minBound());
    double hi = compute.round(grid.maxBound());
    return new QuantScales(compute, output, multiplier, reported, lo, hi, halfOverflow);
  }

  private static Precision scalePrecision(DataType amaxType, int amaxRank) {
    return switch (amaxType) {
      case DOUBLE -> Precision.FLOAT64;
      case BFLOAT16 -> amaxRank == 0 ? Precision.FLOAT32 : Precision.BFLOAT16;
      default -> Precision.FLOAT32;
    };
  }

  /**
   * Reads an amax tensor's values in C order as exact doubles.
   *
   * @param amax the amax tensor
   * @return its values
   */
  static double[] values(INDArray amax) {
    return HostMemory.doubles(amax);
  }

  /** @return the precision of the multiply, rint and clamp */
  Precision compute() {
    return compute;
  }

  /** @return x's precision, that of the outputs and the reported scale */
  Precision output() {
    return output;
  }

  /** @return per channel, the multiplier {@code x * m} uses (0 where amax is at or below 2^-24) */
  double[] multiplier() {
    return multiplier;
  }

  /** @return per channel, {@code scale.to(x.dtype)}: the reported scale and the fake-quant divisor */
  double[] reported() {
    return reported;
  }

  /** @return the lower clamp bound in the compute precision */
  double lo() {
    return lo;
  }

  /** @return the upper clamp bound in the compute precision */
  double hi() {
    return hi;
  }

  /** @return whether x is float16 and a scale exceeds 65504, which tensor_quant rejects */
  boolean halfScaleOverflow() {
    return halfScaleOverflow;
  }

  /** @return the multipliers as float32 (exact when the compute precision is float32) */
  float[] multiplierFloats() {
    return multiplierFloats;
  }

  /** @return the divisors as float32 (exact when x is float32) */
  float[] reportedFloats() {
    return reportedFloats;
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
