package org.quant4j.tune;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantRole;

/**
 * Builds copies of a network under a configuration, as a fresh JVM would build it from the same configuration
 * ({@code QuantModules.initialize(config)}, then the network), and measures what its layers hold.
 */
final class Networks {

  private Networks() {}

  /**
   * A copy of a network (same configuration, same parameters) whose quantizers come from {@code config}; the
   * caller's quant-modules state is put back afterwards.
   *
   * @param template a MultiLayerNetwork or ComputationGraph
   * @param config the configuration its quantizers are built from
   * @return the copy
   */
  static Model build(Model template, QuantConfig config) {
    synchronized (QuantModules.class) {
      QuantConfig previous = QuantModules.activeConfig();
      QuantModules.initialize(config);
      try {
        if (template instanceof MultiLayerNetwork net) {
          return net.clone();
        }
        if (template instanceof ComputationGraph graph) {
          return graph.clone();
        }
        throw new IllegalArgumentException("model must be a MultiLayerNetwork or ComputationGraph, got "
            + (template == null ? "null" : template.getClass().getName()));
      } finally {
        if (previous == null) {
          QuantModules.deactivate();
        } else {
          QuantModules.initialize(previous);
        }
      }
    }
  }

  /**
   * What each quantized layer holds: its quantized weights' elements and one example's input elements.
   *
   * @param model the network, its quantizers disabled or not (one example is run through it)
   * @param layers its quantized layers
   * @param example an image set whose first image is run
   * @return one entry per layer, in the same order
   */
  static List<LayerCost> costs(Model model, List<QuantizedLayer> layers, ImageSet example) {
    INDArray x = ImageSetIterator.inOrder(example.subset(0, 1), 1).next().getFeatures();
    List<INDArray> mlnInputs = model instanceof MultiLayerNetwork net ? net.feedForward(x, false) : null;
    Map<String, INDArray> graphOutputs = model instanceof ComputationGraph g ? g.feedForward(x, false) : null;
    return layers.stream().map(l -> {
      long weights = 0;
      Layer layer = layer(model, l);
      for (String q : l.quantizers()) {
        QuantRole role = QuantizedLayer.roleOf(q);
        if (role.isWeight() && layer != null) {
          INDArray w = layer.getParam(paramKey(role));
          weights += w == null ? 0 : w.length();
        }
      }
      long activations = 0;
      if (mlnInputs != null) {
        activations = mlnInputs.get(l.index()).length();
      } else {
        ComputationGraph g = (ComputationGraph) model;
        for (String in : g.getConfiguration().getVertexInputs().getOrDefault(l.name(), List.of())) {
          INDArray a = graphOutputs.get(in);
          activations += a == null ? 0 : a.length();
        }
      }
      return new LayerCost(l.name(), weights, activations);
    }).toList();
  }

  private static Layer layer(Model model, QuantizedLayer l) {
    if (model instanceof MultiLayerNetwork net) {
      return net.getLayer(l.index());
    }
    ComputationGraph g = (ComputationGraph) model;
    return g.getVertex(l.name()) != null && g.getVertex(l.name()).hasLayer() ? g.getLayer(l.name()) : null;
  }

  private static String paramKey(QuantRole role) {
    return switch (role) {
      case POINTWISE_WEIGHT -> "pW";
      case RECURRENT_WEIGHT -> "RW";
      default -> "W";
    };
  }
}
