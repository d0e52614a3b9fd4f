package org.quant4j.dl4j.internal;

import java.util.IdentityHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.nn.TensorQuantizer;

/**
 * What the layer map and the layers' side table say about one DL4J layer instance, for
 * {@code org.quant4j.dl4j.QuantCoverage} (is the layer's class in the map?) and for the checks
 * {@code org.quant4j.dl4j.QuantState} makes before loading (which parameter does each weight quantizer quantize?).
 */
public final class LayerCoverage {

  private LayerCoverage() {}

  /**
   * Whether the layer map has a row for a layer's class (matched by exact name, as the hooks match it).
   *
   * @param layer a DL4J layer implementation instance
   * @return true if layers of its class get quantizers
   */
  public static boolean inLayerMap(Layer layer) {
    return LayerMapping.forClassName(layer.getClass().getName()) != null;
  }

  /**
   * The shape of the parameter each of a layer's weight quantizers quantizes.
   *
   * @param layer a DL4J layer implementation instance
   * @return by quantizer identity, the shape in which it sees its DL4J parameter ({@link WeightView}); empty when
   *     the layer has no quantizers
   */
  public static Map<TensorQuantizer, long[]> weightShapes(Layer layer) {
    Map<TensorQuantizer, long[]> shapes = new IdentityHashMap<>();
    LayerQuantizers quantizers = LayerHooks.layer(layer);
    if (quantizers != null) {
      for (LayerQuantizers.WeightSlot slot : quantizers.weights) {
        INDArray param = layer.getParam(slot.param.paramKey());
        if (param != null) {
          shapes.put(slot.quantizer, slot.view.toQuantizer(param).shape());
        }
      }
    }
    return shapes;
  }
}
