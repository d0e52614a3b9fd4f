package org.quant4j.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The state of one export: the graph being written, the opset, and the network's quantizers by name.
 * Layer exporters ask it for quantized inputs and weights and for the few shape operators whose form
 * changed between opsets (Squeeze, Unsqueeze and ReduceSum take their axes as an input from opset 13).
 * It records which quantizers were placed, so a quantizer the export did not place is an error instead
 * of a silently unquantized graph.
 */
final class ExportContext {

  /** Suffix of the quantizer on a layer's input. */
  static final String INPUT = "._input_quantizer";
  /** Suffix of the quantizer on a layer's main weight. */
  static final String WEIGHT = "._weight_quantizer";
  /** Suffix of the quantizer on a separable convolution's pointwise weight. */
  static final String POINTWISE_WEIGHT = "._pointwise_weight_quantizer";
  /** Suffix of the quantizer on a recurrent layer's recurrent weight. */
  static final String RECURRENT_WEIGHT = "._recurrent_weight_quantizer";
  /** Suffix of the quantizer on an elementwise vertex's residual input. */
  static final String RESIDUAL = "._residual_quantizer";

  private final OnnxGraph graph = new OnnxGraph();
  private final int opset;
  private final boolean int32Bias;
  private final Map<String, QdqParams> quantizers;
  private final Set<String> placed = new LinkedHashSet<>();
  private final Map<String, QdqInserter.Dequantized> dequantized = new HashMap<>();

  /**
   * A context for one export.
   *
   * @param options the export options (opset, int32 biases)
   * @param quantizers the enabled quantizers by name (disabled ones are left out by the caller)
   */
  ExportContext(ExportOptions options, Map<String, QdqParams> quantizers) {
    this.opset = options.opset();
    this.int32Bias = options.int32Bias();
    this.quantizers = new LinkedHashMap<>(quantizers);
  }

  /** The graph being written. */
  OnnxGraph graph() {
    return graph;
  }

  /** The opset being written. */
  int opset() {
    return opset;
  }

  /**
   * Quantizes a tensor with the named quantizer if the network has it enabled.
   *
   * @param quantizerName e.g. {@code conv1._input_quantizer}
   * @param tensor the tensor
   * @return the dequantized tensor, or {@code tensor} when there is no such quantizer
   */
  String quantize(String quantizerName, String tensor) {
    QdqParams q = quantizers.get(quantizerName);
    if (q == null) {
      return tensor;
    }
    placed.add(quantizerName);
    return remember(QdqInserter.activation(graph, opset, q, tensor));
  }

  /**
   * Writes a weight as a float initializer in ONNX layout, followed by Q/DQ when the layer's quantizer
   * for it is enabled.
   *
   * @param initializerName e.g. {@code conv1.weight}
   * @param quantizerName e.g. {@code conv1._weight_quantizer}
   * @param dl4jWeight the DL4J parameter; never modified
   * @param layout how it becomes the ONNX weight
   * @return the tensor the operator reads
   */
  String weight(String initializerName, String quantizerName, INDArray dl4jWeight, WeightLayout layout) {
    QdqParams q = quantizers.get(quantizerName);
    if (q == null) {
      return graph.initializer(OnnxTensors.floats(initializerName, layout.apply(dl4jWeight)));
    }
    placed.add(quantizerName);
    return remember(QdqInserter.weight(graph, opset, q, initializerName, dl4jWeight, layout));
  }

  private String remember(QdqInserter.Dequantized d) {
    dequantized.put(d.tensor(), d);
    return d.tensor();
  }

