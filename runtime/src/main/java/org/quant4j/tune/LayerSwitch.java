package org.quant4j.tune;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;

/**
 * Turns the quantizers of whole layers on and off: every configuration sensitivity measures is "these layers
 * quantized, the others in float". {@link #restore()} turns every layer back on.
 */
final class LayerSwitch {

  private final List<QuantizedLayer> layers;
  private final Map<String, TensorQuantizer> quantizers;

  LayerSwitch(Model model, List<QuantizedLayer> layers) {
    this.layers = layers;
    this.quantizers = Quantizers.of(model);
  }

  /**
   * Quantizes exactly the layers the test accepts.
   *
   * @param quantized whether a layer is quantized
   */
  void set(Predicate<QuantizedLayer> quantized) {
    for (QuantizedLayer layer : layers) {
      boolean on = quantized.test(layer);
      for (String name : layer.quantizers()) {
        if (on) {
          quantizers.get(name).enable();
        } else {
          quantizers.get(name).disable();
        }
      }
    }
  }

  /** Quantizes every layer again, as before the first {@link #set}. */
  void restore() {
    set(layer -> true);
  }
}
