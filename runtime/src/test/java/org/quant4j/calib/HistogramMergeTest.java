package org.quant4j.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Splits data across four histogram calibrators, merges them, and compares the result with one
 * calibrator that saw all of it.
 *
 * <p>What can be equal: a histogram's grid is set by the first batch it sees (bin width = that
 * batch's max / numBins), so four calibrators whose first batches share their max share the grid,
 * and merging adds their counts bin by bin, exactly what one calibrator does. When the grids differ,
 * the merged histogram is re-binned onto the coarsest one, which is the grid of one calibrator that
 * saw the widest-range part first; it then differs from that calibrator only by having binned bins
 * (proportionally) instead of raw values.
 */
class HistogramMergeTest {

  private static final int N = 20_000;

  /** Gaussian values; with a planted max, clipped to it and containing it exactly. */
  private static INDArray batch(Random r, float sigma, float plantedMax) {
    float[] v = new float[N];
    for (int i = 0; i < N; i++) {
      v[i] = (float) (r.nextGaussian() * sigma);
      if (plantedMax > 0) {
        v[i] = Math.max(-plantedMax, Math.min(plantedMax, v[i]));
      }
    }
    if (plantedMax > 0) {
      v[0] = plantedMax;
    }
    return Nd4j.createFromArray(v);
  }

