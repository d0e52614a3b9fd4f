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

  @Test
  void theFixedGridGivesTheSameHistogramsWhateverTheBatchOrder() {
    QuantConfig config = QuantConfig.parse("input: {calib_method: histogram}");
    List<DataSet> batches = new ArrayList<>();
    data(4, 3).forEachRemaining(batches::add);
    List<DataSet> reversed = new ArrayList<>(batches);
    java.util.Collections.reverse(reversed);
    List<Map<String, double[]>> histograms = new ArrayList<>();
    for (List<DataSet> order : List.of(batches, reversed)) {
      MultiLayerNetwork net = Networks.quantized(config, QuantizersNamingTest.miniLeNet());
      assertEquals(4, Calibration.collectStats(net, new ListDataSetIterator<>(order, 1), 10,
          org.quant4j.calib.HistogramGrid.FIXED));
      Map<String, double[]> h = new java.util.LinkedHashMap<>();
      Quantizers.of(net).forEach((name, q) -> {
        if (q.calibrator() instanceof org.quant4j.calib.HistogramCalibrator c) {
          h.put(name, c.histogram().toDoubleVector());
        }
      });
      histograms.add(h);
    }
    assertEquals(histograms.get(0).keySet(), histograms.get(1).keySet());
    assertFalse(histograms.get(0).isEmpty());
    histograms.get(0).forEach((name, h) -> assertArrayEquals(h, histograms.get(1).get(name), name));
  }

  @Test
  void collectRangesFindsTheLargestInputOfEveryHistogramQuantizer() {
    MultiLayerNetwork net = Networks.quantized(QuantConfig.parse("input: {calib_method: histogram}"),
        QuantizersNamingTest.miniLeNet());
    ListDataSetIterator<DataSet> it = data(3, 4);
    Map<String, Float> ranges = Calibration.collectRanges(net, it, 3);
    it.reset();
    float maxIn = 0;
    while (it.hasNext()) {
      maxIn = Math.max(maxIn, Transforms.abs(it.next().getFeatures(), true).maxNumber().floatValue());
    }
    assertEquals(maxIn, ranges.get("conv1._input_quantizer"), 0f);
    assertFalse(ranges.containsKey("conv1._weight_quantizer"), "max calibrators take no part in the range pass");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Calibration.fixHistogramGrids(net, Map.of("conv1._weight_quantizer", 1f)));
    assertTrue(e.getMessage().startsWith("ranges names conv1._weight_quantizer, which is not an enabled histogram"
        + " quantizer of the model; expected one of [conv1._input_quantizer"), e.getMessage());
  }
}
