package org.quant4j.spark.internal;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;

/**
 * The driver's network as tasks receive it: its {@code ModelSerializer} bytes in a broadcast, the quantizer
 * configuration as JSON and the driver's quantizer switches and amax as a {@link WireFormat} message. Holds
 * bytes and text only.
 */
public final class ShippedNetwork implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The network's ModelSerializer bytes ({@link ExecutorNetworks#serialize}). */
  private final Broadcast<byte[]> model;
  /** The quantizer configuration, {@link QuantConfig#toYaml()}. */
  private final String configYaml;
  /** The driver's quantizer switches and amax, {@link WireFormat#quantizers}. */
  private final byte[] quantizers;

  private ShippedNetwork(Broadcast<byte[]> model, String configYaml, byte[] quantizers) {
    this.model = model;
    this.configYaml = configYaml;
    this.quantizers = quantizers;
  }

  /**
   * Checks the driver's network and broadcasts it.
   *
   * @param sc the Spark context
   * @param net the driver's network, built with {@code config}
   * @param config the configuration the network's quantizers were built with
   * @return what the tasks rebuild the network from
   * @throws IllegalArgumentException if an argument is null, the network is of another kind or has no quantizers
   */
  public static ShippedNetwork of(JavaSparkContext sc, Model net, QuantConfig config) {
    if (sc == null || config == null) {
      throw new IllegalArgumentException((sc == null ? "sc" : "config") + " must not be null");
    }
    requireQuantizers(net);
    return new ShippedNetwork(sc.broadcast(ExecutorNetworks.serialize(net)), config.toYaml(),
        WireFormat.quantizers(Quantizers.of(net)));
  }

  /**
   * The network's quantizers, refusing a network that has none.
   *
   * @param net the network
   * @return its quantizers by name, in forward order
   * @throws IllegalArgumentException if net is null, of another kind or has no quantizers
   */
  public static Map<String, TensorQuantizer> requireQuantizers(Model net) {
    if (!(net instanceof MultiLayerNetwork) && !(net instanceof ComputationGraph)) {
      throw new IllegalArgumentException("net must be a MultiLayerNetwork or ComputationGraph, got "
          + (net == null ? "null" : net.getClass().getName()));
    }
    Map<String, TensorQuantizer> q = Quantizers.of(net);
    if (q.isEmpty()) {
      throw new IllegalArgumentException("the network has no quantizers, so there is nothing to "
          + "quantize: call QuantModules.initialize(config) before building or restoring it, and pass the same "
          + "config here" + (QuantModules.isActive() ? " (quant4j is active now: the network was built before)" : ""));
    }
    return new LinkedHashMap<>(q);
  }

  /**
   * Rebuilds the network in this task ({@link ExecutorNetworks#rebuild}).
   *
   * @return a network private to the caller, with the driver's quantizer switches and amax
   */
  public Model rebuild() {
    return ExecutorNetworks.rebuild(model.value(), configYaml, quantizers);
  }

  /** Frees the broadcast on the executors and the driver. */
  public void release() {
    model.destroy();
  }
}
