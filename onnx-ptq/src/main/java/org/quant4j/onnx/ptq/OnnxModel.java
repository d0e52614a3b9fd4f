package org.quant4j.onnx.ptq;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * An FP32 ONNX model as read from a file: the parsed {@code ModelProto} (ND4J's bundled {@code onnx.Onnx}
 * classes), its default-domain opset, its data inputs (graph inputs that are not initializers) with their
 * declared shapes, and its float initializers by name.
 */
final class OnnxModel {

  /** The lowest opset the pass writes: QuantizeLinear's {@code axis} (per channel) came in opset 13. */
  static final int MIN_OPSET = 13;

  private final ModelProto proto;
  private final int opset;
  private final Map<String, long[]> inputs;
  private final Map<String, TensorProto> initializers;

  private OnnxModel(ModelProto proto, int opset, Map<String, long[]> inputs, Map<String, TensorProto> initializers) {
    this.proto = proto;
    this.opset = opset;
    this.inputs = inputs;
    this.initializers = initializers;
  }

  /**
   * Reads and checks a model file.
   *
   * @param file the file
   * @return the model
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it is not an ONNX model with a graph, its opset is below 13, or
   *     it already holds QuantizeLinear/DequantizeLinear nodes
   */
  static OnnxModel read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("model " + file + " is not a file, expected an ONNX model (.onnx)");
    }
    return parse(Files.readAllBytes(file), file.toString());
  }

  /**
   * Parses and checks serialized model bytes.
   *
   * @param bytes the ModelProto bytes
   * @param source what to call the model in messages
   * @return the model
   * @throws IllegalArgumentException as {@link #read}
   */
  static OnnxModel parse(byte[] bytes, String source) {
    ModelProto proto;
    try {
      proto = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("model " + source + " is not an ONNX model: " + e.getMessage());
    }
    if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0 || proto.getOpsetImportCount() == 0) {
      throw new IllegalArgumentException(
          "model " + source + " is not an ONNX model: expected a ModelProto with an opset import and a graph of nodes");
    }
    int opset = -1;
    for (OperatorSetIdProto o : proto.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = (int) o.getVersion();
      }
    }
    if (opset < MIN_OPSET) {
      throw new IllegalArgumentException("model " + source + " has opset " + opset + ", expected opset " + MIN_OPSET
          + " or later (per-channel QuantizeLinear needs it); re-export it with opset_version=13 or later");
    }
    GraphProto graph = proto.getGraph();
    for (NodeProto n : graph.getNodeList()) {
      if (n.getOpType().equals("QuantizeLinear") || n.getOpType().equals("DequantizeLinear")) {
        throw new IllegalArgumentException("model " + source + " is already quantized: node '" + n.getName()
            + "' is a " + n.getOpType() + "; expected an FP32 model");
      }
    }
    Map<String, TensorProto> initializers = new HashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    Map<String, long[]> inputs = new LinkedHashMap<>();
    for (ValueInfoProto v : graph.getInputList()) {
      if (initializers.containsKey(v.getName())) {
        continue;
      }
      int elemType = v.getType().getTensorType().getElemType();
      if (elemType != TensorProto.DataType.FLOAT.getNumber()) {
        throw new IllegalArgumentException("model " + source + " input '" + v.getName() + "' has element type "
            + TensorProto.DataType.forNumber(elemType) + ", expected float32");
      }
      List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
      long[] shape = new long[dims.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = dims.get(i).hasDimValue() ? dims.get(i).getDimValue() : -1;
      }
      inputs.put(v.getName(), shape);
    }
    return new OnnxModel(proto, opset, inputs, initializers);
  }

  /** @return the parsed model */
  ModelProto proto() {
    return proto;
  }

  /** @return the default-domain opset */
  int opset() {
    return opset;
  }

  /**
   * The data inputs in graph order, each with its declared shape ({@code -1} for a symbolic or unknown
   * dimension).
   *
   * @return input name to shape
   */
  Map<String, long[]> inputs() {
    return inputs;
  }

  /**
   * The initializer of a tensor name, or null.
   *
   * @param name a tensor name
   * @return the initializer, or null when the tensor is not one
   */
  TensorProto initializer(String name) {
    return initializers.get(name);
  }

  /**
   * The values of a float32 initializer held in the model (raw or typed data).
   *
   * @param t the initializer
   * @return its values in C order
   * @throws IllegalArgumentException if it is not float32 or its data lives in an external file
   */
  static float[] floats(TensorProto t) {
    if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
      throw new IllegalArgumentException("initializer '" + t.getName() + "' is "
          + TensorProto.DataType.forNumber(t.getDataType()) + ", expected float32");
    }
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new IllegalArgumentException("initializer '" + t.getName() + "' keeps its data in an external file,"
          + " which is not supported; save the model with its weights inside");
    }
    if (!t.getRawData().isEmpty()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      float[] v = new float[b.remaining() / 4];
      b.asFloatBuffer().get(v);
      return v;
    }
    float[] v = new float[t.getFloatDataCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = t.getFloatData(i);
    }
    return v;
  }

  /**
   * An initializer's shape.
   *
   * @param t the initializer
   * @return its dimensions
   */
  static long[] shape(TensorProto t) {
    long[] s = new long[t.getDimsCount()];
    for (int i = 0; i < s.length; i++) {
      s[i] = t.getDims(i);
    }
    return s;
  }

  /**
   * Formats a declared shape, a symbolic dimension as {@code N}.
   *
   * @param shape the shape
   * @return e.g. {@code [N, 1, 28, 28]}
   */
  static String describe(long[] shape) {
    List<String> parts = new ArrayList<>();
    for (long d : shape) {
      parts.add(d < 0 ? "N" : Long.toString(d));
    }
    return "[" + String.join(", ", parts) + "]";
  }

  /**
   * Whether an actual shape fits a declared one (same rank, equal where the declared size is known).
   *
   * @param declared the declared shape, {@code -1} for any size
   * @param actual the actual shape
   * @return true when it fits
   */
  static boolean fits(long[] declared, long[] actual) {
    if (declared.length != actual.length) {
      return false;
    }
    for (int i = 0; i < declared.length; i++) {
      if (declared[i] >= 0 && declared[i] != actual[i]) {
        return false;
      }
    }
    return true;
  }
}
