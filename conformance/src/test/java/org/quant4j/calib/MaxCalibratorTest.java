package org.quant4j.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.conformance.GoldenTensors;
import org.quant4j.tensor.KernelPath;

class MaxCalibratorTest {

  private static JsonNode goldenCase(String id) {
    for (JsonNode c : GoldenFile.load("calib_max.json").get("cases")) {
      if (c.get("id").asText().equals(id)) {
        return c;
      }
    }
    throw new IllegalArgumentException(id);
  }

  private static void replayBatches(MaxCalibrator cal, JsonNode c) {
    int k = 0;
    for (JsonNode b : c.get("batches")) {
      cal.collect(GoldenTensors.decode(b.get("input")));
      GoldenTensors.assertBitsEqual("batch " + k++, cal.computeAmax(), b.get("amax_after"));
    }
  }

  @Test
  void perTensorAmaxIsTheRunningMaxOfAbsoluteValues() {
    replayBatches(new MaxCalibrator(8, new int[0], false), goldenCase("per_tensor"));
  }

  @Test
  void perChannelAmaxKeepsTheChannelDimsAsInTheGolden() {
    replayBatches(new MaxCalibrator(8, new int[] {0}, false), goldenCase("axis0"));
    replayBatches(new MaxCalibrator(8, new int[] {1}, false), goldenCase("axis1"));
    replayBatches(new MaxCalibrator(8, new int[] {0, 2}, false), goldenCase("axes_0_2"));
  }

  @Test
  void negativeAxesAreNormalised() {
    replayBatches(new MaxCalibrator(8, new int[] {-1}, false), goldenCase("axis_neg1"));
    replayBatches(new MaxCalibrator(8, new int[] {-3, -1}, false), goldenCase("axis_list_neg"));
  }

  /** Collects x with the ND4J-ops reduction forced, as for a tensor in device memory. */
  private static void collectWithNd4jOps(MaxCalibrator cal, INDArray x) {
    KernelPath previous = KernelPath.select(KernelPath.ND4J_OPS);
    try {
      cal.collect(x);
    } finally {
      KernelPath.select(previous);
    }
  }

  /** Replays a golden case on both reduction paths: each batch's amax has the golden bits on both. */
  private static void replayOnBothPaths(int[] axis, String id) {
    JsonNode c = goldenCase(id);
    MaxCalibrator host = new MaxCalibrator(8, axis, false);
    MaxCalibrator ops = new MaxCalibrator(8, axis, false);
    int k = 0;
    for (JsonNode b : c.get("batches")) {
      INDArray x = GoldenTensors.decode(b.get("input"));
      host.collect(x);
      collectWithNd4jOps(ops, x);
      GoldenTensors.assertBitsEqual(id + " host batch " + k, host.computeAmax(), b.get("amax_after"));
      GoldenTensors.assertBitsEqual(id + " nd4j_ops batch " + k++, ops.computeAmax(), b.get("amax_after"));
    }
  }

  @Test
  void nd4jOpsReductionGivesTheHostPathsAmaxOnTheGoldenBatches() {
    replayOnBothPaths(new int[0], "per_tensor");
    replayOnBothPaths(new int[] {0}, "axis0");
    replayOnBothPaths(new int[] {1}, "axis1");
    replayOnBothPaths(new int[] {0, 2}, "axes_0_2");
    replayOnBothPaths(new int[] {-1}, "axis_neg1");
    replayOnBothPaths(new int[] {-3, -1}, "axis_list_neg");
  }

  @Test
  void nd4jOpsReductionPropagatesNanPerChannelAsTheHostPath() {
    INDArray x = Nd4j.createFromArray(new float[][] {{1f, -3f, Float.NaN}, {-2f, 0.5f, -0f}});
    MaxCalibrator host = new MaxCalibrator(8, new int[] {0}, false);
    MaxCalibrator ops = new MaxCalibrator(8, new int[] {0}, false);
    host.collect(x);
    collectWithNd4jOps(ops, x);
    assertArrayEquals(host.computeAmax().data().asFloat(), ops.computeAmax().data().asFloat());
    assertTrue(Float.isNaN(ops.computeAmax().getFloat(0)));
    assertEquals(2f, ops.computeAmax().getFloat(1));
  }

