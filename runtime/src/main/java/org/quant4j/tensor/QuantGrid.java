package org.quant4j.tensor;

/**
 * The integer grid of a linear quantizer: its bounds for a bit width, signedness and range, and the
 * scalar fake quantization every kernel in quant4j must reproduce bit for bit.
 *
 * <p>Following pytorch-quantization 2.2.1 ({@code tensor_quant._tensor_quant}):
 * {@code maxBound = 2^(numBits - 1 + unsigned) - 1}; {@code minBound} is 0 when unsigned,
 * {@code -maxBound} with a narrow range and {@code -maxBound - 1} otherwise. For an amax the scale is
 * {@code maxBound / amax} in float32, zero when {@code amax <= 2^-24}; an input x quantizes to
 * {@code q = clamp(rint(x * scale), minBound, maxBound)} (round half to even) and dequantizes to
 * {@code q / scale}, a division by the rounded scale. See Jacob et al., "Quantization and Training of
 * Neural Networks for Efficient Integer-Arithmetic-Only Inference", CVPR 2018, for the scheme.
 *
 * @param numBits the bit width, 1 to 16 (0 is accepted for parity with the reference, which gives a
 *     max bound of -0.5)
 * @param unsigned whether the grid is [0, maxBound]
 * @param narrowRange whether a signed grid is symmetric, [-maxBound, maxBound]
 */
public record QuantGrid(int numBits, boolean unsigned, boolean narrowRange) {

  /** amax at or below this is treated as zero: the scale becomes 0 and outputs 0. */
  public static final float AMAX_EPSILON = 0x1p-24f;

  /** The largest bit width quant4j quantizes to. */
  public static final int MAX_BITS = 16;

  /**
   * Checks the bit width.
   *
   * @throws IllegalArgumentException if {@code numBits} is outside [0, 16] (0 describes the
   *     reference's degenerate grid; the tensor kernels themselves refuse it)
   */
  public QuantGrid {
    requireNumBits(numBits, 0, "numBits");
  }

  /**
   * The one check of a bit width, for every class that takes one.
   *
   * @param numBits the bit width
   * @param min the smallest accepted: 0 where the reference's degenerate grid may be described, 1 where values
   *     are quantized
   * @param name the name the caller's user knows it by ({@code numBits} in code, {@code num_bits} in a
   *     configuration file)
   * @throws IllegalArgumentException if {@code numBits} is outside [min, {@value #MAX_BITS}]
   */
  public static void requireNumBits(int numBits, int min, String name) {
    if (numBits < min || numBits > MAX_BITS) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + MAX_BITS + "], got " + numBits);
    }
  }

  /**
   * The largest quantized value, {@code 2^(numBits - 1 + unsigned) - 1}, as float32.
   *
   * @return the max bound
   */
  public float maxBound() {
    return (float) (Math.pow(2.0, numBits - 1 + (unsigned ? 1 : 0)) - 1.0);
  }

  /**
   * The smallest quantized value: 0 unsigned, {@code -maxBound} narrow, else {@code -maxBound - 1}.
   *
   * @return the min bound
   */
  public float minBound() {
    if (unsigned) {
      return 0f;
    }
    float max = maxBound();
    return narrowRange ? -max : -max - 1f;
  }

  /**
   * The scale for an amax: {@code maxBound / amax} in float32, or 0 when {@code amax <= 2^-24}. An
   * infinite amax gives 0 as well, and a NaN amax gives NaN.
   *
   * @param amax the absolute maximum that maps to {@code maxBound}
   * @return the float32 scale
   */
  public float scale(float amax) {
    if (amax <= AMAX_EPSILON) {
      return 0f;
    }
    return maxBound() / amax;
  }

  /**
   * Quantizes one value: {@code clamp(rint(x * scale), minBound, maxBound)}. NaN stays NaN.
   *
   * @param x the input
   * @param scale the scale from {@link #scale(float)}
   * @return the quantized value, an integer held in a float
   */
  public float quantize(float x, float scale) {
    float q = (float) Math.rint(x * scale);
    float lo = minBound();
    float hi = maxBound();
    return q < lo ? lo : (q > hi ? hi : q);
  }

  /**
   * Fake-quantizes one value: {@code quantize(x, scale) / scale}. With scale 0 the result is 0 for a
   * finite x (the reference's masked scale of 1) and NaN for a NaN or infinite x.
   *
   * @param x the input
   * @param scale the scale from {@link #scale(float)}
   * @return the dequantized value
   */
  public float fakeQuantize(float x, float scale) {
    if (scale == 0f) {
      float q = x * 0f;
      return q / 1f;
    }
    return quantize(x, scale) / scale;
  }

  /**
   * Fake-quantizes one value for an amax, exactly as the reference's {@code fake_tensor_quant}: where
   * {@code amax <= 2^-24} the scale is masked and the result is {@code (x * 0) / 1} (0, or NaN for a
   * NaN or infinite x); otherwise {@code quantize(x, s) / s} with {@code s = scale(amax)}, which is
   * {@code 0 / 0 = NaN} when the scale is 0 without masking (an infinite amax, or 1 bit signed).
   * {@link #fakeQuantize(float, float)} cannot tell these cases apart from the scale alone.
   *
   * @param x the input
   * @param amax the channel's amax
   * @return the dequantized value
   */
  public float fakeQuantizeWithAmax(float x, float amax) {
    if (amax <= AMAX_EPSILON) {
      return (x * 0f) / 1f;
    }
    float s = scale(amax);
    return quantize(x, s) / s;
  }
}
