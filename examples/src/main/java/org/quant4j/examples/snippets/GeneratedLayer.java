package org.quant4j.examples.snippets;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.examples.custom.QuantLinear;
import org.quant4j.tensor.QuantDescriptor;

/** docs/annotations.md: the class the annotation processor writes for {@code custom.Linear}, in use. */
public final class GeneratedLayer {

  private GeneratedLayer() {}

  /**
   * Builds the generated layer both ways and runs it once.
   *
   * @param w the weight, {@code [outFeatures, inFeatures]}
   * @param b the bias, {@code [outFeatures]}
   * @param x an input batch, {@code [batch, inFeatures]}
   */
  public static void use(INDArray w, INDArray b, INDArray x) {
    // [generated]
    QuantLinear layer = new QuantLinear(w, b);        // generated: same constructors ...
    new QuantLinear(w, b, QuantDescriptor.builder().numBits(4).build(),          // ... plus descriptor overloads
        QuantDescriptor.QUANT_DESC_8BIT_LINEAR_WEIGHT_PER_ROW);
    layer.forward(x);                                 // x and the weight are fake-quantized first
    layer.quantizers();                               // {_input_quantizer=..., _weight_quantizer=...}
    // [generated]
  }
}
