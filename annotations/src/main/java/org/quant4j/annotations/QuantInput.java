package org.quant4j.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method parameter of a {@link Quantize} class as an input to quantize: the generated
 * subclass overrides the method, passes the parameter through its input quantizer and then calls
 * the original method with the quantized value (the reference's {@code _input_quantizer(input)}).
 *
 * <p>The parameter must be an {@code org.nd4j.linalg.api.ndarray.INDArray} or an array (or
 * varargs) of them; each element is quantized. The method must be overridable: not private, static
 * or final. All {@code @QuantInput} parameters of a class share one input quantizer, named
 * {@code _input_quantizer}, configured by {@link Quantize#input()}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface QuantInput {}
