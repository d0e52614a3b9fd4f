package org.quant4j.onnx;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How a DL4J parameter becomes the ONNX operator's weight: a rearrangement (transpose, permute,
 * reshape, gate reordering) and the ONNX axis that holds output channels. The same rearrangement is
 * applied to the weight quantizer's amax broadcast to the weight's shape, so a per-channel scale lands
 * on the right ONNX axis whatever DL4J's layout was. Rearranging commutes with elementwise fake
 * quantization, so the ONNX weight dequantizes to exactly DL4J's fake-quantized weight, rearranged.
 *
 * @param rearrange from the DL4J layout to the ONNX layout; returns a new array, never a view to write
 * @param channelAxis the output-channel axis of the ONNX weight, preferred for per-channel scales
 */
record WeightLayout(UnaryOperator<INDArray> rearrange, int channelAxis) {

  /**
   * A weight whose DL4J layout is already ONNX's.
   *
   * @param channelAxis the output-channel axis
   * @return the layout
   */
  static WeightLayout same(int channelAxis) {
    return new WeightLayout(INDArray::dup, channelAxis);
  }

  /**
   * The weight in ONNX layout.
   *
   * @param dl4jWeight the DL4J parameter; never modified
   * @return a new C-ordered array
   */
  INDArray apply(INDArray dl4jWeight) {
    return rearrange.apply(dl4jWeight).dup('c');
  }
}
