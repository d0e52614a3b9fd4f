package org.quant4j.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantSpec;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.report.CalibrationReport;

class SensitivityTest {

  @TempDir Path dir;

  /** The fragile network built with w8a8 quantizers and max-calibrated on its own images. */
  static Model calibrated(Model floatNet, ImageSet images) {
    Model net = Networks.build(floatNet, QuantConfig.builder()
        .input(QuantSpec.builder().numBits(8).calibMethod("max").build()).build());
    Calibration.collectStats(net, ImageSetIterator.inOrder(images, FragileNetwork.BATCH), 100);
    Calibration.computeAmax(net, AmaxMethod.MAX);
    return net;
  }

  @Test
  void theLayerWhoseInputHasRareOutliersIsRankedMostHarmful() {
    MultiLayerNetwork floatNet = FragileNetwork.network();
    ImageSet images = FragileNetwork.images(floatNet);
    Model net = calibrated(floatNet, images);

    SensitivityResult s = Sensitivity.of(net).data(images, FragileNetwork.BATCH).run();

    assertEquals(1.0, s.fp32());
    assertEquals(List.of("dense0", "fragile", "out"), s.layers().stream().map(LayerSensitivity::layer).toList());
    assertEquals("fragile", s.byHarm().get(0).layer(), s.table().toText() + Quantizers.of(net));
    assertTrue(s.harm(s.byHarm().get(0)) > 0.2, s.table().toText());
    assertTrue(s.harm(s.byHarm().get(1)) < 0.05, s.table().toText());
    assertTrue(Quantizers.of(net).values().stream().allMatch(q -> q.isEnabled()), "quantizers re-enabled");
  }

  @Test
  void theLayerInputCacheGivesTheSameFiguresAsWholeEvaluationsAtAnyBudget() {
    MultiLayerNetwork floatNet = FragileNetwork.network();
    ImageSet images = FragileNetwork.images(floatNet);
    Model net = calibrated(floatNet, images);

    SensitivityResult whole = Sensitivity.of(net)
        .metric(Top1.NAME, m -> Top1.of(m, images, FragileNetwork.BATCH)).run();
    for (long budget : new long[] {Sensitivity.DEFAULT_CACHE_BUDGET, 64L * 16 * 4, 0}) {
      SensitivityResult cached = Sensitivity.of(net).data(images, FragileNetwork.BATCH).cacheBudget(budget).run();
      assertEquals(whole, cached, "budget " + budget);
    }
  }

  @Test
  void eachBatchRunsEveryDistinctLayerPassOnceAndWithoutABudgetEveryConfigurationWhole() {
    MultiLayerNetwork floatNet = FragileNetwork.network();
    ImageSet images = FragileNetwork.images(floatNet);
    MultiLayerNetwork net = (MultiLayerNetwork) calibrated(floatNet, images);
    List<QuantizedLayer> layers = QuantizedLayer.of(net);
    LayerSwitch layerSwitch = new LayerSwitch(net, layers);
    try {
      LayerInputCache shared = new LayerInputCache(net, layers, layerSwitch, Sensitivity.DEFAULT_CACHE_BUDGET);
      LayerInputCache none = new LayerInputCache(net, layers, layerSwitch, 0);
      shared.add(ImageSetIterator.inOrder(images, FragileNetwork.BATCH).next());
      none.add(ImageSetIterator.inOrder(images, FragileNetwork.BATCH).next());

      // 3 layers: 2 distinct prefixes of length 1 (F, Q), 4 of length 2, all 8 configurations of length 3
      assertEquals(2 + 4 + 8, shared.layerPasses);
      assertEquals(8 * 3, none.layerPasses);
    } finally {
      layerSwitch.restore();
    }
  }

  @Test
  void aLayerLeftInFloatBetweenQuantizedLayersGivesTheSameFiguresAsWholeEvaluations() {
    MultiLayerNetwork floatNet = FragileNetwork.network();
    ImageSet images = FragileNetwork.images(floatNet);
    Model net = calibrated(floatNet, images);
    Quantizers.of(net).forEach((name, q) -> {
      if (name.startsWith("fragile.")) {
        q.disable();
      }
    });

    SensitivityResult whole = Sensitivity.of(net)
        .metric(Top1.NAME, m -> Top1.of(m, images, FragileNetwork.BATCH)).run();
    SensitivityResult cached = Sensitivity.of(net).data(images, FragileNetwork.BATCH).run();

    assertEquals(List.of("dense0", "out"), cached.layers().stream().map(LayerSensitivity::layer).toList());
    assertEquals(whole, cached);
  }

  @Test
  void aComputationGraphIsMeasuredWholeAndGivesTheSameFigures() {
    MultiLayerNetwork floatNet = FragileNetwork.network();
    ImageSet images = FragileNetwork.images(floatNet);
    ComputationGraph floatGraph = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder()
        .addInputs("in").setInputTypes(InputType.convolutional(4, 4, 1))
        .addLayer("dense0", new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build(), "in")
        .addLayer("fragile", new DenseLayer.Builder().nOut(16).activation(Activation.IDENTITY).build(), "dense0")
        .addLayer("out", new OutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX)
            .lossFunction(LossFunctions.LossFunction.MCXENT).build(), "fragile")
        .setOutputs("out").build());
    floatGraph.init();
    floatGraph.setParams(floatNet.params());

    SensitivityResult graph = Sensitivity.of(calibrated(floatGraph, images)).data(images, FragileNetwork.BATCH).run();

    assertEquals(Sensitivity.of(calibrated(floatNet, images)).data(images, FragileNetwork.BATCH).run(), graph);
  }

  @Test
  void tableJsonAndReportChartAreSortedByHarm() throws Exception {
    SensitivityResult s = new SensitivityResult(Top1.NAME, 0.99, 0.90, List.of(
        new LayerSensitivity("a", 0.985, 0.91), new LayerSensitivity("b", 0.93, 0.97)));

    assertEquals(List.of("b", "a"), s.byHarm().stream().map(LayerSensitivity::layer).toList());
    assertEquals(List.of("b", "93.00", "-6.00", "+3.00", "97.00", "-2.00", "+7.00"), s.table().rows().get(0));
    String json = s.toJson();
    assertTrue(json.indexOf("\"layer\" : \"b\"") < json.indexOf("\"layer\" : \"a\""), json);
    assertTrue(json.contains("\"only\" : 0.93,"), json);
    Path index = CalibrationReport.builder().chart(s.chart()).build().write(dir);
    assertTrue(Files.readString(index).contains("<img src=\"sensitivity.png\""));
    assertTrue(Files.size(dir.resolve("sensitivity.png")) > 1000);
  }

  @Test
  void aNetworkWithoutQuantizersIsRefused() {
    MultiLayerNetwork floatNet = FragileNetwork.network();
    ImageSet images = FragileNetwork.images(floatNet);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Sensitivity.of(floatNet).data(images, 8).run());
    assertEquals("the model has no enabled quantizer: build or restore it under QuantModules.initialize() and"
        + " load its amax before measuring sensitivity", e.getMessage());
  }
}
