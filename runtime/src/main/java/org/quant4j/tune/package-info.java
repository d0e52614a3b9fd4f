/**
 * Which layers quantization hurts, and the cheapest precision per layer that keeps a metric: per-layer
 * sensitivity ({@link org.quant4j.tune.Sensitivity}) and a greedy mixed-precision search
 * ({@link org.quant4j.tune.MixedPrecisionSearch}) whose answer is a {@link org.quant4j.dl4j.QuantConfig}.
 */
package org.quant4j.tune;
