package org.quant4j.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.shade.protobuf.ByteString;

/**
 * An ONNX graph under construction: nodes in the order they are added (which is a topological order,
 * since every node's inputs exist before it), float initializers, and the graph's inputs and outputs.
 * Node names follow the scoped style of PyTorch's exporter, {@code /conv1/Conv}, and a node's single
 * output is named {@code <node name>_output_0}, as in {@code golden/onnx_export.json}.
 */
final class OnnxGraph {

  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("quant4j");
  private final Map<String, Integer> nodeNameUses = new HashMap<>();
  private final List<String> initializerNames = new ArrayList<>();

  /**
   * Adds a node with one output.
   *
   * @param scope the node's scope, e.g. a layer name or {@code conv1/_input_quantizer}; empty for none
   * @param opType the ONNX operator
   * @param inputs the input tensor names; an empty string is an omitted optional input
   * @param attributes the node's attributes
   * @return the name of the node's output tensor
   */
  String node(String scope, String opType, List<String> inputs, AttributeProto... attributes) {
    String name = uniqueNodeName(scope, opType);
    String output = name + "_output_0";
    NodeProto.Builder node =
        NodeProto.newBuilder().setName(name).setOpType(opType).addAllInput(inputs).addOutput(output);
    for (AttributeProto a : attributes) {
      node.addAttribute(a);
    }
    graph.addNode(node);
    return output;
  }

  /**
   * Adds a {@code Constant} node holding a tensor, as PyTorch's exporter writes scales and zero points.
   *
   * @param scope the node's scope
   * @param value the constant; its name is ignored
   * @return the name of the constant's output tensor
   */
  String constant(String scope, TensorProto value) {
    AttributeProto attr =
        AttributeProto.newBuilder()
            .setName("value")
            .setType(AttributeProto.AttributeType.TENSOR)
            .setT(value.toBuilder().clearName())
            .build();
    return node(scope, "Constant", List.of(), attr);
  }

  /**
   * Adds an initializer: a named constant tensor the graph reads, such as a layer's weight.
   *
   * @param value the tensor, with its name
   * @return its name
   * @throws IllegalStateException if an initializer of that name already exists
   */
  String initializer(TensorProto value) {
    if (initializerNames.contains(value.getName())) {
      throw new IllegalStateException("two initializers named '" + value.getName() + "'");
    }
    initializerNames.add(value.getName());
    graph.addInitializer(value);
    return value.getName();
  }

  /**
   * Declares a float32 graph input or output with a shape; a negative dimension becomes the symbolic
   * dimension {@code batch}.
   *
   * @param name the tensor name
   * @param shape the shape, with {@code -1} for a dynamic dimension
   * @param output whether it is an output (else an input)
   */
  void declare(String name, long[] shape, boolean output) {
    TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
    for (long d : shape) {
      if (d < 0) {
        dims.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
      } else {
        dims.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
      }
    }
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(
                TypeProto.Tensor.newBuilder()
                    .setElemType(TensorProto.DataType.FLOAT.getNumber())
                    .setShape(dims))
            .build();
    ValueInfoProto info = ValueInfoProto.newBuilder().setName(name).setType(type).build();
    if (output) {
      graph.addOutput(info);
    } else {
      graph.addInput(info);
    }
  }

  /**
   * Renames a tensor everywhere it is produced or read, so that a network's last tensor carries the
   * graph output's name.
   *
   * @param from the current name
   * @param to the new name
   */
  void renameTensor(String from, String to) {
    for (NodeProto.Builder node : graph.getNodeBuilderList()) {
      for (int i = 0; i < node.getOutputCount(); i++) {
        if (node.getOutput(i).equals(from)) {
          node.setOutput(i, to);
        }
      }
      for (int i = 0; i < node.getInputCount(); i++) {
        if (node.getInput(i).equals(from)) {
          node.setInput(i, to);
        }
      }
    }
  }

  /**
   * Whether some node produces the tensor (graph inputs and initializers are not produced by nodes).
   *
   * @param tensor the tensor name
   * @return true if a node writes it
   */
  boolean isNodeOutput(String tensor) {
    for (NodeProto.Builder node : graph.getNodeBuilderList()) {
      if (node.getOutputList().contains(tensor)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The finished model.
   *
   * @param opset the default-domain opset version
   * @return the model
   */
  ModelProto toModel(int opset) {
    return ModelProto.newBuilder()
        .setIrVersion(irVersion(opset))
        .setProducerName("quant4j")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph.build())
        .build();
  }

  /** The IR version that first carried an opset, as the ONNX versioning table lists it. */
  private static long irVersion(int opset) {
    if (opset <= 10) {
      return 5;
    }
    if (opset == 11) {
      return 6;
    }
    if (opset <= 14) {
      return 7;
    }
    return opset <= 18 ? 8 : 9;
  }

  private String uniqueNodeName(String scope, String opType) {
    String base = (scope.isEmpty() ? "" : "/" + scope) + "/" + opType;
    int uses = nodeNameUses.merge(base, 1, Integer::sum);
    return uses == 1 ? base : base + "_" + (uses - 1);
  }

  /**
   * An integer attribute.
   *
   * @param name the attribute name
   * @param value its value
   * @return the attribute
   */
  static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  /**
   * A float attribute.
   *
   * @param name the attribute name
   * @param value its value
   * @return the attribute
   */
  static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  /**
   * An integer-list attribute.
   *
   * @param name the attribute name
   * @param values its values
   * @return the attribute
   */
  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  /**
   * A string attribute.
   *
   * @param name the attribute name
   * @param value its value
   * @return the attribute
   */
  static AttributeProto string(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value)).build();
  }

  /**
   * A string-list attribute.
   *
   * @param name the attribute name
   * @param values its values
   * @return the attribute
   */
  static AttributeProto strings(String name, String... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
    for (String v : values) {
      a.addStrings(ByteString.copyFromUtf8(v));
    }
    return a.build();
  }
}
