package org.quant4j.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.spark.internal.PartitionBatches;
import org.quant4j.spark.internal.PartitionReport;
import org.quant4j.spark.internal.Scoring;
import org.quant4j.spark.internal.ShippedNetwork;
import org.quant4j.spark.internal.SparkFailures;

/**
 * A distributed per-layer sweep: evaluates a list of quantizer configurations ({@link SweepConfiguration},
 * which quantizers run in float) on one sample, one Spark task per configuration, and returns their top-1 in the
 * order given. The sample (small: it is collected on the driver and broadcast) is the same for every
 * configuration, so the rows compare.
 *
 * <p>This is the hook for a sensitivity analysis: whatever chooses the configurations (every layer in float in
 * turn, {@link SweepConfiguration#eachLayerInFloat}, or a search that adds layers to the float set greedily)
 * hands each round's candidates to {@link #evaluate} and reads the table back. {@link SparkSensitivity} is
 * runtime's per-layer sensitivity measured this way.
 */
public final class SparkSweep {

  private SparkSweep() {}

  /**
   * Evaluates each configuration on the sample, one task each.
   *
   * @param sc the Spark context
   * @param net the driver's network (calibrated, or with dynamic amax), built after
   *     {@code QuantModules.initialize(config)}
   * @param sample batches with features and one-hot labels
   * @param config the configuration the network's quantizers were built with
   * @param configurations what to evaluate, at least one
   * @return one result per configuration, in the order given
   * @throws IllegalArgumentException if an argument is null, the network has no quantizers, the sample holds no
   *     batch or batches of different shapes, there is no configuration, or one names a quantizer the network
   *     does not have
   * @throws IllegalStateException if an executor cannot load ND4J's native backend
   */
  public static List<SweepResult> evaluate(JavaSparkContext sc, Model net, JavaRDD<DataSet> sample,
      QuantConfig config, List<SweepConfiguration> configurations) {
    if (sample == null || configurations == null || configurations.isEmpty()) {
      throw new IllegalArgumentException(sample == null ? "sample must not be null"
          : "configurations must list at least one configuration");
    }
    Map<String, TensorQuantizer> quantizers = ShippedNetwork.requireQuantizers(net);
    for (SweepConfiguration c : configurations) {
      Set<String> unknown = new HashSet<>(c.inFloat());
      unknown.removeAll(quantizers.keySet());
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException("configuration \"" + c.label() + "\" names quantizer(s) "
            + new java.util.TreeSet<>(unknown) + " the network does not have; it has " + quantizers.keySet());
      }
    }
    List<DataSet> batches = SparkFailures.run(sample::collect);
    PartitionBatches all = PartitionBatches.of(0, batches.iterator());
    PartitionReport.requireOneShape(List.of(PartitionReport.of(all, new byte[0])), "sweep");
    ShippedNetwork shipped = ShippedNetwork.of(sc, net, config);
    Broadcast<List<byte[]>> data = sc.broadcast(encode(batches));
    try {
      List<Integer> indices = IntStream.range(0, configurations.size()).boxed().toList();
      List<List<String>> inFloat = configurations.stream().map(c -> List.copyOf(c.inFloat())).toList();
      List<Long> correct = SparkFailures.run(() -> sc.parallelize(indices, indices.size())
          .map(i -> correct(shipped, data.value(), inFloat.get(i))).collect());
      List<SweepResult> results = new ArrayList<>();
      for (int i = 0; i < configurations.size(); i++) {
        results.add(new SweepResult(configurations.get(i).label(), all.examples(), correct.get(i)));
      }
      return results;
    } finally {
      data.destroy();
      shipped.release();
    }
  }

  private static long correct(ShippedNetwork shipped, List<byte[]> encoded, List<String> inFloat) {
    List<DataSet> batches = new ArrayList<>();
    for (byte[] b : encoded) {
      DataSet d = new DataSet();
      d.load(new ByteArrayInputStream(b));
      batches.add(d);
    }
    Model net = shipped.rebuild();
    Quantizers.of(net).forEach((name, q) -> {
      if (inFloat.contains(name)) {
        q.disable();
      }
    });
    PartitionBatches sample = PartitionBatches.of(0, batches.iterator());
    return sample.forward(() -> Scoring.correct(net, sample));
  }

  /** The sample's batches in ND4J's own binary format, to broadcast as bytes. */
  private static List<byte[]> encode(List<DataSet> batches) {
    List<byte[]> out = new ArrayList<>();
    for (DataSet d : batches) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      d.save(bytes);
      out.add(bytes.toByteArray());
    }
    return out;
  }
}
