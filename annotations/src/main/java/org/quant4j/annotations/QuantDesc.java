package org.quant4j.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A quantization descriptor written as an annotation: the compile-time form of
 * {@code org.quant4j.tensor.QuantDescriptor} (the reference's {@code QuantDescriptor}), used as the
 * {@link Quantize#input()} and {@link Quantize#weight()} attributes. Every attribute defaults to the
 * reference's default, so {@code @QuantDesc} alone is {@code QUANT_DESC_8BIT_PER_TENSOR} and
 * {@code @QuantDesc(axis = 0)} is the per-channel weight descriptor.
 *
 * <p>The processor checks the values at compile time: {@code numBits} in [1, 16],
 * {@code calibMethod} "max" or "histogram", no {@code learnAmax} together with an {@code axis},
 * non-negative finite {@code amax} values, a positive finite {@code scaleAmax} when given, and
 * {@code fakeQuant} true (quantized modules only support fake quantization, as in the reference).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({})
public @interface QuantDesc {

  /**
   * The bit width of the integer grid, 1 to 16.
   *
   * @return the number of bits; default 8
   */
  int numBits() default 8;

  /**
   * The axes that keep their own amax (per-channel quantization); every other axis is reduced.
   * Empty means one amax for the whole tensor (per tensor).
   *
   * @return the quantization axes; default empty, per tensor
   */
  int[] axis() default {};

  /**
   * Whether the grid is unsigned, [0, 2^numBits - 1]; inputs must then be non-negative.
   *
   * @return whether unsigned; default false
   */
  boolean unsigned() default false;

  /**
   * Whether a signed grid is symmetric, [-(2^(numBits-1) - 1), 2^(numBits-1) - 1], instead of the
   * full range that includes -2^(numBits-1).
   *
   * @return whether narrow range; default false, as the reference's descriptor
   */
  boolean narrowRange() default false;

  /**
   * Whether to fake-quantize (quantize then dequantize, values stay float). Quantized modules only
   * support fake quantization, as in the reference; false is a compile error.
   *
   * @return whether fake quantization; default true
   */
  boolean fakeQuant() default true;

  /**
   * The calibrator collecting statistics for amax: "max" ({@code MaxCalibrator}) or "histogram"
   * ({@code HistogramCalibrator}).
   *
   * @return the calibration method; default "max"
   */
  String calibMethod() default "max";

  /**
   * Whether amax is learned during training through a {@code Clip} (the reference's
   * {@code learn_amax}); only allowed per tensor (with an empty {@link #axis()}).
   *
   * @return whether amax is learned; default false
   */
  boolean learnAmax() default false;

  /**
   * A fixed amax. One value is a scalar amax; several are a 1-D amax, as a list is in the
   * reference (it broadcasts against the last dimension). Empty means none: amax comes from
   * calibration, or is computed from each input (dynamic) until then.
   *
   * @return the fixed amax; default empty, none
   */
  float[] amax() default {};

  /**
   * A factor applied to amax before quantizing (the reference's {@code scale_amax}). {@code NaN},
   * the default, means none; any other value must be positive and finite.
   *
   * @return the amax scale factor; default {@code Float.NaN}, none
   */
  float scaleAmax() default Float.NaN;
}
