package org.quant4j.spark;

import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.tune.Sensitivity;

/**
 * One configuration of a {@link SparkSweep}: which quantizers run in float (disabled) on top of the driver's
 * network as it is. Immutable.
 *
 * @param label the name of the configuration in the results, e.g. the layer left in float
 * @param inFloat the names of the quantizers disabled in this configuration (as {@link Quantizers#of} names them)
 */
public record SweepConfiguration(String label, Set<String> inFloat) {

  /**
   * Checks and copies the arguments.
   *
   * @param label the name of the configuration in the results
   * @param inFloat the names of the quantizers disabled in this configuration
   * @throws IllegalArgumentException if the label is null or empty, or inFloat is null
   */
  public SweepConfiguration {
    if (label == null || label.isEmpty()) {
      throw new IllegalArgumentException("label must be a non-empty name, got " + label);
    }
    if (inFloat == null) {
      throw new IllegalArgumentException("inFloat must be a set of quantizer names, got null");
    }
    inFloat = Set.copyOf(inFloat);
  }

  /**
   * The sensitivity sweep's usual configurations: the network as it is ({@code "all quantized"}), then for each
   * layer (or vertex) with an enabled quantizer, that layer's quantizers in float, labelled with the layer's
   * name, in forward order.
   *
   * @param net the network
   * @return the configurations
   */
  public static List<SweepConfiguration> eachLayerInFloat(Model net) {
    List<SweepConfiguration> out = new java.util.ArrayList<>();
    out.add(new SweepConfiguration("all quantized", Set.of()));
    Sensitivity.quantizedLayers(net)
        .forEach((layer, names) -> out.add(new SweepConfiguration(layer, Set.copyOf(names))));
    return out;
  }
}
