package org.quant4j.onnx.ptq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.quant4j.dl4j.QuantRole;

/**
 * Where the quantizers go in an FP32 graph, following TensorRT's placement for explicit quantization:
 * a QuantizeLinear/DequantizeLinear pair on the activation input (per tensor) and on the weight (per
 * output channel) of every Conv, ConvTranspose, Gemm and MatMul whose weight is a float32
 * initializer; with residual quantization on, on both inputs of every Add of two activations (so the
 * Add fuses into the convolution before it); nothing on the graph's outputs.
 *
 * <p>An activation read by several quantized nodes gets one quantizer, named after its first reader;
 * a weight shared by several nodes likewise. Quantizer names follow the reference's module names when
 * the model comes from PyTorch: the node {@code /layer1/layer1.0/conv1/Conv} belongs to module
 * {@code layer1.0.conv1}, so its quantizers are {@code layer1.0.conv1._input_quantizer} and
 * {@code layer1.0.conv1._weight_quantizer}; other exporters' node names are used as they are. A node of a
 * quantizable type that cannot be quantized (its weight is computed, not an initializer, or not
 * float32, ...) stays float and is listed with the reason. A weight reached through {@code Identity}
 * nodes (how exporters alias a shared parameter) is quantized as the initializer it starts from, and
 * the node reads the dequantized initializer directly.
 *
 * @param targets the quantizers in graph order (a node's input before its weight)
 * @param skipped the quantizable nodes left in float
 */
record GraphPlan(List<QuantTarget> targets, List<SkippedNode> skipped) {

  /**
   * Plans the quantizers of a model.
   *
   * @param model the model
   * @param residual whether residual Adds get quantizers on both inputs
   * @return the plan
   */
  static GraphPlan of(OnnxModel model, boolean residual) {
    return new Planner(model, residual).plan();
  }

  private static final class Planner {
    private final OnnxModel model;
    private final GraphProto graph;
    private final boolean residual;
    private final Set<String> constants = new HashSet<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, Builder> activations = new LinkedHashMap<>();
    private final Map<String, Builder> weights = new LinkedHashMap<>();
    private final List<Builder> order = new ArrayList<>();
    private final Map<String, Integer> moduleUses = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private final List<SkippedNode> skipped = new ArrayList<>();

    Planner(OnnxModel model, boolean residual) {
      this.model = model;
      this.graph = model.proto().getGraph();
      this.residual = residual;
      for (NodeProto n : graph.getNodeList()) {
        if (n.getOpType().equals("Constant")) {
          constants.addAll(n.getOutputList());
        }
        n.getOutputList().forEach(out -> producers.put(out, n));
      }
    }

    GraphPlan plan() {
      for (int i = 0; i < graph.getNodeCount(); i++) {
        NodeProto n = graph.getNode(i);
        switch (n.getOpType()) {
          case "Conv" -> weighted(i, n, 0, 1, 0, 3);
          case "ConvTranspose" -> weighted(i, n, 0, 1, 1, 3);
          case "Gemm" -> {
            if (n.getInputCount() >= 2 && isConstant(n.getInput(0)) && !isConstant(n.getInput(1))) {
              skip(i, n, "the weight is input A; expected the weight as input B");
            } else {
              weighted(i, n, 0, 1, intAttr(n, "transB", 0) != 0 ? 0 : 1, 2);
            }
          }
          case "MatMul" -> matMul(i, n);
          case "Add" -> {
            if (residual) {
              add(i, n);
            }
          }
          default -> { }
        }
      }
      List<QuantTarget> targets = new ArrayList<>();
      for (Builder b : order) {
        targets.add(new QuantTarget(b.name, b.role, b.tensor, b.axis, List.copyOf(b.uses)));
      }
      return new GraphPlan(List.copyOf(targets), List.copyOf(skipped));
    }

    private void matMul(int i, NodeProto n) {
      if (n.getInputCount() < 2) {
        skip(i, n, "it has fewer than two inputs");
      } else if (isConstant(n.getInput(0)) && !isConstant(n.getInput(1))) {
        skip(i, n, "the weight is the first input; expected activation x weight");
      } else if (!isConstant(n.getInput(1))) {
        skip(i, n, "both inputs are activations, so there is no weight to quantize per channel");
      } else {
        TensorProto w = model.initializer(n.getInput(1));
        int rank = w == null ? 0 : w.getDimsCount();
        weighted(i, n, 0, 1, rank - 1, 2);
      }
    }

