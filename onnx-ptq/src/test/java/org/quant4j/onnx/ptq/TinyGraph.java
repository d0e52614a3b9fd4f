package org.quant4j.onnx.ptq;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.quant4j.internal.AtomicFiles;
import org.quant4j.onnx.OnnxTensors;

/** Builds small FP32 ONNX graphs for the tests, with seeded random weights. */
final class TinyGraph {

  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("tiny");
  private final Random random;
  private int opset = 13;

  TinyGraph(long seed) {
    this.random = new Random(seed);
  }

  /** Declares a float input; -1 is the batch dimension. */
  TinyGraph input(String name, long... shape) {
    graph.addInput(info(name, shape));
    return this;
  }

  TinyGraph output(String name) {
    graph.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()))));
    return this;
  }

  /** A random float initializer in [-0.5, 0.5). */
  TinyGraph weight(String name, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextFloat() - 0.5f;
    }
    graph.addInitializer(OnnxTensors.floats(name, shape, v));
    return this;
  }

  TinyGraph node(String name, String op, List<String> inputs, String output, AttributeProto... attributes) {
    NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(op).addAllInput(inputs).addOutput(output);
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    graph.addNode(n);
    return this;
  }

  TinyGraph opset(int opset) {
    this.opset = opset;
    return this;
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  ModelProto model() {
    return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph).build();
  }

  Path write(Path file) throws IOException {
    AtomicFiles.write(file, model().toByteArray());
    return file;
  }

  private static ValueInfoProto info(String name, long... shape) {
    TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
    for (long d : shape) {
      dims.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
          : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(dims))).build();
  }

  /** A residual block as PyTorch exports it: conv → relu → add(identity) → conv → global pool → gemm. */
  static TinyGraph residualNet(long seed) {
    return new TinyGraph(seed)
        .input("x", -1, 2, 6, 6)
        .weight("block.conv1.weight", 2, 2, 3, 3).weight("block.conv1.bias", 2)
        .weight("head.conv.weight", 3, 2, 1, 1)
        .weight("fc.weight", 3, 4).weight("fc.bias", 4)
        .node("/block/conv1/Conv", "Conv", List.of("x", "block.conv1.weight", "block.conv1.bias"), "c1",
            ints("pads", 1, 1, 1, 1), ints("kernel_shape", 3, 3))
        .node("/block/relu/Relu", "Relu", List.of("c1"), "r1")
        .node("/block/Add", "Add", List.of("r1", "x"), "sum")
        .node("/head/conv/Conv", "Conv", List.of("sum", "head.conv.weight"), "c2")
        .node("/pool/GlobalAveragePool", "GlobalAveragePool", List.of("c2"), "pooled")
        .node("/flat/Flatten", "Flatten", List.of("pooled"), "flat", attr("axis", 1))
        .node("/fc/Gemm", "Gemm", List.of("flat", "fc.weight", "fc.bias"), "logits", attr("transB", 0))
        .output("logits");
  }
}
