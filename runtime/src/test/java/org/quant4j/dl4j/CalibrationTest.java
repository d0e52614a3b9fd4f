package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.TensorQuant;

/** The reference's calibration recipe over a DL4J network. */
class CalibrationTest {

  static ListDataSetIterator<DataSet> data(int batches, int batchSize) {
    Nd4j.getRandom().setSeed(21);
    List<DataSet> list = new ArrayList<>();
    for (int i = 0; i < batches * batchSize; i++) {
      INDArray f = Nd4j.rand(DataType.FLOAT, 1, 1, 8, 8).muli(1 + i % 3);
      INDArray l = Nd4j.zeros(DataType.FLOAT, 1, 3).putScalar(0, i % 3, 1f);
      list.add(new DataSet(f, l));
    }
    return new ListDataSetIterator<>(list, batchSize);
  }

  @Test
  void collectStatsCalibratesWithoutQuantizingAndRestoresTheFlags() {
    MultiLayerNetwork net = Networks.quantized(QuantizersNamingTest.miniLeNet());
    ListDataSetIterator<DataSet> it = data(3, 4);
    assertEquals(2, Calibration.collectStats(net, it, 2));
    for (TensorQuantizer q : Quantizers.of(net).values()) {
      assertTrue(q.isEnabled() && q.isQuantEnabled() && !q.isCalibEnabled());
      assertTrue(q.calibrator().hasData());
      assertNull(q.amax(), "collecting must not set amax");
    }
  }

  @Test
  void computeAmaxMaxLoadsTheLargestInputAndPerChannelWeightMagnitudes() {
    MultiLayerNetwork net = Networks.quantized(QuantizersNamingTest.miniLeNet());
    ListDataSetIterator<DataSet> it = data(3, 4);
    Calibration.collectStats(net, it, 3);
    CalibrationResult r = Calibration.computeAmax(net, AmaxMethod.MAX);
    assertEquals(List.copyOf(Quantizers.of(net).keySet()), r.calibrated());
    assertTrue(r.sawNoData().isEmpty());
    it.reset();
    float maxIn = 0;
    while (it.hasNext()) {
      maxIn = Math.max(maxIn, Transforms.abs(it.next().getFeatures(), true).maxNumber().floatValue());
    }
    Map<String, TensorQuantizer> q = Quantizers.of(net);
    assertEquals(maxIn, q.get("conv1._input_quantizer").amax().getFloat(0), 0f);
    INDArray w = net.getLayer(0).getParam("W");
    INDArray expected = TensorQuant.reduceAmax(w, new int[] {1, 2, 3}, true);
    INDArray amax = q.get("conv1._weight_quantizer").amax();
    assertEquals(4, amax.length());
    assertArrayEquals(expected.reshape(amax.shape()).data().asFloat(), amax.dup('c').data().asFloat());
  }

  @Test
  void histogramInputsTakeTheMethodAndQuantizersThatSawNoDataAreNamed() {
    MultiLayerNetwork net = Networks.quantized(QuantConfig.parse("input: {calib_method: histogram}"),
        QuantizersNamingTest.miniLeNet());
    Calibration.collectStats(net, data(2, 4), 2);
    Quantizers.of(net).get("fc1._input_quantizer").calibrator().reset();
    CalibrationResult r = Calibration.computeAmax(net, AmaxMethod.PERCENTILE, 99.9);
    assertEquals(List.of("fc1._input_quantizer"), r.sawNoData());
    assertNull(Quantizers.of(net).get("fc1._input_quantizer").amax());
    assertNotNull(Quantizers.of(net).get("conv1._input_quantizer").amax());
  }

  @Test
  void disabledQuantizersStayDisabledThroughCalibration() {
    MultiLayerNetwork net = Networks.quantized(
        QuantConfig.parse("overrides: [{name: 'fc1._input_quantizer', enable: false}]"),
        QuantizersNamingTest.miniLeNet());
    Calibration.collectStats(net, data(1, 4), 1);
    TensorQuantizer fc1 = Quantizers.of(net).get("fc1._input_quantizer");
    assertFalse(fc1.isEnabled());
    assertFalse(fc1.calibrator().hasData());
  }

  @Test
  void collectStatsRejectsANetworkWithoutQuantizers() {
    MultiLayerNetwork plain = Networks.plain(QuantizersNamingTest.miniLeNet());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Calibration.collectStats(plain, data(1, 2), 1));
    assertTrue(e.getMessage().contains("QuantModules.initialize()"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Calibration.collectStats(plain, data(1, 2), 0));
  }
}
