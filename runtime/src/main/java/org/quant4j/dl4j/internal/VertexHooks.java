package org.quant4j.dl4j.internal;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantRole;

/**
 * What the advice woven into DL4J's {@code ElementWiseVertex} calls: an Add vertex gets a residual quantizer
 * when the active configuration asks for one, its identity inputs are quantized for its forward pass, and their
 * gradients masked on its way back. Failures are handled as {@link LayerHooks} handles them.
 */
public final class VertexHooks {

  private static final WeakIdentityMap<Object, ResidualQuantizer> VERTICES = new WeakIdentityMap<>();

  private VertexHooks() {}

  /**
   * A vertex's residual quantizer.
   *
   * @param vertex a DL4J graph vertex
   * @return its quantizer, or null when it has none
   */
  public static ResidualQuantizer vertex(Object vertex) {
    return VERTICES.get(vertex);
  }

  /**
   * Called when an ElementWiseVertex is constructed: an Add gets a residual quantizer when the
   * active configuration has {@code residual: true}.
   *
   * @param vertex the vertex
   * @param op its operation ({@code ElementWiseVertex.Op})
   */
  public static void onVertexCreated(Object vertex, Object op) {
    QuantConfig config = ActiveConfig.get();
    if (config == null || !config.residual() || vertex == null || !"Add".equals(String.valueOf(op))) {
      return;
    }
    String name = null;
    try {
      name = ((GraphVertex) vertex).getVertexName();
      VERTICES.put(vertex, new ResidualQuantizer(name,
          ActiveConfig.newQuantizer(config, QuantRole.RESIDUAL.quantizerName(name), QuantRole.RESIDUAL, new int[0])));
    } catch (Throwable t) {
      HookFailures.failed("vertex " + name, "creating its residual quantizer", t);
    }
  }

  /**
   * Called before an Add vertex adds: replaces its identity inputs with their quantized values.
   *
   * @param vertex the vertex
   * @param graph the graph it belongs to
   * @param inputs the vertex's input array (modified in place; restored by
   *     {@link #afterVertexForward})
   */
  public static void beforeVertexForward(Object vertex, Object graph, INDArray[] inputs) {
    ResidualQuantizer r = VERTICES.get(vertex);
    if (r == null || r.failed || inputs == null) {
      return;
    }
    try {
      if (r.residualInputs == null || r.originals.length != inputs.length) {
        r.residualInputs(identityInputs((GraphVertex) vertex, (ComputationGraph) graph), inputs.length);
      }
      Arrays.fill(r.originals, null);
      for (int k : r.residualInputs) {
        if (inputs[k] != null) {
          r.originals[k] = inputs[k];
          inputs[k] = QuantizedArrays.apply(r.quantizer, inputs[k], r.buffers[k]);
        }
      }
    } catch (Throwable t) {
      restore(r, inputs);
      failVertex(r, "quantizing its identity input", t);
    }
  }

  /**
   * Called after an Add vertex added (or failed): puts the float identity inputs back.
   *
   * @param vertex the vertex
   * @param inputs the vertex's input array
   */
  public static void afterVertexForward(Object vertex, INDArray[] inputs) {
    ResidualQuantizer r = VERTICES.get(vertex);
    if (r != null && !r.failed && inputs != null) {
      restore(r, inputs);
    }
  }

  private static void restore(ResidualQuantizer r, INDArray[] inputs) {
    for (int k = 0; k < Math.min(inputs.length, r.originals.length); k++) {
      if (r.originals[k] != null) {
        inputs[k] = r.originals[k];
      }
    }
  }

  /**
   * Called when an Add vertex's backward pass returns: masks the identity inputs' gradients.
   *
   * @param vertex the vertex
   * @param result the {@code Pair<Gradient, INDArray[]>} returned
   */
  public static void afterVertexBackward(Object vertex, Object result) {
    ResidualQuantizer r = VERTICES.get(vertex);
    if (r == null || r.failed || !(result instanceof Pair<?, ?> p) || !(p.getSecond() instanceof INDArray[] eps)) {
      return;
    }
    try {
      for (int k : r.residualInputs) {
        if (k < eps.length && LayerHooks.sameShape(eps[k], r.originals[k])) {
          QuantizedArrays.maskGradient(r.quantizer, eps[k], r.originals[k]);
        }
      }
    } catch (Throwable t) {
      failVertex(r, "masking its gradients", t);
    }
  }

  /**
   * The identity inputs of a vertex: every input but the one produced last in topological order.
   */
  static int[] identityInputs(GraphVertex vertex, ComputationGraph graph) {
    VertexIndices[] in = vertex.getInputVertices();
    if (in == null || in.length < 2) {
      return new int[0];
    }
    int[] order = graph.topologicalSortOrder();
    int[] position = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      position[order[i]] = i;
    }
    int main = 0;
    for (int i = 1; i < in.length; i++) {
      if (position[in[i].getVertexIndex()] > position[in[main].getVertexIndex()]) {
        main = i;
      }
    }
    int[] out = new int[in.length - 1];
    for (int i = 0, j = 0; i < in.length; i++) {
      if (i != main) {
        out[j++] = i;
      }
    }
    return out;
  }

  private static void failVertex(ResidualQuantizer r, String what, Throwable t) {
    if (!r.failed) {
      HookFailures.failed("vertex " + r.vertexName, what, t);
      r.markFailed();
    }
  }
}
