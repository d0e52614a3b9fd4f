package org.quant4j.onnx.ptq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.quant4j.onnx.OnnxTensors;
import org.quant4j.onnx.QdqParams;

/**
 * Writes the QDQ model: for each calibrated quantizer a float32 scale and an int8 (uint8 when
 * unsigned, FLOAT8E4M3FN for E4M3) zero point of 0 as initializers, a QuantizeLinear→DequantizeLinear
 * pair on the quantized tensor ({@code axis} on both for a per-channel weight), and the quantized
 * nodes' inputs rewired to the dequantized tensor. Scales are {@code amax / 127} (as the DL4J export
 * and the reference write them, see {@link QdqParams}). Every other node, initializer, input and output
 * is kept as it was; nodes stay in a topological order (a pair follows the node that produces its
 * tensor; weight pairs come first).
 */
final class QdqWriter {

  private QdqWriter() {}

  /**
   * The quantized model.
   *
   * @param model the FP32 model
   * @param plan where the quantizers go
   * @param params the export parameters of each quantizer that is written, by name; targets without an
   *     entry stay float
   * @return the QDQ model
   * @throws IllegalArgumentException if a quantizer cannot be expressed in ONNX, naming it (the opset is
   *     checked by {@link OnnxQuantizer.Builder#build()})
   */
  static ModelProto write(OnnxModel model, GraphPlan plan, Map<String, QdqParams> params) {
    GraphProto graph = model.proto().getGraph();
    Set<String> taken = tensorNames(graph);
    Map<Integer, List<NodeProto>> afterNode = new HashMap<>();
    List<NodeProto> first = new ArrayList<>();
    Map<Integer, Map<Integer, String>> rewired = new HashMap<>();
    List<TensorProto> initializers = new ArrayList<>();
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < graph.getNodeCount(); i++) {
      for (String out : graph.getNode(i).getOutputList()) {
        producer.put(out, i);
      }
    }
    for (QuantTarget t : plan.targets()) {
      QdqParams q = params.get(t.name());
      if (q == null) {
        continue;
      }
      requireWritable(t, q);
      float[] amax = q.amaxValues();
      boolean perChannel = !q.perTensor();
      if (perChannel && !t.isWeight()) {
        throw new IllegalArgumentException("quantizer " + t.name() + " has " + amax.length
            + " amax values; activations are quantized per tensor in ONNX QDQ, expected one");
      }
      long[] shape = perChannel ? new long[] {amax.length} : new long[0];
      float[] scales = new float[amax.length];
      for (int c = 0; c < amax.length; c++) {
        scales[c] = q.scaleOf(amax[c]);
      }
      String scale = unique(taken, t.name() + ".scale");
      String zeroPoint = unique(taken, t.name() + ".zero_point");
      initializers.add(OnnxTensors.floats(scale, shape, scales));
      initializers.add(q.isE4M3() ? OnnxTensors.float8E4M3ZeroPoint(zeroPoint)
          : OnnxTensors.zeroPoint(zeroPoint, q.unsigned(), shape));
      String quantized = unique(taken, t.tensor() + "_quantized");
      String dequantized = unique(taken, t.tensor() + "_dequantized");
      List<NodeProto> pair = List.of(
          node(t.name() + "/QuantizeLinear", "QuantizeLinear", List.of(t.tensor(), scale, zeroPoint), quantized,
              perChannel ? t.channelAxis() : -1),
          node(t.name() + "/DequantizeLinear", "DequantizeLinear", List.of(quantized, scale, zeroPoint), dequantized,
              perChannel ? t.channelAxis() : -1));
      Integer from = producer.get(t.tensor());
      if (from == null) {
        first.addAll(pair);
      } else {
        afterNode.computeIfAbsent(from, k -> new ArrayList<>()).addAll(pair);
      }
      for (QuantTarget.Use u : t.uses()) {
        rewired.computeIfAbsent(u.node(), k -> new HashMap<>()).put(u.input(), dequantized);
      }
    }
    GraphProto.Builder out = graph.toBuilder().clearNode().addAllNode(first).addAllInitializer(initializers);
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto.Builder n = graph.getNode(i).toBuilder();
      for (Map.Entry<Integer, String> e : rewired.getOrDefault(i, Map.of()).entrySet()) {
        n.setInput(e.getKey(), e.getValue());
      }
      out.addNode(n);
      out.addAllNode(afterNode.getOrDefault(i, List.of()));
    }
    return model.proto().toBuilder().setGraph(out).build();
  }

  private static NodeProto node(String name, String op, List<String> inputs, String output, int axis) {
    NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(op).addAllInput(inputs).addOutput(output);
    if (axis >= 0) {
      n.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(axis));
    }
    return n.build();
  }

  private static Set<String> tensorNames(GraphProto graph) {
    Set<String> names = new HashSet<>();
    for (NodeProto n : graph.getNodeList()) {
      names.addAll(n.getInputList());
      names.addAll(n.getOutputList());
    }
    graph.getInitializerList().forEach(t -> names.add(t.getName()));
    graph.getInputList().forEach(v -> names.add(v.getName()));
    graph.getOutputList().forEach(v -> names.add(v.getName()));
    return names;
  }

  private static String unique(Set<String> taken, String name) {
    String candidate = name;
    for (int k = 1; !taken.add(candidate); k++) {
      candidate = name + "_" + k;
    }
    return candidate;
  }

  /**
   * Throws unless this writer can write the quantizer exactly: 8 bits or FP8 E4M3 (the DL4J export also
   * writes weights of 2 to 7 bits; this writer does not), and what the ONNX export takes
   * ({@link QdqParams#requireExportable}).
   *
   * @param t where the quantizer sits
   * @param q its parameters
   * @throws IllegalArgumentException naming the quantizer and what the export needs
   */
  static void requireWritable(QuantTarget t, QdqParams q) {
    if (!q.isE4M3() && q.numBits() != 8) {
      throw new IllegalArgumentException("quantizer " + t.name() + " has numBits " + q.numBits()
          + ": quantize-onnx writes 8-bit quantizers (and FP8 E4M3) only");
    }
    q.requireExportable(t.isWeight());
  }
}
