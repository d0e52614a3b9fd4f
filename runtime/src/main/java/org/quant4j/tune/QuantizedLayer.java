package org.quant4j.tune;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.quant4j.dl4j.QuantRole;
import org.quant4j.dl4j.Quantizers;

/**
 * One quantized layer (or vertex) of a network: the name its quantizers share and their full names, in
 * forward order; what sensitivity measures and the search assigns a format to.
 *
 * @param name the layer or vertex name, e.g. {@code layer0} or {@code conv1}
 * @param quantizers its enabled quantizers' full names, e.g. {@code conv1._input_quantizer}
 * @param index its index in a MultiLayerNetwork, or -1 in a ComputationGraph
 */
record QuantizedLayer(String name, List<String> quantizers, int index) {

  QuantizedLayer {
    quantizers = List.copyOf(quantizers);
  }

  /**
   * The quantized layers of a network: those with at least one enabled quantizer, in forward order.
   *
   * @param model a MultiLayerNetwork or ComputationGraph with quantizers
   * @return the layers
   */
  static List<QuantizedLayer> of(Model model) {
    Map<String, Integer> index = new HashMap<>();
    if (model instanceof MultiLayerNetwork net) {
      for (int i = 0; i < net.getnLayers(); i++) {
        for (String q : Quantizers.of(net.getLayer(i)).keySet()) {
          index.put(q, i);
        }
      }
    }
    List<QuantizedLayer> layers = new ArrayList<>();
    Sensitivity.quantizedLayers(model)
        .forEach((name, qs) -> layers.add(new QuantizedLayer(name, qs, index.getOrDefault(qs.get(0), -1))));
    return layers;
  }

  /**
   * The role of one of a layer's quantizers, from its name's suffix.
   *
   * @param quantizerName the full name
   * @return the role
   */
  static QuantRole roleOf(String quantizerName) {
    for (QuantRole role : QuantRole.values()) {
      if (quantizerName.endsWith("." + role.suffix())) {
        return role;
      }
    }
    throw new IllegalArgumentException("quantizer " + quantizerName + " has no role suffix");
  }

  static String layerOf(String quantizerName) {
    return quantizerName.substring(0, quantizerName.length() - roleOf(quantizerName).suffix().length() - 1);
  }
}
