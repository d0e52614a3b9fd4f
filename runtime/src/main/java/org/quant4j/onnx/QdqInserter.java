package org.quant4j.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.tensor.QuantGrid;
import org.quant4j.tensor.TensorQuant;

/**
 * Writes one quantizer as a QuantizeLinear→DequantizeLinear pair, in the shape of the reference's
 * export ({@code golden/onnx_export.json}): a {@code Constant} zero point (int8 0, or uint8 0 when
 * unsigned), a {@code Constant} scale ({@code amax/127}, or {@code amax/255}), then Q and DQ reading
 * both. Per-tensor scale and zero point are 0-dim; per-channel ones are 1-D with an {@code axis}
 * attribute on both nodes, which needs opset 13. An FP8 E4M3 quantizer gets a 0-dim
 * {@code FLOAT8E4M3FN} zero point of 0 and scale {@code amax/448}, which needs opset 19.
 *
 * <p>A weight quantizer of 2 to 7 bits has no QuantizeLinear: its weight is stored as an int8 (uint8
 * when unsigned) initializer holding the grid values DL4J's fake quantization produces, read by a
 * DequantizeLinear with scale {@code amax / (2^(b-1) - 1)}. The stored values therefore stay within
 * DL4J's grid, {@code ±(2^(b-1) - 1)} when the weight lies within ±amax, and the export stays exact
 * whatever the weight holds beyond amax.
 */
final class QdqInserter {

  private QdqInserter() {}

  /**
   * A dequantized tensor and its scales, which the int32 bias of the operator reading it derives from.
   *
   * @param tensor the DequantizeLinear output
   * @param scales the ONNX scales, one per tensor or one per channel
   * @param axis the channel axis, or -1 per tensor
   * @param integer whether the grid is an integer one (not FP8)
   */
  record Dequantized(String tensor, float[] scales, int axis, boolean integer) {}

