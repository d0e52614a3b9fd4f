package org.quant4j.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes one quantizer as a QuantizeLinear→DequantizeLinear pair, in the shape of the reference's
 * export ({@code golden/onnx_export.json}): a {@code Constant} zero point (int8 0, or uint8 0 when
 * unsigned), a {@code Constant} scale ({@code amax/127}, or {@code amax/255}), then Q and DQ reading
 * both. Per-tensor scale and zero point are 0-dim; per-channel ones are 1-D with an {@code axis}
 * attribute on both nodes, which needs opset 13. An FP8 E4M3 quantizer gets a 0-dim
 * {@code FLOAT8E4M3FN} zero point of 0 and scale {@code amax/448}, which needs opset 19.
 */
final class QdqInserter {

  private QdqInserter() {}

  /**
   * Quantizes an activation tensor. A per-channel amax must vary along exactly one axis of the
   * activation (its shape is the activation's rank with ones elsewhere, as the reference keeps it).
   *
   * @param graph the graph
   * @param opset the opset being written
   * @param q the quantizer
   * @param tensor the tensor to quantize
   * @return the dequantized tensor's name
   * @throws IllegalArgumentException if the quantizer cannot be exported
   */
  static String activation(OnnxGraph graph, int opset, QdqParams q, String tensor) {
    q.requireExportable(false);
    if (q.perTensor()) {
      return insert(graph, opset, q, tensor, new float[] {q.amaxValues()[0]}, -1);
    }
    long[] shape = q.amax().shape();
    List<Integer> varying = new ArrayList<>();
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] > 1) {
        varying.add(d);
      }
    }
    if (varying.size() != 1) {
      throw new IllegalArgumentException(
          "quantizer " + q.name() + " has an amax of shape " + Arrays.toString(shape)
              + ": ONNX DequantizeLinear takes one channel axis");
    }
    return insert(graph, opset, q, tensor, q.amaxValues(), varying.get(0));
  }

  /**
   * Quantizes a weight already written in ONNX layout. The amax is broadcast to the DL4J weight's
   * shape and rearranged like the weight; the ONNX axis is the one along which it varies (the layout's
   * channel axis when it could be several).
   *
   * @param graph the graph
   * @param opset the opset being written
   * @param q the quantizer
   * @param tensor the weight initializer's name
   * @param dl4jShape the DL4J parameter's shape
   * @param layout how the weight was rearranged
   * @return the dequantized weight's name
   * @throws IllegalArgumentException if the quantizer cannot be exported
   */
  static String weight(OnnxGraph graph, int opset, QdqParams q, String tensor, long[] dl4jShape, WeightLayout layout) {
    q.requireExportable(true);
    if (q.perTensor()) {
      return insert(graph, opset, q, tensor, new float[] {q.amaxValues()[0]}, -1);
    }
    INDArray amax = q.amax().castTo(DataType.FLOAT);
    if (amax.rank() != dl4jShape.length) {
      throw new IllegalArgumentException(
          "quantizer " + q.name() + " has an amax of shape " + Arrays.toString(amax.shape())
              + " that does not broadcast against its weight of shape " + Arrays.toString(dl4jShape));
    }
    INDArray onnxAmax = layout.apply(amax.broadcast(dl4jShape));
    List<Integer> candidates = new ArrayList<>();
    candidates.add(layout.channelAxis());
    for (int d = 0; d < onnxAmax.rank(); d++) {
      if (d != layout.channelAxis()) {
        candidates.add(d);
      }
    }
    for (int axis : candidates) {
      int[] others = otherAxes(onnxAmax.rank(), axis);
      float[] max = onnxAmax.max(others).data().asFloat();
      if (Arrays.equals(max, onnxAmax.min(others).data().asFloat())) {
        return insert(graph, opset, q, tensor, max, axis);
      }
    }
    throw new IllegalArgumentException(
        "quantizer " + q.name() + " has a per-channel amax that varies along more than one axis of the ONNX weight;"
            + " ONNX DequantizeLinear takes one channel axis");
  }

  private static int[] otherAxes(int rank, int axis) {
    int[] others = new int[rank - 1];
    int i = 0;
    for (int d = 0; d < rank; d++) {
      if (d != axis) {
        others[i++] = d;
      }
    }
    return others;
  }

  private static String insert(OnnxGraph graph, int opset, QdqParams q, String tensor, float[] amax, int axis) {
    if (axis >= 0 && opset < 13) {
      throw new IllegalArgumentException(
          "quantizer " + q.name() + " is per-channel (ONNX axis " + axis + "), which opset " + opset
              + " cannot express: QuantizeLinear gained its axis attribute in opset 13; export with opset 13");
    }
    if (q.isE4M3() && opset < QdqParams.FP8_MIN_OPSET) {
      throw new IllegalArgumentException(
          "quantizer " + q.name() + " is FP8 E4M3, which opset " + opset + " cannot express: QuantizeLinear takes a"
              + " FLOAT8E4M3FN zero point from opset " + QdqParams.FP8_MIN_OPSET + "; export with opset "
              + QdqParams.FP8_MIN_OPSET);
    }
    String scope = q.name().replace('.', '/');
    long[] shape = axis >= 0 ? new long[] {amax.length} : new long[0];
    float[] scales = new float[amax.length];
    for (int i = 0; i < amax.length; i++) {
      scales[i] = q.scaleOf(amax[i]);
    }
    String zeroPoint = graph.constant(scope, q.isE4M3()
        ? OnnxTensors.float8E4M3ZeroPoint("") : OnnxTensors.zeroPoint("", q.unsigned(), shape));
    String scale = graph.constant(scope, OnnxTensors.floats("", shape, scales));
    List<String> inputs = List.of(tensor, scale, zeroPoint);
    String quantized =
        axis >= 0
            ? graph.node(scope, "QuantizeLinear", inputs, OnnxGraph.attr("axis", axis))
            : graph.node(scope, "QuantizeLinear", inputs);
    List<String> dqInputs = List.of(quantized, scale, zeroPoint);
    return axis >= 0
        ? graph.node(scope, "DequantizeLinear", dqInputs, OnnxGraph.attr("axis", axis))
        : graph.node(scope, "DequantizeLinear", dqInputs);
  }
}
