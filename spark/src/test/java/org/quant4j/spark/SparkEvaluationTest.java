package org.quant4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.spark.internal.Scoring;

/** Evaluation and the per-layer sweep on Spark count what the same network counts on one machine. */
class SparkEvaluationTest {

  /** 4-bit weights, so that quantizing changes some predictions. */
  private static final QuantConfig W4 = QuantConfig.parse("weight: {num_bits: 3}\ninput: {num_bits: 4}");
  private static final List<DataSet> DATA = TestNetworks.batches(10, 8);
  private static MultiLayerNetwork net;

  /** The metric: the summed probability the network gives the label. */
  private static final ExampleMetric LABEL_PROBABILITY = (output, labels) -> output.mul(labels).sumNumber().doubleValue();

  @BeforeAll
  static void calibrate() {
    net = TestNetworks.cnn(W4);
    Calibration.collectStats(net, new ExistingDataSetIterator(DATA), DATA.size());
    Calibration.computeAmax(net, AmaxMethod.MAX);
  }

  private static long correctHere(boolean quantized) {
    long correct = 0;
    for (DataSet d : DATA) {
      INDArray out = quantized ? net.output(d.getFeatures(), false) : Scoring.fp32Output(net, d.getFeatures());
      correct += Scoring.correct(out, d.getLabels());
    }
    return correct;
  }

  @Test
  void fp32AndQuantizedTopOneAndTheMetricMatchOneMachine() {
    EvaluationResult r = SparkEvaluation.evaluate(LocalSpark.context(), net, LocalSpark.context().parallelize(DATA, 3),
        W4, LABEL_PROBABILITY);
    assertEquals(80, r.examples());
    assertEquals(correctHere(false), r.fp32Correct());
    assertEquals(correctHere(true), r.quantizedCorrect());
    double fp32 = 0;
    double quantized = 0;
    for (DataSet d : DATA) {
      fp32 += LABEL_PROBABILITY.sum(Scoring.fp32Output(net, d.getFeatures()), d.getLabels());
      quantized += LABEL_PROBABILITY.sum(net.output(d.getFeatures(), false), d.getLabels());
    }
    assertEquals(fp32, r.fp32MetricSum(), 1e-9 * Math.abs(fp32));
    assertEquals(quantized, r.quantizedMetricSum(), 1e-9 * Math.abs(quantized));
    assertNotEquals(r.fp32MetricSum(), r.quantizedMetricSum(), "the quantized network must have run quantized");
  }

  @Test
  void eachLayerInFloatIsOneTaskAndCountsWhatOneMachineCounts() {
    List<SweepConfiguration> configs = SweepConfiguration.eachLayerInFloat(net);
    assertEquals(List.of("all quantized", "layer0", "layer1", "layer2", "layer3"),
        configs.stream().map(SweepConfiguration::label).toList());
    List<SweepResult> results = SparkSweep.evaluate(LocalSpark.context(), net,
        LocalSpark.context().parallelize(DATA, 2), W4, configs);
    List<Long> expected = new ArrayList<>();
    for (SweepConfiguration c : configs) {
      List<TensorQuantizer> off = new ArrayList<>();
      Quantizers.of(net).forEach((name, q) -> {
        if (c.inFloat().contains(name)) {
          q.disable();
          off.add(q);
        }
      });
      expected.add(correctHere(true));
      off.forEach(TensorQuantizer::enable);
    }
    assertEquals(expected, results.stream().map(SweepResult::correct).toList());
    assertEquals(configs.get(0).label(), results.get(0).label());
    assertEquals(80, results.get(0).examples());
  }

  @Test
  void aSweepConfigurationNamingAnUnknownQuantizerIsRefused() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> SparkSweep.evaluate(LocalSpark.context(), net, LocalSpark.context().parallelize(DATA, 2), W4,
            List.of(new SweepConfiguration("typo", java.util.Set.of("layer9._input_quantizer")))));
    assertEquals("configuration \"typo\" names quantizer(s) [layer9._input_quantizer] the network does not have; it "
        + "has " + Quantizers.of(net).keySet(), e.getMessage());
  }
}
