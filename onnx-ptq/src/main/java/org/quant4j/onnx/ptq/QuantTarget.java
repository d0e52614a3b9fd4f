package org.quant4j.onnx.ptq;

import java.util.List;
import org.quant4j.dl4j.QuantRole;

/**
 * One quantizer the graph pass places: the tensor it quantizes and the node inputs that read the
 * dequantized tensor instead of the float one.
 *
 * @param name the quantizer's name, e.g. {@code c1.0._input_quantizer}
 * @param role input (activation), weight or residual
 * @param tensor the quantized tensor's name
 * @param channelAxis a weight's output-channel axis; -1 for activations
 * @param uses the node inputs that read the quantized tensor
 */
record QuantTarget(String name, QuantRole role, String tensor, int channelAxis, List<Use> uses) {

  /**
   * One input of one node.
   *
   * @param node the node's index in the graph
   * @param input the input's position
   */
  record Use(int node, int input) {}

  /** @return whether this quantizer is a weight's (an initializer's) */
  boolean isWeight() {
    return role.isWeight();
  }
}
