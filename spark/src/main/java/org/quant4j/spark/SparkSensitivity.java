package org.quant4j.spark;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.spark.internal.ShippedNetwork;
import org.quant4j.tune.LayerSensitivity;
import org.quant4j.tune.Sensitivity;
import org.quant4j.tune.SensitivityResult;
import org.quant4j.tune.Top1;

/**
 * Per-layer sensitivity on Spark: the figures of runtime's {@code org.quant4j.tune.Sensitivity} (top-1 in FP32,
 * with every layer quantized, and per quantized layer with only it quantized and with all but it quantized),
 * measured by a {@link SparkSweep} with one task per configuration, so that {@link SensitivityResult#table()},
 * {@code chart()} and {@code toJson()} read as on one machine. Over the same batches the figures are the same
 * doubles as one machine's, in the same layer order.
 *
 * <pre>{@code
 * SensitivityResult s = SparkSensitivity.run(sc, net, sample, config);
 * System.out.println(s.table().toText());
 * }</pre>
 */
public final class SparkSensitivity {

  private SparkSensitivity() {}

  /**
   * Measures every quantized layer's top-1 sensitivity on the sample, {@code 2 + 2 * layers} tasks.
   *
   * @param sc the Spark context
   * @param net the driver's network with calibrated quantizers (or dynamic amax), built after
   *     {@code QuantModules.initialize(config)}; its disabled quantizers stay disabled in every configuration
   * @param sample batches with features and one-hot labels, small enough to collect on the driver
   * @param config the configuration the network's quantizers were built with
   * @return the figures, layers in forward order, named as the quantizers' layer (or vertex)
   * @throws IllegalArgumentException if an argument is null, the network has no enabled quantizer, or the
   *     sample holds no batch or batches of different shapes
   * @throws IllegalStateException if an executor cannot load ND4J's native backend
   */
  public static SensitivityResult run(JavaSparkContext sc, Model net, JavaRDD<DataSet> sample, QuantConfig config) {
    ShippedNetwork.requireQuantizers(net);
    Map<String, List<String>> layers = Sensitivity.quantizedLayers(net);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("the network has no enabled quantizer: load its amax (or enable its"
          + " quantizers) before measuring sensitivity");
    }
    Set<String> every = new HashSet<>();
    layers.values().forEach(every::addAll);
    List<SweepConfiguration> configurations = new ArrayList<>();
    configurations.add(new SweepConfiguration("FP32", every));
    configurations.add(new SweepConfiguration("all quantized", Set.of()));
    layers.forEach((layer, own) -> {
      Set<String> others = new HashSet<>(every);
      others.removeAll(own);
      configurations.add(new SweepConfiguration("only " + layer, others));
      configurations.add(new SweepConfiguration("all but " + layer, Set.copyOf(own)));
    });
    List<SweepResult> r = SparkSweep.evaluate(sc, net, sample, config, configurations);
    List<LayerSensitivity> out = new ArrayList<>();
    int i = 2;
    for (String layer : layers.keySet()) {
      out.add(new LayerSensitivity(layer, r.get(i).top1(), r.get(i + 1).top1()));
      i += 2;
    }
    return new SensitivityResult(Top1.NAME, r.get(0).top1(), r.get(1).top1(), out);
  }
}
