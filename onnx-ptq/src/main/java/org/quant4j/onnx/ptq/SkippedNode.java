package org.quant4j.onnx.ptq;

/**
 * A node of a quantizable type (Conv, ConvTranspose, Gemm, MatMul) that the pass left in float, and why.
 *
 * @param node the node's name (or {@code <opType>#<index>} when it has none)
 * @param opType its operator
 * @param reason why it was not quantized
 */
public record SkippedNode(String node, String opType, String reason) {

  @Override
  public String toString() {
    return opType + " " + node + ": " + reason;
  }
}
