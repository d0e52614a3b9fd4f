package org.quant4j.onnx;

import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One DL4J layer as the export meets it: its name, configuration, parameters, the tensor it reads
 * (after its preprocessor) and that tensor's DL4J input type.
 *
 * @param name the layer name, used as the node scope and the initializer prefix
 * @param conf the layer configuration
 * @param params the layer's parameters by DL4J key ({@code W}, {@code b}, ...)
 * @param input the tensor the layer reads
 * @param inputType the DL4J type of that tensor
 */
record LayerStep(String name, Layer conf, Map<String, INDArray> params, String input, InputType inputType) {

  /**
   * A parameter by DL4J key.
   *
   * @param key e.g. {@code W}
   * @return the parameter
   * @throws IllegalStateException if the layer has no such parameter
   */
  INDArray param(String key) {
    INDArray p = params.get(key);
    if (p == null) {
      throw new IllegalStateException(describe() + " has no parameter '" + key + "', only " + params.keySet());
    }
    return p;
  }

  /**
   * The layer as error messages name it.
   *
   * @return e.g. {@code layer 'conv1' (org.deeplearning4j.nn.conf.layers.ConvolutionLayer)}
   */
  String describe() {
    return "layer '" + name + "' (" + conf.getClass().getName() + ")";
  }

  /**
   * The rank of the input tensor, batch included.
   *
   * @return 2 for feed-forward, 3 for recurrent and 1-D convolution, 4 for 2-D and 5 for 3-D convolution
   */
  int inputRank() {
    return inputType.getShape(true).length;
  }
}
