/**
 * Custom layers quantized with {@code @Quantize}: the reference's custom-module pattern
 * ({@code QuantLinear}, {@code QuantMaxPool2d}) written as annotations. The build generates
 * {@code QuantLinear} and {@code QuantMaxPool2d} into {@code target/generated-sources/annotations}.
 */
package org.quant4j.examples.custom;
