package org.quant4j.dl4j.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.nn.TensorQuantizer;

/**
 * The residual quantizer of one ElementWiseVertex Add instance and its per-pass state (side table
 * entry). The identity inputs are the inputs produced earlier in the graph's topological order than
 * the last one: in a residual block the Add's main branch is the convolution computed just before it,
 * and the shortcut (block input or its down-sampling) was produced earlier. They are fake-quantized
 * for the Add only and restored afterwards, and their gradient is masked on the way back.
 */
public final class ResidualQuantizer {

  final String vertexName;
  final TensorQuantizer quantizer;
  int[] residualInputs;
  INDArray[] originals = new INDArray[0];
  QuantizedArrays.Buffer[] buffers = new QuantizedArrays.Buffer[0];
  volatile boolean failed;

  ResidualQuantizer(String vertexName, TensorQuantizer quantizer) {
    this.vertexName = vertexName;
    this.quantizer = quantizer;
  }

  /**
   * The vertex's name, which the quantizer is named after.
   *
   * @return the DL4J vertex name
   */
  public String vertexName() {
    return vertexName;
  }

  /**
   * The residual quantizer.
   *
   * @return the quantizer
   */
  public TensorQuantizer quantizer() {
    return quantizer;
  }

  /**
   * Sets which inputs are identity inputs (once, at the first forward pass).
   *
   * @param indices the input indices to quantize
   * @param numInputs the vertex's number of inputs
   */
  void residualInputs(int[] indices, int numInputs) {
    residualInputs = indices.clone();
    originals = new INDArray[numInputs];
    buffers = new QuantizedArrays.Buffer[numInputs];
    for (int i = 0; i < numInputs; i++) {
      buffers[i] = new QuantizedArrays.Buffer();
    }
  }

  /** Drops held arrays, so the vertex adds in float from now on. */
  void markFailed() {
    failed = true;
    originals = new INDArray[0];
    buffers = new QuantizedArrays.Buffer[0];
    residualInputs = new int[0];
  }
}
