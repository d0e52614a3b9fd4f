package org.quant4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tune.LayerSensitivity;
import org.quant4j.tune.Sensitivity;
import org.quant4j.tune.SensitivityResult;

/** Sensitivity on Spark gives one machine's figures, bit for bit, in one machine's layer order. */
class SparkSensitivityTest {

  /** Few bits, so that quantizing a layer changes some predictions. */
  private static final QuantConfig LOW_BITS = QuantConfig.parse("weight: {num_bits: 3}\ninput: {num_bits: 4}");
  private static final int BATCH = 8;
  private static ImageSet images;
  private static MultiLayerNetwork net;

  @BeforeAll
  static void calibrate() {
    Random random = new Random(31);
    int n = 60;
    float[] pixels = new float[n * 64];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < 64; p++) {
        pixels[i * 64 + p] = (float) (random.nextGaussian() * (1 + i % 4));
      }
      labels[i] = random.nextInt(3);
    }
    images = new ImageSet(pixels, labels, 1, 8, 8, 3);
    net = TestNetworks.cnn(LOW_BITS);
    Calibration.collectStats(net, ImageSetIterator.inOrder(images, BATCH), 100);
    Calibration.computeAmax(net, AmaxMethod.MAX);
  }

  private static List<DataSet> batches() {
    List<DataSet> out = new ArrayList<>();
    ImageSetIterator it = ImageSetIterator.inOrder(images, BATCH);
    while (it.hasNext()) {
      out.add(it.next());
    }
    return out;
  }

  private static List<Long> bits(SensitivityResult s) {
    List<Long> out = new ArrayList<>(List.of(Double.doubleToLongBits(s.fp32()),
        Double.doubleToLongBits(s.allQuantized())));
    for (LayerSensitivity l : s.layers()) {
      out.add(Double.doubleToLongBits(l.onlyThis()));
      out.add(Double.doubleToLongBits(l.allButThis()));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void theSparkTableIsOneMachinesFiguresBitForBitInTheSameLayerOrder(int partitions) {
    SensitivityResult here = Sensitivity.of(net).data(images, BATCH).run();

    SensitivityResult spark = SparkSensitivity.run(LocalSpark.context(), net,
        LocalSpark.context().parallelize(batches(), partitions), LOW_BITS);

    assertEquals(List.of("layer0", "layer1", "layer2", "layer3"),
        spark.layers().stream().map(LayerSensitivity::layer).toList());
    assertEquals(here.layers().stream().map(LayerSensitivity::layer).toList(),
        spark.layers().stream().map(LayerSensitivity::layer).toList());
    assertEquals(here.metric(), spark.metric());
    assertEquals(bits(here), bits(spark), here.table().toText() + "\n" + spark.table().toText());
    assertEquals(here.table().toText(), spark.table().toText());
    assertEquals(here.toJson(), spark.toJson());
    assertNotEquals(spark.fp32(), spark.allQuantized(), "the quantized configurations must have run quantized");
    assertEquals(4, spark.layers().stream().map(LayerSensitivity::onlyThis).distinct().count(),
        "each layer's own configuration must have run: " + spark.table().toText());
    assertTrue(Quantizers.of(net).values().stream().allMatch(TensorQuantizer::isEnabled),
        "the driver's quantizers are left as they were");
  }

  @Test
  void aNetworkWithEveryQuantizerDisabledIsRefused() {
    Quantizers.of(net).values().forEach(TensorQuantizer::disable);
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkSensitivity.run(
          LocalSpark.context(), net, LocalSpark.context().parallelize(batches(), 1), LOW_BITS));
      assertEquals("the network has no enabled quantizer: load its amax (or enable its quantizers) before"
          + " measuring sensitivity", e.getMessage());
    } finally {
      Quantizers.of(net).values().forEach(TensorQuantizer::enable);
    }
  }
}
