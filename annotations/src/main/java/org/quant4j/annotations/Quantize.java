package org.quant4j.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose instances should quantize what they compute on: the Java form of the
 * reference's custom quantized module ({@code QuantMixin} / {@code QuantInputMixin} with
 * {@code pop_quant_desc_in_kwargs}), written as annotations instead of a hand-made subclass.
 *
 * <pre>{@code
 * @Quantize
 * public class Linear {
 *   public INDArray forward(@QuantInput INDArray x) { ... }   // x is fake-quantized first
 *   @QuantWeight public INDArray weight() { ... }             // callers see the quantized weight
 * }
 * }</pre>
 *
 * <p>At build time the quant4j annotation processor writes {@code QuantLinear extends Linear
 * implements QuantModule} in the same package: one {@code TensorQuantizer} for the
 * {@link QuantInput} parameters (built from {@link #input()}) and one for the {@link QuantWeight}
 * accessors (built from {@link #weight()}), constructors mirroring the visible ones plus overloads
 * that take the descriptors, and overrides that quantize, then delegate to {@code super}. The
 * quant4j agent weaves the same behaviour into the class itself at load time.
 *
 * <p>The class must be a non-final, non-private top-level or static nested class with at least one
 * non-private constructor; the processor reports anything else as a compile error on the offending
 * element.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Quantize {

  /**
   * How {@link QuantInput} parameters are quantized. The default is the reference's
   * {@code QUANT_DESC_8BIT_PER_TENSOR}: 8 bit, signed, per tensor, fake quantization, max
   * calibration, dynamic amax.
   *
   * @return the input descriptor
   */
  QuantDesc input() default @QuantDesc;

  /**
   * How {@link QuantWeight} accessors' results are quantized. The default is per channel along axis
   * 0, the reference's {@code QUANT_DESC_8BIT_LINEAR_WEIGHT_PER_ROW} and
   * {@code QUANT_DESC_8BIT_CONV2D_WEIGHT_PER_CHANNEL}: 8 bit, signed, one amax per row of a
   * {@code [out, in]} weight or per output channel of a {@code [out, in, kH, kW]} kernel.
   *
   * @return the weight descriptor
   */
  QuantDesc weight() default @QuantDesc(axis = 0);
}
