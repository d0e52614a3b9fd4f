package org.quant4j.tune;

/**
 * The cost of running one layer in one format; {@link MixedPrecisionSearch} lowers the total.
 */
@FunctionalInterface
public interface CostModel {

  /**
   * Effective bits, the default (as NVIDIA Model Optimizer's {@code auto_quantize} counts them): weight bits
   * times weight elements plus activation bits times activation elements.
   */
  CostModel EFFECTIVE_BITS = (layer, format) ->
      (double) format.weightBits() * layer.weightElements() + (double) format.activationBits() * layer.activationElements();

  /**
   * The cost of a layer in a format.
   *
   * @param layer what the layer holds
   * @param format the format
   * @return the cost, at least 0
   */
  double cost(LayerCost layer, Format format);
}
