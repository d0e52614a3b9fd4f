package org.quant4j.spark.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.Quantizers;

/**
 * The network on an executor: the driver's {@link ModelSerializer} bytes rebuilt with quant4j's quantizers,
 * laid over with the driver's quantizer switches and amax ({@link WireFormat#quantizers}). Each task gets its
 * own copy (one network calibrates in one thread at a time).
 */
public final class ExecutorNetworks {

  private static final byte MULTI_LAYER = 'M';
  private static final byte GRAPH = 'G';

  private ExecutorNetworks() {}

  /**
   * The bytes a network travels as: a one-byte kind, then its {@link ModelSerializer} zip without the updater.
   *
   * @param model a MultiLayerNetwork or ComputationGraph
   * @return the bytes
   */
  public static byte[] serialize(Model model) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(model instanceof ComputationGraph ? GRAPH : MULTI_LAYER);
    try {
      ModelSerializer.writeModel(model, bytes, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize the network: " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  /**
   * Rebuilds the network on this JVM: checks the native backend, installs the quantizers with
   * {@link QuantModules#initialize(QuantConfig)} (the JVM-wide weaving happens once per JVM; a JVM that
   * already runs with this configuration is unchanged), restores the network and lays the driver's
   * quantizer state over it. Builds are serialized per JVM, because the configuration is JVM-wide.
   *
   * @param model the bytes of {@link #serialize}
   * @param configYaml the configuration ({@link QuantConfig#toYaml()})
   * @param quantizers the driver's quantizers ({@link WireFormat#quantizers})
   * @return the network, private to the caller
   * @throws IllegalStateException if ND4J's native backend does not load on this JVM, or the network's
   *     quantizers differ from the driver's
   */
  public static synchronized Model rebuild(byte[] model, String configYaml, byte[] quantizers) {
    requireNativeBackend();
    QuantModules.initialize(QuantConfig.parse(configYaml));
    Model net;
    try (ByteArrayInputStream in = new ByteArrayInputStream(model, 1, model.length - 1)) {
      net = model[0] == GRAPH
          ? ModelSerializer.restoreComputationGraph(in, false)
          : ModelSerializer.restoreMultiLayerNetwork(in, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore the driver's network on an executor: " + e.getMessage(), e);
    }
    WireFormat.applyQuantizers(quantizers, Quantizers.of(net));
    return net;
  }

  /**
   * Fails with one clear line when ND4J's native backend cannot be loaded on this JVM (an executor whose class
   * path lacks nd4j-native for its platform, or whose native libraries do not load).
   *
   * @throws IllegalStateException naming the host and what is missing
   */
  public static void requireNativeBackend() {
    try {
      Nd4j.getBackend();
      Nd4j.scalar(0f);
    } catch (Throwable t) { // class init, linkage and "no backend" errors all mean the same to the user
      Throwable root = t;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new IllegalStateException("executor " + host() + " cannot load ND4J's native backend ("
          + root.getClass().getSimpleName() + ": " + root.getMessage() + "); ship quant4j-runtime with its "
          + "dependencies (nd4j-native and its platform jar for the executors' OS) in the job's jars");
    }
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "(unknown host)";
    }
  }

  /**
   * Runs features through the network in inference mode.
   *
   * @param model a MultiLayerNetwork or single-input, single-output ComputationGraph
   * @param features the batch
   * @return the network's output
   */
  public static org.nd4j.linalg.api.ndarray.INDArray output(Model model,
      org.nd4j.linalg.api.ndarray.INDArray features) {
    return model instanceof MultiLayerNetwork net ? net.output(features, false)
        : ((ComputationGraph) model).output(false, features)[0];
  }
}
