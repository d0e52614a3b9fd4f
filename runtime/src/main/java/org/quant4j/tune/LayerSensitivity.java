package org.quant4j.tune;

/**
 * One layer's two sensitivity figures.
 *
 * @param layer the layer (or vertex) name its quantizers share
 * @param onlyThis the metric with only this layer quantized, every other layer in float
 * @param allButThis the metric with every other layer quantized and this one in float
 */
public record LayerSensitivity(String layer, double onlyThis, double allButThis) {}
