package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Compares an exported ONNX model with the description of the reference's export in an
 * {@code onnx_export} golden file ({@code exports[i].graph}): IR and opset versions, graph input,
 * output and initializer names, the op types in order (Constant nodes included), every non-Constant
 * node's attributes, and for each QuantizeLinear/DequantizeLinear its scale (bit for bit), its zero
 * point (type and values) and its axis. Node and tensor names other than the graph's own are the
 * exporter's choice and are not compared.
 */
final class GoldenOnnxGraph {

  private GoldenOnnxGraph() {}

  /**
   * Checks a model against a golden graph description.
   *
   * @param modelBytes the exported ModelProto
   * @param graph the golden {@code graph} object
   * @throws AssertionError naming the first difference
   * @throws InvalidProtocolBufferException if the bytes are not a ModelProto
   */
  static void assertMatches(byte[] modelBytes, JsonNode graph) throws InvalidProtocolBufferException {
    ModelProto model = ModelProto.parseFrom(modelBytes);
    same("ir_version", graph.get("ir_version").asLong(), model.getIrVersion());
    same("opset", graph.get("opset").get(0).get("version").asLong(), model.getOpsetImport(0).getVersion());
    same("graph_inputs", strings(graph.get("graph_inputs")), names(model.getGraph().getInputList()));
    same("graph_outputs", strings(graph.get("graph_outputs")), names(model.getGraph().getOutputList()));
    same("initializers", strings(graph.get("initializers")),
        model.getGraph().getInitializerList().stream().map(TensorProto::getName).toList());
    List<NodeProto> nodes = model.getGraph().getNodeList();
    same("op_types_in_order_with_constants", strings(graph.get("op_types_in_order_with_constants")),
        nodes.stream().map(NodeProto::getOpType).toList());
    Map<String, TensorProto> constants = new HashMap<>();
    for (NodeProto n : nodes) {
      if (n.getOpType().equals("Constant")) {
        constants.put(n.getOutput(0), n.getAttribute(0).getT());
      }
    }
    for (int i = 0; i < nodes.size(); i++) {
      NodeProto node = nodes.get(i);
      JsonNode want = graph.get("nodes").get(i);
      if (node.getOpType().equals("Constant")) {
        continue;
      }
      String where = "node " + i + " (" + node.getOpType() + ")";
      same(where + " attributes", attributes(want.get("attributes")), attributes(node));
      if (want.has("scale")) {
        same(where + " scale bits", strings(want.get("scale").get("bits")),
            scaleBits(constants.get(node.getInput(1))));
        same(where + " scale shape", strings(want.get("scale").get("shape")), dims(constants.get(node.getInput(1))));
        TensorProto zp = constants.get(node.getInput(2));
        same(where + " zero_point dtype", want.get("zero_point").get("onnx_dtype").asText(),
            TensorProto.DataType.forNumber(zp.getDataType()).name().toLowerCase());
        same(where + " zero_point shape", strings(want.get("zero_point").get("shape")), dims(zp));
        same(where + " zero_point values", strings(want.get("zero_point").get("data")), zeroPointValues(zp));
      }
    }
  }

  private static void same(String what, Object expected, Object actual) {
    if (!expected.equals(actual)) {
      throw new AssertionError(what + ": expected " + expected + ", got " + actual);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  private static List<String> names(List<ValueInfoProto> infos) {
    return infos.stream().map(ValueInfoProto::getName).toList();
  }

  private static List<String> dims(TensorProto t) {
    return t.getDimsList().stream().map(String::valueOf).toList();
  }

  /** Golden attributes as "name=value" strings, numbers printed as the golden JSON prints them. */
  private static List<String> attributes(JsonNode attrs) {
    List<String> out = new ArrayList<>();
    attrs.fields().forEachRemaining(e -> out.add(e.getKey() + "=" + e.getValue().toString()));
    return out;
  }

  private static List<String> attributes(NodeProto node) {
    List<String> out = new ArrayList<>();
    for (AttributeProto a : node.getAttributeList()) {
      String value = switch (a.getType()) {
        case INT -> String.valueOf(a.getI());
        case FLOAT -> String.valueOf((double) a.getF());
        case INTS -> a.getIntsList().toString().replace(" ", "");
        case STRING -> '"' + a.getS().toStringUtf8() + '"';
        default -> a.toString();
      };
      out.add(a.getName() + "=" + value);
    }
    return out;
  }

  private static List<String> scaleBits(TensorProto t) {
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    List<String> out = new ArrayList<>();
    while (raw.remaining() >= 4) {
      out.add(String.format("%08x", raw.getInt()));
    }
    return out;
  }

  private static List<String> zeroPointValues(TensorProto t) {
    List<String> out = new ArrayList<>();
    boolean unsigned = t.getDataType() == TensorProto.DataType.UINT8.getNumber();
    for (byte b : t.getRawData().toByteArray()) {
      out.add(String.valueOf(unsigned ? Byte.toUnsignedInt(b) : b));
    }
    return out;
  }
}