  /**
   * Quantizes an activation tensor. A per-channel amax must vary along exactly one axis of the
   * activation (its shape is the activation's rank with ones elsewhere, as the reference keeps it).
   *
   * @param graph the graph
   * @param opset the opset being written
   * @param q the quantizer
   * @param tensor the tensor to quantize
   * @return the dequantized tensor and its scales
   * @throws IllegalArgumentException if the quantizer cannot be exported
   */
  static Dequantized activation(OnnxGraph graph, int opset, QdqParams q, String tensor) {
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
   * Writes a quantized weight: a float initializer in ONNX layout followed by Q/DQ (8 bits, FP8), or
   * an integer initializer followed by DQ (2 to 7 bits). The amax is broadcast to the DL4J weight's
   * shape and rearranged like the weight; the ONNX axis is the one along which it varies (the layout's
   * channel axis when it could be several).
   *
   * @param graph the graph
   * @param opset the opset being written
   * @param q the quantizer
   * @param initializerName the initializer's name
   * @param dl4jWeight the DL4J parameter; never modified
   * @param layout how the weight becomes the ONNX weight
   * @return the dequantized weight and its scales
   * @throws IllegalArgumentException if the quantizer cannot be exported
   */
  static Dequantized weight(OnnxGraph graph, int opset, QdqParams q, String initializerName, INDArray dl4jWeight,
      WeightLayout layout) {
    q.requireExportable(true);
    long[] dl4jShape = dl4jWeight.shape();
    INDArray amax = q.amax().castTo(DataType.FLOAT);
    float[] values;
    int axis;
    if (q.perTensor()) {
      values = new float[] {q.amaxValues()[0]};
      axis = -1;
    } else {
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
      values = null;
      axis = -1;
      for (int candidate : candidates) {
        int[] others = otherAxes(onnxAmax.rank(), candidate);
        float[] max = onnxAmax.max(others).data().asFloat();
        if (Arrays.equals(max, onnxAmax.min(others).data().asFloat())) {
          values = max;
          axis = candidate;
          break;
        }
      }
      if (values == null) {
        throw new IllegalArgumentException(
            "quantizer " + q.name() + " has a per-channel amax that varies along more than one axis of the ONNX"
                + " weight; ONNX DequantizeLinear takes one channel axis");
      }
    }
    if (!q.storesIntegerWeights()) {
      String tensor = graph.initializer(OnnxTensors.floats(initializerName, layout.apply(dl4jWeight)));
      return insert(graph, opset, q, tensor, values, axis);
    }
    requireAxisExpressible(q, opset, axis);
    INDArray onnxFakeQuant = layout.apply(TensorQuant.fakeTensorQuant(
        dl4jWeight.castTo(DataType.FLOAT), amax, q.numBits(), q.unsigned(), q.narrowRange()));
    INDArray onnxAmax = layout.apply(amax.broadcast(dl4jShape));
    byte[] grid = gridValues(q.grid(), onnxFakeQuant.data().asFloat(), onnxAmax.data().asFloat());
    String tensor = graph.initializer(OnnxTensors.integers(initializerName, q.unsigned(), onnxFakeQuant.shape(), grid));
    return dequantize(graph, q, tensor, values, axis);
  }

  /**
   * The grid value of each fake-quantized element: {@code rint(fq · maxBound / amax)}, which recovers
   * DL4J's integer exactly since {@code fq = q / (maxBound / amax)} is within an ulp of it; 0 where the
   * amax is too small to have a scale.
   */
  private static byte[] gridValues(QuantGrid grid, float[] fakeQuant, float[] amax) {
    byte[] out = new byte[fakeQuant.length];
    for (int i = 0; i < out.length; i++) {
      float s = grid.scale(amax[i]);
      out[i] = (byte) (s == 0f ? 0 : (int) Math.rint(fakeQuant[i] * s));
    }
    return out;
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

  private static void requireAxisExpressible(QdqParams q, int opset, int axis) {
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
  }

  private static Dequantized insert(OnnxGraph graph, int opset, QdqParams q, String tensor, float[] amax, int axis) {
    requireAxisExpressible(q, opset, axis);
    String scope = q.name().replace('.', '/');
    Constants c = constants(graph, q, amax, axis);
    List<String> inputs = List.of(tensor, c.scale(), c.zeroPoint());
    String quantized =
        axis >= 0
            ? graph.node(scope, "QuantizeLinear", inputs, OnnxGraph.attr("axis", axis))
            : graph.node(scope, "QuantizeLinear", inputs);
    return dequantize(graph, q, quantized, c, axis);
  }

  private static Dequantized dequantize(OnnxGraph graph, QdqParams q, String quantized, float[] amax, int axis) {
    return dequantize(graph, q, quantized, constants(graph, q, amax, axis), axis);
  }

  private static Dequantized dequantize(OnnxGraph graph, QdqParams q, String quantized, Constants c, int axis) {
    String scope = q.name().replace('.', '/');
    List<String> dqInputs = List.of(quantized, c.scale(), c.zeroPoint());
    String out = axis >= 0
        ? graph.node(scope, "DequantizeLinear", dqInputs, OnnxGraph.attr("axis", axis))
        : graph.node(scope, "DequantizeLinear", dqInputs);
    return new Dequantized(out, c.scales(), axis, !q.isE4M3());
  }

  private record Constants(String scale, String zeroPoint, float[] scales) {}

  private static Constants constants(OnnxGraph graph, QdqParams q, float[] amax, int axis) {
    String scope = q.name().replace('.', '/');
    long[] shape = axis >= 0 ? new long[] {amax.length} : new long[0];
    float[] scales = new float[amax.length];
    for (int i = 0; i < amax.length; i++) {
      scales[i] = q.scaleOf(amax[i]);
    }
    String zeroPoint = graph.constant(scope, q.isE4M3()
        ? OnnxTensors.float8E4M3ZeroPoint("") : OnnxTensors.zeroPoint("", q.unsigned(), shape));
    String scale = graph.constant(scope, OnnxTensors.floats("", shape, scales));
    return new Constants(scale, zeroPoint, scales);
  }
}