  /** Four parts of two batches each. */
  private static List<INDArray[]> parts(float[] firstSigma, float[] firstMax, float[] secondSigma) {
    Random r = new Random(42);
    List<INDArray[]> parts = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      parts.add(new INDArray[] {batch(r, firstSigma[k], firstMax[k]), batch(r, secondSigma[k], 0)});
    }
    return parts;
  }

  private static HistogramCalibrator oneThatSawAll(List<INDArray[]> parts, int... order) {
    HistogramCalibrator all = HistogramCalibrator.builder().build();
    for (int k : order) {
      for (INDArray x : parts.get(k)) {
        all.collect(x);
      }
    }
    return all;
  }

  private static HistogramCalibrator mergeOfFour(List<INDArray[]> parts) {
    HistogramCalibrator merged = HistogramCalibrator.builder().build();
    for (INDArray[] part : parts) {
      HistogramCalibrator c = HistogramCalibrator.builder().build();
      for (INDArray x : part) {
        c.collect(x);
      }
      merged.merge(c);
    }
    return merged;
  }

  private static float[] counts(HistogramCalibrator c) {
    return c.histogram().data().asFloat();
  }

  private static double l1(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d += Math.abs(a[i] - b[i]);
    }
    return d;
  }

  private static float amax(HistogramCalibrator c, AmaxMethod m, double p) {
    return c.computeAmaxValue(m, 1, HistogramCalibrator.DEFAULT_START_BIN, p);
  }

  @Test
  void fourSplitsWithTheSameFirstRangeMergeIntoExactlyTheOneThatSawEverything() {
    List<INDArray[]> parts = parts(new float[] {1, 1.2f, 0.9f, 1.1f}, new float[] {6, 6, 6, 6},
        new float[] {0.8f, 0.5f, 1f, 0.7f});
    HistogramCalibrator all = oneThatSawAll(parts, 0, 1, 2, 3);
    HistogramCalibrator merged = mergeOfFour(parts);
    assertArrayEquals(counts(all), counts(merged));
    assertSameBits(all.edges(), merged.edges());
    for (AmaxMethod m : new AmaxMethod[] {AmaxMethod.PERCENTILE, AmaxMethod.MSE, AmaxMethod.ENTROPY}) {
      assertEquals(amax(all, m, 99.9), amax(merged, m, 99.9), m.toString());
    }
  }

  @Test
  void splitsThatGrowMergeIntoTheSameGridWithCountsMovedOnlyAtBinEdges() {
    List<INDArray[]> parts = parts(new float[] {1, 1, 1, 1}, new float[] {4, 4, 4, 4},
        new float[] {1, 1.5f, 2, 2.5f});
    HistogramCalibrator all = oneThatSawAll(parts, 0, 1, 2, 3);
    HistogramCalibrator merged = mergeOfFour(parts);
    // Same grid: same width from the same first max, grown by the same rule to the same max.
    assertEquals(all.numBins(), merged.numBins());
    assertSameBits(all.edges(), merged.edges());
    float[] a = counts(all);
    float[] b = counts(merged);
    assertEquals(8.0 * N, all.histogram().sumNumber().doubleValue());
    assertEquals(8.0 * N, merged.histogram().sumNumber().doubleValue());
    // A batch binned after a growth uses hi / numBins of the grown grid, which is the width up to
    // float rounding: only values within an ulp of a bin edge can land one bin over.
    assertTrue(l1(a, b) <= 1e-3 * 8 * N, "counts moved: " + l1(a, b));
    double width = all.edges().getDouble(1);
    for (double p : new double[] {99, 99.9, 99.99}) {
      assertEquals(amax(all, AmaxMethod.PERCENTILE, p), amax(merged, AmaxMethod.PERCENTILE, p), width);
    }
    for (AmaxMethod m : new AmaxMethod[] {AmaxMethod.MSE, AmaxMethod.ENTROPY}) {
      assertEquals(amax(all, m, 0), amax(merged, m, 0), width, m.toString());
    }
  }

  @Test
  void splitsWithDifferentRangesMergeOntoTheCoarsestGrid() {
    List<INDArray[]> parts = parts(new float[] {1, 1.3f, 1.6f, 1.9f}, new float[] {0, 0, 0, 0},
        new float[] {1.2f, 1.2f, 1.2f, 1.2f});
    // Part 3's first batch has the widest range, so the merged grid is that of one calibrator
    // that saw part 3 first.
    HistogramCalibrator all = oneThatSawAll(parts, 3, 0, 1, 2);
    HistogramCalibrator merged = mergeOfFour(parts);
    assertSameBits(all.edges(), merged.edges());
    assertEquals(8.0 * N, merged.histogram().sumNumber().doubleValue());
    // Finer bins spread over coarser ones in proportion: a few percent of the counts shift by one bin.
    assertTrue(l1(counts(all), counts(merged)) <= 0.05 * 8 * N);
    double width = all.edges().getDouble(1);
    for (double p : new double[] {99, 99.9, 99.99}) {
      assertEquals(amax(all, AmaxMethod.PERCENTILE, p), amax(merged, AmaxMethod.PERCENTILE, p), width);
    }
    // MSE and entropy pick the minimum of a flat curve: allow 0.5% of the amax.
    for (AmaxMethod m : new AmaxMethod[] {AmaxMethod.MSE, AmaxMethod.ENTROPY}) {
      float want = amax(all, m, 0);
      assertEquals(want, amax(merged, m, 0), 0.005 * want, m.toString());
    }
  }

  @Test
  void numpyPathSplitsMergeWithinABinOfTheOneThatSawEverything() {
    List<INDArray[]> parts = parts(new float[] {1, 1, 1, 1}, new float[] {4, 4, 4, 4},
        new float[] {1, 1.5f, 2, 2.5f});
    HistogramCalibrator all = HistogramCalibrator.builder().torchHist(false).build();
    HistogramCalibrator merged = HistogramCalibrator.builder().torchHist(false).build();
    for (INDArray[] part : parts) {
      HistogramCalibrator c = HistogramCalibrator.builder().torchHist(false).build();
      for (INDArray x : part) {
        all.collect(x);
        c.collect(x);
      }
      merged.merge(c);
    }
    assertEquals(DataType.LONG, merged.histogram().dataType());
    double width = all.edges().getDouble(1);
    for (AmaxMethod m : new AmaxMethod[] {AmaxMethod.PERCENTILE, AmaxMethod.MSE, AmaxMethod.ENTROPY}) {
      assertEquals(amax(all, m, 99.9), amax(merged, m, 99.9), width, m.toString());
    }
  }

  @Test
  void mergingAnEmptyCalibratorChangesNothingAndIntoAnEmptyOneCopies() {
    HistogramCalibrator a = HistogramCalibrator.builder().numBins(8).build();
    a.collect(Nd4j.createFromArray(1f, 2f, 3f));
    HistogramCalibrator empty = HistogramCalibrator.builder().numBins(8).build();
    a.merge(empty);
    assertEquals(3f, a.histogram().sumNumber().floatValue());
    empty.merge(a);
    assertSameBits(a.histogram(), empty.histogram());
    assertSameBits(a.edges(), empty.edges());
    assertFalse(HistogramCalibrator.builder().numBins(8).build().hasData());
  }

  @Test
  void mergeRejectsAnotherConfiguration() {
    HistogramCalibrator a = HistogramCalibrator.builder().build();
    assertThrows(IllegalArgumentException.class, () -> a.merge(HistogramCalibrator.builder().numBins(128).build()));
    assertThrows(IllegalArgumentException.class, () -> a.merge(HistogramCalibrator.builder().torchHist(false).build()));
    assertThrows(IllegalArgumentException.class, () -> a.merge(HistogramCalibrator.builder().numBits(4).build()));
    assertThrows(IllegalArgumentException.class, () -> a.merge(new MaxCalibrator(8, new int[0], false)));
  }

  /**
   * Whether two arrays are the same exactly: shape, data type and every value's bits (any NaN equals any
   * NaN). {@code INDArray.equals} would let values differ by 1e-5.
   */
  private static boolean sameBits(INDArray a, INDArray b) {
    return a.dataType() == b.dataType() && java.util.Arrays.equals(a.shape(), b.shape())
        && java.util.Arrays.equals(a.castTo(DataType.DOUBLE).dup('c').data().asDouble(),
            b.castTo(DataType.DOUBLE).dup('c').data().asDouble());
  }

  /** Fails unless {@link #sameBits} holds, showing both arrays. */
  private static void assertSameBits(INDArray expected, INDArray actual) {
    assertTrue(sameBits(expected, actual), () -> "expected " + expected + " but was " + actual);
  }
}
