package org.quant4j.dl4j;

/**
 * What a quantizer in a DL4J network quantizes, and the suffix its name carries (the attribute name
 * of the reference's quant modules, so {@code conv1._input_quantizer} reads as it does in PyTorch).
 */
public enum QuantRole {
  /** The layer's input activation. */
  INPUT("_input_quantizer"),
  /** The layer's main weight, DL4J parameter {@code W}. */
  WEIGHT("_weight_quantizer"),
  /** The point-wise weight of a separable convolution, DL4J parameter {@code pW}. */
  POINTWISE_WEIGHT("_pointwise_weight_quantizer"),
  /** The recurrent weight of an LSTM, DL4J parameter {@code RW}. */
  RECURRENT_WEIGHT("_recurrent_weight_quantizer"),
  /** The identity (shortcut) input of an element-wise Add vertex. */
  RESIDUAL("_residual_quantizer");

  private final String suffix;

  QuantRole(String suffix) {
    this.suffix = suffix;
  }

  /**
   * The attribute name that follows the layer name, e.g. {@code _weight_quantizer}.
   *
   * @return the suffix, without the dot
   */
  public String suffix() {
    return suffix;
  }

  /**
   * The full quantizer name for a layer or vertex.
   *
   * @param layerName the DL4J layer or vertex name
   * @return {@code layerName + "." + suffix()}
   */
  public String quantizerName(String layerName) {
    return layerName + "." + suffix;
  }

  /**
   * Whether this role quantizes a weight (and so defaults to per-channel amax).
   *
   * @return true for the weight roles
   */
  public boolean isWeight() {
    return this == WEIGHT || this == POINTWISE_WEIGHT || this == RECURRENT_WEIGHT;
  }
}