    private void weighted(int i, NodeProto n, int xInput, int wInput, int axis, int minRank) {
      if (n.getInputCount() <= wInput) {
        skip(i, n, "it has no weight input");
        return;
      }
      String x = n.getInput(xInput);
      String w = n.getInput(wInput);
      String source = throughIdentities(w);
      TensorProto init = model.initializer(source);
      if (init == null) {
        skip(i, n, "its weight '" + w + "' is " + (constants.contains(w) ? "a Constant node" : "computed in the graph")
            + ", not an initializer");
        return;
      }
      if (init.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
        skip(i, n, "its weight '" + w + "' is " + TensorProto.DataType.forNumber(init.getDataType()) + ", not float32");
        return;
      }
      if (init.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
        skip(i, n, "its weight '" + w + "' keeps its data in an external file");
        return;
      }
      if (init.getDimsCount() < minRank || axis < 0 || axis >= init.getDimsCount()) {
        skip(i, n, "its weight '" + w + "' has rank " + init.getDimsCount() + ", expected at least " + minRank);
        return;
      }
      if (isConstant(x)) {
        skip(i, n, "its input '" + x + "' is a constant, not an activation");
        return;
      }
      String module = moduleName(i, n);
      use(activations, x, module, QuantRole.INPUT, -1).uses.add(new QuantTarget.Use(i, xInput));
      use(weights, source + "@" + axis, module, QuantRole.WEIGHT, axis).uses.add(new QuantTarget.Use(i, wInput));
    }

    private void add(int i, NodeProto n) {
      if (n.getInputCount() != 2 || isConstant(n.getInput(0)) || isConstant(n.getInput(1))) {
        return;
      }
      String module = moduleName(i, n);
      use(activations, n.getInput(0), module, QuantRole.INPUT, -1).uses.add(new QuantTarget.Use(i, 0));
      use(activations, n.getInput(1), module, QuantRole.RESIDUAL, -1).uses.add(new QuantTarget.Use(i, 1));
    }

    private Builder use(Map<String, Builder> byKey, String key, String module, QuantRole role, int axis) {
      Builder b = byKey.get(key);
      if (b == null) {
        String tensor = role.isWeight() ? key.substring(0, key.lastIndexOf('@')) : key;
        String name = module + "." + role.suffix();
        for (int k = 1; names.contains(name); k++) {
          name = module + "_" + k + "." + role.suffix();
        }
        names.add(name);
        b = new Builder(name, role, tensor, axis);
        byKey.put(key, b);
        order.add(b);
      }
      return b;
    }

    /** The tensor an Identity chain starts from (exporters alias shared weights this way), else the tensor. */
    private String throughIdentities(String tensor) {
      String t = tensor;
      for (NodeProto p = producers.get(t); p != null && p.getOpType().equals("Identity") && p.getInputCount() == 1;
          p = producers.get(t)) {
        t = p.getInput(0);
      }
      return t;
    }

    private boolean isConstant(String tensor) {
      return model.initializer(tensor) != null || constants.contains(tensor);
    }

    private void skip(int i, NodeProto n, String reason) {
      skipped.add(new SkippedNode(displayName(i, n), n.getOpType(), reason));
    }

    /** The module a node belongs to, from PyTorch's scoped node names, else the node's own name. */
    private String moduleName(int i, NodeProto n) {
      String name = n.getName();
      String module;
      if (name.startsWith("/") && name.lastIndexOf('/') > 0) {
        String[] parts = name.substring(1).split("/");
        StringBuilder qualified = new StringBuilder();
        for (int p = 0; p < parts.length - 1; p++) {
          String c = parts[p];
          if (qualified.length() > 0 && c.startsWith(qualified + ".")) {
            qualified.setLength(0);
            qualified.append(c);
          } else {
            qualified.append(qualified.length() > 0 ? "." : "").append(c);
          }
        }
        module = qualified.toString();
      } else {
        module = displayName(i, n);
      }
      int uses = moduleUses.merge(module, 1, Integer::sum);
      return uses == 1 ? module : module + "_" + (uses - 1);
    }

    private static String displayName(int i, NodeProto n) {
      return n.getName().isEmpty() ? n.getOpType() + "#" + i : n.getName();
    }

    private static long intAttr(NodeProto n, String name, long fallback) {
      for (AttributeProto a : n.getAttributeList()) {
        if (a.getName().equals(name)) {
          return a.getI();
        }
      }
      return fallback;
    }
  }

  /** A quantizer while its uses are collected. */
  private static final class Builder {
    final String name;
    final QuantRole role;
    final String tensor;
    final int axis;
    final List<QuantTarget.Use> uses = new ArrayList<>();

    Builder(String name, QuantRole role, String tensor, int axis) {
      this.name = name;
      this.role = role;
      this.tensor = tensor;
      this.axis = axis;
    }
  }
}
