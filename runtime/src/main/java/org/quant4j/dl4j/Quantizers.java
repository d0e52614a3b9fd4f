package org.quant4j.dl4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.dl4j.internal.ResidualQuantizer;
import org.quant4j.dl4j.internal.LayerQuantizers;
import org.quant4j.dl4j.internal.VertexHooks;
import org.quant4j.dl4j.internal.LayerHooks;

/**
 * The quantizers of a DL4J network by name, the Java {@code model.named_modules()} filtered to
 * {@code TensorQuantizer}s.
 */
public final class Quantizers {

  private Quantizers() {}

  /**
   * Every quantizer of a network, in forward order (MultiLayerNetwork: layer index; ComputationGraph:
   * topological order), named {@code <layer>._input_quantizer}, {@code ._weight_quantizer},
   * {@code ._pointwise_weight_quantizer}, {@code ._recurrent_weight_quantizer} and
   * {@code <vertex>._residual_quantizer}, where the layer name is DL4J's layer or vertex name
   * ({@code layer0}, {@code layer1}, ... for unnamed MultiLayerNetwork layers). A single layer gives
   * its own quantizers. The names are stable across runs for the same configuration.
   *
   * @param model a MultiLayerNetwork, a ComputationGraph or a Layer
   * @return an ordered, unmodifiable map (empty when nothing is quantized)
   * @throws IllegalArgumentException if model is null or of another kind
   */
  public static Map<String, TensorQuantizer> of(Model model) {
    Map<String, TensorQuantizer> out = new LinkedHashMap<>();
    if (model instanceof MultiLayerNetwork net) {
      Layer[] layers = net.getLayers();
      if (layers != null) {
        for (int i = 0; i < layers.length; i++) {
          addLayer(out, layers[i], "layer" + i);
        }
      }
    } else if (model instanceof ComputationGraph graph) {
      GraphVertex[] vertices = graph.getVertices();
      if (vertices != null) {
        for (int idx : graph.topologicalSortOrder()) {
          GraphVertex v = vertices[idx];
          if (v.hasLayer()) {
            addLayer(out, v.getLayer(), v.getVertexName());
          }
          ResidualQuantizer r = VertexHooks.vertex(v);
          if (r != null) {
            putUnique(out, QuantRole.RESIDUAL.quantizerName(r.vertexName()), r.quantizer());
          }
        }
      }
    } else if (model instanceof Layer layer) {
      addLayer(out, layer, "layer" + layer.getIndex());
    } else {
      throw new IllegalArgumentException("model must be a MultiLayerNetwork, ComputationGraph or Layer, got "
          + (model == null ? "null" : model.getClass().getName()));
    }
    return Collections.unmodifiableMap(out);
  }

  private static void addLayer(Map<String, TensorQuantizer> out, Layer layer, String fallbackName) {
    Layer inner = layer;
    while (inner instanceof BaseWrapperLayer w) {
      inner = w.getUnderlying();
    }
    LayerQuantizers s = LayerHooks.layer(inner);
    if (s != null) {
      s.named(s.name(fallbackName)).forEach((n, q) -> putUnique(out, n, q));
    }
  }

  private static void putUnique(Map<String, TensorQuantizer> out, String name, TensorQuantizer q) {
    if (out.putIfAbsent(name, q) != null && out.get(name) != q) {
      throw new IllegalStateException("two quantizers are both named " + name
          + "; give the layers distinct names");
    }
  }
}
