package org.quant4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.Quantizers;

/** Bad input is one clear line, naming what is wrong (the partition and shape where data is concerned). */
class SparkBadInputTest {

  private static final List<DataSet> DATA = TestNetworks.batches(6, 4);

  private static IllegalArgumentException calibrationFails(MultiLayerNetwork net, JavaRDD<DataSet> data) {
    return assertThrows(IllegalArgumentException.class,
        () -> SparkCalibration.collectStats(LocalSpark.context(), net, data, TestNetworks.HISTOGRAM));
  }

  @Test
  void aNetworkWithoutQuantizersIsRefusedSayingSo() {
    MultiLayerNetwork plain = TestNetworks.plainCnn(TestNetworks.HISTOGRAM);
    assertEquals("the network has no quantizers, so there is nothing to quantize: call "
        + "QuantModules.initialize(config) before building or restoring it, and pass the same config here (quant4j "
        + "is active now: the network was built before)",
        calibrationFails(plain, LocalSpark.context().parallelize(DATA, 2)).getMessage());
  }

  @Test
  void anEmptyRddIsRefused() {
    JavaSparkContext sc = LocalSpark.context();
    MultiLayerNetwork net = TestNetworks.cnn(TestNetworks.HISTOGRAM);
    assertEquals("the calibration data holds no batches (3 partition(s), all empty): nothing to calibrate",
        calibrationFails(net, sc.parallelize(new ArrayList<DataSet>(), 3)).getMessage());
    assertEquals("the calibration data holds no batches (0 partition(s), all empty): nothing to calibrate",
        calibrationFails(net, sc.emptyRDD()).getMessage());
    assertEquals("the evaluation data holds no batches (2 partition(s), all empty): nothing to evaluate",
        assertThrows(IllegalArgumentException.class, () -> SparkEvaluation.evaluate(sc, net,
            sc.parallelize(new ArrayList<DataSet>(), 2), TestNetworks.HISTOGRAM)).getMessage());
  }

  @Test
  void partitionsOfDifferentShapesAreNamedWithTheirShapes() {
    List<DataSet> mixed = new ArrayList<>(DATA.subList(0, 3));
    for (DataSet d : DATA.subList(3, 6)) {
      mixed.add(new DataSet(d.getFeatures().reshape(4, 1, 8, 8), d.getLabels()));
    }
    MultiLayerNetwork net = TestNetworks.cnn(TestNetworks.HISTOGRAM);
    assertEquals("partition 1 holds features of shape [1, 8, 8] per example, but partition 0 holds [64]; every "
        + "partition must hold one shape",
        calibrationFails(net, LocalSpark.context().parallelize(mixed, 2)).getMessage());
    assertEquals("partition 0, batch 3 has features of shape [4, 1, 8, 8], [1, 8, 8] per example, but the "
        + "partition's first batch has [64] per example; every batch must have one shape per example",
        calibrationFails(net, LocalSpark.context().parallelize(mixed, 1)).getMessage());
  }

  @Test
  void featuresTheNetworkCannotTakeNameThePartitionAndShape() {
    List<DataSet> wrong = new ArrayList<>();
    for (DataSet d : DATA) {
      wrong.add(new DataSet(d.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
          org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 60)).dup(), d.getLabels()));
    }
    MultiLayerNetwork net = TestNetworks.cnn(TestNetworks.HISTOGRAM);
    String message = calibrationFails(net, LocalSpark.context().parallelize(wrong, 2)).getMessage();
    assertTrue(message.matches("partition [01]: the network fails on features of shape \\[60\\] per example: Invalid "
        + "input: expect output columns must be equal to rows 8 x columns 8 x channels 1 but was instead \\[4, 60\\]"),
        message);
  }

  @Test
  void aNetworkWhoseQuantizersAreAllDisabledHasNothingToCalibrate() {
    MultiLayerNetwork net = TestNetworks.cnn(TestNetworks.HISTOGRAM);
    Quantizers.of(net).values().forEach(q -> q.disable());
    assertEquals("none of the network's 7 quantizers is enabled with a calibrator: nothing to calibrate",
        calibrationFails(net, LocalSpark.context().parallelize(DATA, 2)).getMessage());
  }

  @Test
  void anotherConfigThanTheNetworksIsNamedByTheQuantizerItChanges() {
    MultiLayerNetwork net = TestNetworks.cnn(TestNetworks.HISTOGRAM);
    assertEquals("an executor sent a max calibrator for quantizer layer0._input_quantizer, which the driver's "
        + "network calibrates with HistogramCalibrator",
        assertThrows(IllegalArgumentException.class, () -> SparkCalibration.collectStats(LocalSpark.context(), net,
            LocalSpark.context().parallelize(DATA, 2), QuantConfig.DEFAULT)).getMessage());
  }

  @Test
  void anExecutorWithoutTheNativeBackendSaysWhatToShip() throws Exception {
    String classPath = java.util.Arrays.stream(System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path")).split(java.io.File.pathSeparator))
        .filter(p -> !p.contains("nd4j-native")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath, NativeBackendProbe.class.getName()).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    p.getErrorStream().readAllBytes();
    assertEquals(2, p.waitFor(), out);
    assertTrue(out.matches("executor \\S+ cannot load ND4J's native backend \\(.+\\); ship quant4j-runtime with its "
        + "dependencies \\(nd4j-native and its platform jar for the executors' OS\\) in the job's jars"), out);
  }
}
