package org.quant4j.tune;

/**
 * What a layer holds, for costing a format: the elements its quantized weights have and the elements of one
 * example's input to it.
 *
 * @param layer the layer (or vertex) name
 * @param weightElements the elements of its quantized weight parameters (0 for a vertex)
 * @param activationElements the elements of its input (and residual input) for one example
 */
public record LayerCost(String layer, long weightElements, long activationElements) {}
