package org.quant4j.dl4j;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.quant4j.dl4j.internal.LayerHooks;
import org.quant4j.dl4j.internal.LayerQuantizers;

/**
 * The layers and vertices of a network in forward order, each with the name its quantizers are named after (the
 * DL4J layer name, else {@code layer<i>} in a MultiLayerNetwork or the vertex name in a ComputationGraph). Wrapper
 * layers are unwrapped to the layer that computes.
 */
final class NetworkLayers {

  /**
   * One layer or vertex.
   *
   * @param name its name
   * @param layer the (unwrapped) layer, or null for a vertex without one
   * @param vertex the graph vertex, or null outside a ComputationGraph
   */
  record Part(String name, Layer layer, GraphVertex vertex) {
    /**
     * The number of parameters it holds.
     *
     * @return the layer's or the vertex's parameter count
     */
    long numParams() {
      return layer != null ? layer.numParams() : vertex.numParams();
    }

    /**
     * The class that computes it.
     *
     * @return the layer's class, or the vertex's
     */
    Class<?> type() {
      return layer != null ? layer.getClass() : vertex.getClass();
    }
  }

  private NetworkLayers() {}

  /**
   * The parts of a network.
   *
   * @param model a MultiLayerNetwork, a ComputationGraph or a Layer
   * @return the parts in forward order (topological order for a graph)
   * @throws IllegalArgumentException for another kind of model
   */
  static List<Part> of(Model model) {
    List<Part> parts = new ArrayList<>();
    if (model instanceof MultiLayerNetwork net) {
      Layer[] layers = net.getLayers();
      for (int i = 0; layers != null && i < layers.length; i++) {
        Layer inner = unwrap(layers[i]);
        parts.add(new Part(name(inner, "layer" + i), inner, null));
      }
    } else if (model instanceof ComputationGraph graph) {
      GraphVertex[] vertices = graph.getVertices();
      if (vertices != null) {
        for (int idx : graph.topologicalSortOrder()) {
          GraphVertex v = vertices[idx];
          if (v.hasLayer()) {
            Layer inner = unwrap(v.getLayer());
            parts.add(new Part(name(inner, v.getVertexName()), inner, v));
          } else {
            parts.add(new Part(v.getVertexName(), null, v));
          }
        }
      }
    } else if (model instanceof Layer layer) {
      Layer inner = unwrap(layer);
      parts.add(new Part(name(inner, "layer" + layer.getIndex()), inner, null));
    } else {
      throw new IllegalArgumentException("model must be a MultiLayerNetwork, ComputationGraph or Layer, got "
          + (model == null ? "null" : model.getClass().getName()));
    }
    return parts;
  }

  private static Layer unwrap(Layer layer) {
    Layer inner = layer;
    while (inner instanceof BaseWrapperLayer w) {
      inner = w.getUnderlying();
    }
    return inner;
  }

  private static String name(Layer layer, String fallback) {
    LayerQuantizers quantizers = LayerHooks.layer(layer);
    if (quantizers != null) {
      return quantizers.name(fallback);
    }
    String declared = layer.conf() == null || layer.conf().getLayer() == null
        ? null : layer.conf().getLayer().getLayerName();
    return declared != null ? declared : fallback;
  }
}
