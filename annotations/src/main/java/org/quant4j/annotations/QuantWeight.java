package org.quant4j.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the weight accessor of a {@link Quantize} class: the generated subclass overrides it to
 * return the weight passed through its weight quantizer (the reference's
 * {@code _weight_quantizer(self.weight)}), so code that reads the weight through the accessor
 * computes with the quantized weight while the stored float weight stays unchanged.
 *
 * <p>The method takes no parameters, returns {@code org.nd4j.linalg.api.ndarray.INDArray} and must
 * be overridable: not private, static or final. All {@code @QuantWeight} accessors of a class share
 * one weight quantizer, named {@code _weight_quantizer}, configured by {@link Quantize#weight()}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface QuantWeight {}
