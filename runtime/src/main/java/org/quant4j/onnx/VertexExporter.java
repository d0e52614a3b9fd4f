package org.quant4j.onnx;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.L2NormalizeVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;

/**
 * ComputationGraph vertices that are not layers: MergeVertex → Concat on its merge axis;
 * ElementWiseVertex Add/Subtract/Product/Average/Max → Add/Sub/Mul/Mean/Max (Add and Product chained
 * for more than two inputs); ScaleVertex → Mul and ShiftVertex →
 * Add with a scalar; L2NormalizeVertex → x / max(‖x‖₂, eps). An elementwise vertex's residual quantizer becomes Q→DQ on its identity inputs
 * right before the operator, as in the reference's export. The identity inputs are all but the main
 * branch, which is the input computed last in DL4J's topological order: the rule the DL4J integration
 * quantizes by ({@code QuantHooks.identityInputs}).
 */
final class VertexExporter {

  private VertexExporter() {}

  /**
   * Writes one vertex.
   *
   * @param ctx the export
   * @param name the vertex name
   * @param vertex its configuration
   * @param inputs its input tensors, in the vertex's input order
   * @param identityInputs the indices of the inputs a residual quantizer, if any, quantizes
   * @param rank the rank of the first input, batch included
   * @return the vertex's output tensor
   * @throws IllegalArgumentException naming the vertex and its class when it is not supported
   */
  static String export(ExportContext ctx, String name, GraphVertex vertex, List<String> inputs, int[] identityInputs,
      int rank) {
    if (vertex instanceof MergeVertex merge) {
      return ctx.node(name, "Concat", inputs, OnnxGraph.attr("axis", (long) merge.getMergeAxis()));
    }
    if (vertex instanceof ScaleVertex scale) {
      return ctx.node(name, "Mul", List.of(inputs.get(0), ctx.scalar(name, (float) scale.getScaleFactor())));
    }
    if (vertex instanceof ShiftVertex shift) {
      return ctx.node(name, "Add", List.of(inputs.get(0), ctx.scalar(name, (float) shift.getShiftFactor())));
    }
    if (vertex instanceof L2NormalizeVertex l2) {
      return l2Normalize(ctx, name, l2, inputs.get(0), rank);
    }
    if (vertex instanceof ElementWiseVertex elementWise) {
      List<String> operands = new ArrayList<>(inputs);
      for (int i : identityInputs) {
        operands.set(i, ctx.quantize(name + ExportContext.RESIDUAL, operands.get(i)));
      }
      return switch (elementWise.getOp()) {
        case Add -> chain(ctx, name, "Add", operands);
        case Product -> chain(ctx, name, "Mul", operands);
        case Subtract -> ctx.node(name, "Sub", operands);
        case Average -> ctx.node(name, "Mean", operands);
        case Max -> ctx.node(name, "Max", operands);
      };
    }
    throw new IllegalArgumentException(
        "vertex '" + name + "' (" + vertex.getClass().getName() + ") is not supported by the ONNX export; supported:"
            + " LayerVertex, MergeVertex, ElementWiseVertex, PreprocessorVertex, ScaleVertex, ShiftVertex,"
            + " L2NormalizeVertex");
  }

  /**
   * DL4J's {@code x / max(‖x‖₂, eps)}, the norm over the vertex's dimensions (all but the batch by
   * default), kept for broadcasting: Mul, ReduceSum, Sqrt, Max with eps, Div.
   */
  private static String l2Normalize(ExportContext ctx, String name, L2NormalizeVertex l2, String x, int rank) {
    int[] dims = l2.getDimension();
    long[] axes;
    if (dims == null || dims.length == 0) {
      axes = new long[rank - 1];
      for (int d = 1; d < rank; d++) {
        axes[d - 1] = d;
      }
    } else {
      axes = new long[dims.length];
      for (int i = 0; i < dims.length; i++) {
        axes[i] = dims[i];
      }
    }
    String squares = ctx.node(name, "Mul", List.of(x, x));
    String norm = ctx.node(name, "Sqrt", List.of(ctx.reduceSum(name, squares, axes)));
    String clamped = ctx.node(name, "Max", List.of(norm, ctx.scalar(name, (float) l2.getEps())));
    return ctx.node(name, "Div", List.of(x, clamped));
  }

  private static String chain(ExportContext ctx, String name, String op, List<String> operands) {
    String acc = operands.get(0);
    for (int i = 1; i < operands.size(); i++) {
      acc = ctx.node(name, op, List.of(acc, operands.get(i)));
    }
    return acc;
  }
}
