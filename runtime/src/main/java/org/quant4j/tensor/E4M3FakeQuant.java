package org.quant4j.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.tensor.internal.HostMemory;

/**
 * Scaled FP8 E4M3 fake quantization, per tensor: the reference's {@code scaled_e4m3(x, amax, 4, 3)}
 * ({@code ScaledE4M3Function}, SEMANTICS.md section 1), which on CUDA runs
 * {@code fake_e4m3fy(x * s) / s} with {@code s = 448 / amax} and then zeroes the outputs of inputs
 * with {@code |x| < 2^-24}. Here, per element in float32:
 *
 * <pre>
 *   y = |x| &lt; 2^-24 ? +0 : E4M3.round(x * m) / d
 * </pre>
 *
 * with {@code m = d = 448 / amax} (a float32 division), except that an amax at or below 2^-24 gives
 * {@code m = 0, d = 1}, as for the integer grid ({@link QuantGrid#fakeQuantizeWithAmax}): outputs are 0
 * (NaN for NaN or infinite inputs). The reference has no such rule here (its scale becomes huge or
 * infinite); quant4j applies the integer path's rule so that both formats treat a vanishing amax
 * alike. {@link E4M3#round} rounds to nearest even onto the E4M3 grid, subnormals included, saturates
 * at ±448 and keeps NaN. An infinite amax gives {@code s = 0} and NaN outputs (except the zeroed
 * small inputs), a NaN amax NaN outputs. This is the scalar truth every kernel reproduces bit for bit.
 */
public final class E4M3FakeQuant {

  /** Inputs with a magnitude below this become +0 ({@code zero_mask} of the reference). */
  public static final float ZERO_INPUT = 0x1p-24f;

  private E4M3FakeQuant() {}

  /**
   * The multiplier applied before rounding: {@code 448 / amax} in float32, or 0 when
   * {@code amax <= 2^-24}.
   *
   * @param amax the per-tensor absolute maximum
   * @return the multiplier
   */
  public static float multiplier(float amax) {
    return amax <= QuantGrid.AMAX_EPSILON ? 0f : E4M3.MAX / amax;
  }

  /**
   * The divisor applied after rounding: {@code 448 / amax} in float32, or 1 when
   * {@code amax <= 2^-24}.
   *
   * @param amax the per-tensor absolute maximum
   * @return the divisor
   */
  public static float divisor(float amax) {
    return amax <= QuantGrid.AMAX_EPSILON ? 1f : E4M3.MAX / amax;
  }

  /**
   * Fake-quantizes one value onto the scaled E4M3 grid.
   *
   * @param x the input
   * @param amax the per-tensor absolute maximum (maps to 448)
   * @return the dequantized value
   */
  public static float fakeQuantize(float x, float amax) {
    return fakeQuantize(x, multiplier(amax), divisor(amax));
  }

  /**
   * Fake-quantizes one value with precomputed constants.
   *
   * @param x the input
   * @param multiplier {@link #multiplier(float)}
   * @param divisor {@link #divisor(float)}
   * @return {@code |x| < 2^-24 ? 0 : E4M3.round(x * multiplier) / divisor}
   */
  public static float fakeQuantize(float x, float multiplier, float divisor) {
    if (Math.abs(x) < ZERO_INPUT) {
      return 0f;
    }
    return E4M3.round(x * multiplier) / divisor;
  }

  /**
   * Validates a call and reads the per-tensor amax.
   *
   * @param x the input
   * @param amax the amax, one element
   * @return amax's value as float32
   */
  static float amaxValue(INDArray x, INDArray amax) {
    TensorQuant.requireFloating("x", x);
    TensorQuant.requireNonNull("amax", amax);
    if (!amax.dataType().isNumerical()) {
      throw new IllegalArgumentException("amax must be a numeric array, got " + amax.dataType());
    }
    if (amax.length() != 1) {
      throw new IllegalArgumentException("amax must have one element for E4M3 (per-tensor only), got shape "
          + Arrays.toString(amax.shape()));
    }
    float a = (float) QuantScales.values(amax)[0];
    if (a < 0) {
      throw new IllegalArgumentException("amax must be non-negative (Negative values in amax), got " + a);
    }
    return a;
  }

  /**
   * Fake-quantizes x into out (which may be x), choosing the kernel: the one-pass Vector API kernel for
   * float32 host arrays unless {@link KernelPath#ND4J_OPS} is selected, else the scalar loop (there is
   * no ND4J op for the E4M3 rounding, so device arrays and other types take this path).
   *
   * @param x the input
   * @param amax its per-tensor amax value
   * @param out the output, x's shape and type
   */
  static void run(INDArray x, float amax, INDArray out) {
    if (x.length() == 0) {
      return;
    }
    float m = multiplier(amax);
    float d = divisor(amax);
    if (KernelPath.selected() != KernelPath.ND4J_OPS && HostE4M3Kernel.canRun(x)) {
      if (HostE4M3Kernel.canRun(out)) {
        HostE4M3Kernel.run(x, out, m, d);
      } else {
        INDArray tmp = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        HostE4M3Kernel.run(x, tmp, m, d);
        out.assign(tmp);
      }
      return;
    }
    runScalar(x, m, d, out);
  }

  /**
   * The scalar path: reads x as float32 (float16 and bfloat16 exactly, float64 rounded), applies
   * {@link #fakeQuantize(float, float, float)} and writes the result back in x's type.
   */
  static void runScalar(INDArray x, float m, float d, INDArray out) {
    INDArray f = x.dataType() == DataType.FLOAT ? x : x.castTo(DataType.FLOAT);
    float[] v = HostMemory.floats(f);
    for (int i = 0; i < v.length; i++) {
      v[i] = fakeQuantize(v[i], m, d);
    }
    INDArray r = Nd4j.create(v, x.shape(), 'c');
    out.assign(r.dataType() == out.dataType() ? r : r.castTo(out.dataType()));
  }
}
