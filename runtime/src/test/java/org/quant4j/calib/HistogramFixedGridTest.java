package org.quant4j.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fixed histogram grid: a range pass, then every batch binned on [0, max]; splits merge exactly. */
class HistogramFixedGridTest {

  /** Twelve batches of different scales, so a growing grid would depend on which came first. */
  private static List<INDArray> batches() {
    Random r = new Random(7);
    List<INDArray> out = new ArrayList<>();
    for (int b = 0; b < 12; b++) {
      float[] v = new float[5_000];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (r.nextGaussian() * (1 + b % 4));
      }
      out.add(Nd4j.createFromArray(v));
    }
    return out;
  }

  private static float globalMax(List<INDArray> batches) {
    HistogramCalibrator range = HistogramCalibrator.builder().build();
    range.measureRange();
    batches.forEach(range::collect);
    return range.rangeMax();
  }

  private static HistogramCalibrator fixedOver(List<INDArray> batches, float max) {
    HistogramCalibrator h = HistogramCalibrator.builder().build();
    h.fixGrid(max);
    batches.forEach(h::collect);
    return h;
  }

  private static int[] amaxBits(HistogramCalibrator h) {
    return new int[] {
      Float.floatToIntBits(h.computeAmaxValue(AmaxMethod.PERCENTILE, 1, 128, 99.9)),
      Float.floatToIntBits(h.computeAmaxValue(AmaxMethod.MSE, 1, 128, 0)),
      Float.floatToIntBits(h.computeAmaxValue(AmaxMethod.ENTROPY, 1, 128, 0))};
  }

  @Test
  void measureRangeRecordsTheLargestMagnitudeAndBinsNothing() {
    HistogramCalibrator h = HistogramCalibrator.builder().build();
    h.measureRange();
    assertEquals(Float.NEGATIVE_INFINITY, h.rangeMax());
    h.collect(Nd4j.createFromArray(1f, -3.5f, 2f));
    h.collect(Nd4j.createFromArray(0.5f));
    assertEquals(3.5f, h.rangeMax());
    assertFalse(h.hasData());
  }

  @Test
  void partsMergedOnTheFixedGridEqualOneCalibratorInAnyOrder() {
    List<INDArray> all = batches();
    float max = globalMax(all);
    HistogramCalibrator whole = fixedOver(all, max);
    List<INDArray> reversed = new ArrayList<>(all);
    Collections.reverse(reversed);
    assertArrayEquals(whole.histogram().toDoubleVector(), fixedOver(reversed, max).histogram().toDoubleVector());
    for (int parts : new int[] {1, 3, 7}) {
      HistogramCalibrator merged = HistogramCalibrator.builder().build();
      merged.fixGrid(max);
      for (int p = parts - 1; p >= 0; p--) {
        List<INDArray> part = new ArrayList<>();
        for (int b = p; b < all.size(); b += parts) {
          part.add(all.get(b));
        }
        merged.merge(fixedOver(part, max));
      }
      assertArrayEquals(whole.histogram().toDoubleVector(), merged.histogram().toDoubleVector(), parts + " parts");
      assertArrayEquals(whole.edges().toDoubleVector(), merged.edges().toDoubleVector(), parts + " parts");
      assertArrayEquals(amaxBits(whole), amaxBits(merged), parts + " parts");
    }
    assertEquals(12 * 5_000, (long) whole.histogram().sumNumber().doubleValue());
  }

  @Test
  void aBatchAboveTheFixedMaxIsRefused() {
    HistogramCalibrator h = HistogramCalibrator.builder().build();
    h.fixGrid(2f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> h.collect(Nd4j.createFromArray(1f, -2.5f)));
    assertEquals("x reaches |x| = 2.5, above the fixed grid's max 2.0; fix the grid at the largest |x| of all "
        + "the data", e.getMessage());
  }

  @Test
  void aHistogramOfAnotherGridDoesNotMergeIntoAFixedOne() {
    HistogramCalibrator fixed = HistogramCalibrator.builder().numBins(4).build();
    fixed.fixGrid(2f);
    HistogramCalibrator growing = HistogramCalibrator.builder().numBins(4).build();
    growing.collect(Nd4j.createFromArray(1f, 4f));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fixed.merge(growing));
    assertEquals("other's histogram must lie on this fixed grid [0, 2.0] of 4 bins, got edges [0.0, ..., 4.0](5)",
        e.getMessage());
  }

  @Test
  void theNumpyPathHasNoFixedGridAndResetReturnsToTheGrowingOne() {
    HistogramCalibrator numpy = HistogramCalibrator.builder().torchHist(false).build();
    assertEquals("a fixed histogram grid needs the torch path, but this calibrator was built with torchHist(false)",
        assertThrows(IllegalStateException.class, numpy::measureRange).getMessage());
    HistogramCalibrator h = HistogramCalibrator.builder().numBins(4).build();
    h.fixGrid(2f);
    h.reset();
    h.collect(Nd4j.createFromArray(1f, 4f));
    assertEquals(4f, h.edges().getFloat(4));
    assertThrows(IllegalStateException.class, h::rangeMax);
  }
}