  /**
   * Writes the bias of a Conv or Gemm. When int32 biases are on and the operator's data input and
   * weight both arrive through integer DequantizeLinear nodes (the input per tensor), the bias is
   * stored as int32 {@code rint(b / (s_x · s_w[c]))} read by a DequantizeLinear with scale
   * {@code s_x · s_w[c]} (float32 product, per output channel when the weight is) and zero point 0, the
   * form ONNX Runtime's quantizer writes and its integer kernels take; otherwise it is a float
   * initializer. A bias whose quantized value would not fit int32 stays float.
   *
   * @param name the initializer's name
   * @param bias the 1-D bias; never modified
   * @param input the tensor the operator reads as data
   * @param weight the tensor the operator reads as weight (axis 0 its output channels)
   * @return the tensor the operator reads as bias
   */
  String bias(String name, INDArray bias, String input, String weight) {
    QdqInserter.Dequantized x = dequantized.get(input);
    QdqInserter.Dequantized w = dequantized.get(weight);
    float[] b = bias.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
    boolean integer = int32Bias && x != null && w != null && x.integer() && w.integer() && x.axis() < 0
        && (w.axis() < 0 || (w.axis() == 0 && w.scales().length == b.length));
    if (!integer) {
      return floats(name, bias.reshape(bias.length()));
    }
    float[] scales = new float[w.scales().length];
    int[] q = new int[b.length];
    for (int c = 0; c < b.length; c++) {
      float scale = x.scales()[0] * w.scales()[w.axis() < 0 ? 0 : c];
      if (w.axis() >= 0 || c == 0) {
        scales[w.axis() < 0 ? 0 : c] = scale;
      }
      double v = Math.rint(b[c] / (double) scale);
      if (!(Math.abs(v) <= Integer.MAX_VALUE)) {
        return floats(name, bias.reshape(bias.length()));
      }
      q[c] = (int) v;
    }
    long[] scaleShape = w.axis() < 0 ? new long[0] : new long[] {b.length};
    String scope = name.replace('.', '/');
    String stored = graph.initializer(OnnxTensors.int32s(name, new long[] {b.length}, q));
    String scale = graph.constant(scope, OnnxTensors.floats("", scaleShape, scales));
    String zeroPoint = graph.constant(scope, OnnxTensors.int32s("", scaleShape, new int[scales.length]));
    List<String> inputs = List.of(stored, scale, zeroPoint);
    return w.axis() < 0
        ? graph.node(scope, "DequantizeLinear", inputs)
        : graph.node(scope, "DequantizeLinear", inputs, OnnxGraph.attr("axis", 0L));
  }

  /**
   * Writes an unquantized float initializer, such as a bias.
   *
   * @param name its name
   * @param values its values; never modified
   * @return its name
   */
  String floats(String name, INDArray values) {
    return graph.initializer(OnnxTensors.floats(name, values));
  }

  /**
   * Adds a node with one output.
   *
   * @see OnnxGraph#node
   */
  String node(String scope, String opType, List<String> inputs, onnx.Onnx.AttributeProto... attributes) {
    return graph.node(scope, opType, inputs, attributes);
  }

  /** An int64 constant, for shapes and axes. */
  String int64s(String scope, long... values) {
    return graph.constant(scope, OnnxTensors.int64s("", new long[] {values.length}, values));
  }

  /** A 0-dim float constant. */
  String scalar(String scope, float value) {
    return graph.constant(scope, OnnxTensors.floats("", new long[0], new float[] {value}));
  }

  /** Reshape to a shape that may hold one -1 and zeros (copy that dimension). */
  String reshape(String scope, String tensor, long... shape) {
    return node(scope, "Reshape", List.of(tensor, int64s(scope, shape)));
  }

  /** Transpose with a permutation. */
  String transpose(String scope, String tensor, long... perm) {
    return node(scope, "Transpose", List.of(tensor), OnnxGraph.ints("perm", perm));
  }

  /** Squeeze the given axes, in the opset's form. */
  String squeeze(String scope, String tensor, long... axes) {
    return axesOp(scope, "Squeeze", tensor, axes);
  }

  /** ReduceSum over the given axes keeping them, in the opset's form. */
  String reduceSum(String scope, String tensor, long... axes) {
    return axesOp(scope, "ReduceSum", tensor, axes);
  }

  private String axesOp(String scope, String op, String tensor, long[] axes) {
    if (opset >= 13) {
      return node(scope, op, List.of(tensor, int64s(scope, axes)));
    }
    return node(scope, op, List.of(tensor), OnnxGraph.ints("axes", axes));
  }

  /**
   * Clip to [min, max] in the opset's form (attributes before opset 11, inputs after).
   *
   * @param scope the scope
   * @param tensor the tensor
   * @param min the lower bound
   * @param max the upper bound
   * @return the clipped tensor
   */
  String clip(String scope, String tensor, float min, float max) {
    if (opset >= 11) {
      return node(scope, "Clip", List.of(tensor, scalar(scope, min), scalar(scope, max)));
    }
    return node(scope, "Clip", List.of(tensor), OnnxGraph.attr("min", min), OnnxGraph.attr("max", max));
  }

  /**
   * Throws if the network has an enabled quantizer the export never placed: the graph would silently
   * compute something other than the network.
   *
   * @throws IllegalArgumentException naming the quantizers left over
   */
  void requireAllPlaced() {
    List<String> left = new ArrayList<>(quantizers.keySet());
    left.removeAll(placed);
    if (!left.isEmpty()) {
      throw new IllegalArgumentException(
          "quantizers " + left + " belong to no layer input, weight or residual the ONNX export writes;"
              + " the exported graph would not match the network");
    }
  }
}
