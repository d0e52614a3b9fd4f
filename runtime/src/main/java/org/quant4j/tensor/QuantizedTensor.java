package org.quant4j.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of real (integer-grid) quantization, as the reference's {@code tensor_quant} returns it:
 * the quantized values, integers held in the input's floating data type, and the scale that maps the
 * input onto them ({@code values = clamp(rint(x * scale))}; the input is about {@code values / scale}).
 *
 * @param values the quantized values, same shape and data type as the input
 * @param scale the scale, the shape of amax and the input's data type; 1 where amax was at or below
 *     2^-24
 */
public record QuantizedTensor(INDArray values, INDArray scale) {

  /**
   * Checks that both parts are present.
   *
   * @throws IllegalArgumentException if either is null
   */
  public QuantizedTensor {
    if (values == null || scale == null) {
      throw new IllegalArgumentException(
          "values and scale must not be null, got values=" + values + ", scale=" + scale);
    }
  }
}