  @Test
  void trackAmaxKeepsEachBatchsOwnAmaxNotTheAliasedRunningMax() {
    JsonNode c = goldenCase("track_amax_axis0");
    MaxCalibrator cal = new MaxCalibrator(8, new int[] {0}, false, true);
    replayBatches(cal, c);
    List<INDArray> tracked = cal.trackedAmax();
    assertEquals(3, tracked.size());
    for (int i = 0; i < 3; i++) {
      GoldenTensors.assertBitsEqual("tracked " + i, tracked.get(i), c.get("amaxs_per_batch_local").get(i));
    }
  }

  @Test
  void perChannelShapeChangeIsRejectedNamingTheShapes() {
    MaxCalibrator cal = new MaxCalibrator(8, new int[] {0}, false);
    cal.collect(Nd4j.ones(DataType.FLOAT, 4, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> cal.collect(Nd4j.ones(DataType.FLOAT, 5, 3)));
    assertTrue(e.getMessage().contains("[5, 3]") && e.getMessage().contains("amax shape changed"), e.getMessage());
  }

  @Test
  void perTensorAcceptsAnyShapeSequence() {
    MaxCalibrator cal = new MaxCalibrator(8, new int[0], false);
    cal.collect(Nd4j.ones(DataType.FLOAT, 4, 3));
    cal.collect(Nd4j.ones(DataType.FLOAT, 2).muli(3));
    assertEquals(0, cal.computeAmax().rank());
    assertEquals(3f, cal.computeAmax().getFloat(0));
  }

  @Test
  void nanInputGivesNanAmax() {
    MaxCalibrator cal = new MaxCalibrator(8, new int[0], false);
    cal.collect(Nd4j.createFromArray(1f, Float.NaN, -3f));
    assertTrue(Float.isNaN(cal.computeAmax().getFloat(0)));
  }

  @Test
  void computeAmaxBeforeCollectSaysItHasSeenNoData() {
    MaxCalibrator cal = new MaxCalibrator(8, new int[0], false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, cal::computeAmax);
    assertTrue(e.getMessage().contains("has seen no data"), e.getMessage());
    cal.collect(Nd4j.ones(DataType.FLOAT, 2));
    cal.reset();
    assertFalse(cal.hasData());
  }

  @Test
  void axisOutOfRangeIsRejectedNamingTheAxis() {
    MaxCalibrator cal = new MaxCalibrator(8, new int[] {3}, false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> cal.collect(Nd4j.ones(DataType.FLOAT, 2, 2)));
    assertTrue(e.getMessage().contains("axis 3"), e.getMessage());
  }

  @Test
  void viewsAndOtherTypesAreReadWithoutModifyingTheInput() {
    INDArray base = Nd4j.createFromArray(new double[][] {{1, -5, 2}, {-7, 3, 0.5}});
    INDArray copy = base.dup();
    MaxCalibrator cal = new MaxCalibrator(8, new int[] {1}, false);
    cal.collect(base.transpose()); // a Fortran-order view of a double array, shape [3, 2]
    assertArrayEquals(new float[] {5, 7}, cal.computeAmax().data().asFloat());
    assertArrayEquals(new long[] {1, 2}, cal.computeAmax().shape());
    assertSameBits(copy, base);
  }

  @Test
  void mergeTakesTheElementwiseMaxOfFourSplits() {
    JsonNode c = goldenCase("axis0");
    MaxCalibrator all = new MaxCalibrator(8, new int[] {0}, false);
    MaxCalibrator[] parts = new MaxCalibrator[3];
    int k = 0;
    for (JsonNode b : c.get("batches")) {
      INDArray x = GoldenTensors.decode(b.get("input"));
      all.collect(x);
      parts[k] = new MaxCalibrator(8, new int[] {0}, false);
      parts[k++].collect(x);
    }
    MaxCalibrator merged = new MaxCalibrator(8, new int[] {0}, false);
    for (MaxCalibrator p : parts) {
      merged.merge(p);
    }
    assertSameBits(all.computeAmax(), merged.computeAmax());
    assertThrows(IllegalArgumentException.class, () -> merged.merge(new MaxCalibrator(4, new int[] {0}, false)));
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
