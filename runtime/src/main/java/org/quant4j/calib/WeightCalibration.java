package org.quant4j.calib;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.tensor.QuantGrid;
import org.quant4j.tensor.TensorQuant;

/**
 * Calibrates a weight tensor directly from its values: the Java {@code calib.calibrate_weights} of
 * pytorch-quantization 2.2.1, for one weight.
 *
 * <p>Per channel, each channel's {@code |w|} gets a numpy histogram ({@code np.histogram(bins=numBins,
 * range=(0, max|w_c|))}, float32 edges) and the amax is that histogram's percentile or MSE amax
 * (stride 1, start bin 128, as the reference calls them); {@link AmaxMethod#MAX} is the channel's
 * max |w|. Per tensor, one histogram of all of {@code |w|} with 2048 bins (the reference hard-codes
 * it). The reference's conventions: the channel axis is 0, or 1 for transposed convolutions; MAX per
 * tensor and ENTROPY are not supported.
 */
public final class WeightCalibration {

  private static final int PER_TENSOR_BINS = 2048;

  private WeightCalibration() {}

  /**
   * One amax per channel.
   *
   * @param weight the weight (not modified)
   * @param axis the channel axis (negative counts from the end)
   * @param method PERCENTILE, MSE or MAX
   * @param numBits the weight quantizer's bit width
   * @param unsigned whether it is unsigned
   * @param percentile in [0, 100], for PERCENTILE
   * @param numBins histogram bins per channel, at least 1
   * @return float32 amax of shape {@code [1, .., C, .., 1]} (C at axis); for MAX, as
   *     {@link TensorQuant#reduceAmax} keeps it (0-dim when C is 1)
   * @throws IllegalArgumentException for ENTROPY, a bad axis, percentile or bin count, or a weight
   *     too small for MSE's start bin
   */
  public static INDArray perChannel(INDArray weight, int axis, AmaxMethod method, int numBits,
      boolean unsigned, double percentile, int numBins) {
    requireWeight(weight);
    int rank = weight.rank();
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new IllegalArgumentException("axis " + axis + " is out of range for a weight of rank " + rank);
    }
    requireMethod(method);
    if (numBins < 1) {
      throw new IllegalArgumentException("numBins must be at least 1, got " + numBins);
    }
    long[] shape = weight.shape();
    if (method == AmaxMethod.MAX) {
      int[] reduce = new int[rank - 1];
      for (int d = 0, k = 0; d < rank; d++) {
        if (d != a) {
          reduce[k++] = d;
        }
      }
      return TensorQuant.reduceAmax(weight, reduce, true).castTo(DataType.FLOAT);
    }
    float[] w = weight.castTo(DataType.FLOAT).dup('c').data().asFloat();
    int channels = (int) shape[a];
    long inner = 1;
    for (int d = a + 1; d < rank; d++) {
      inner *= shape[d];
    }
    int outer = (int) (w.length / (channels * inner));
    float[] amax = new float[channels];
    float[] values = new float[(int) (outer * inner)];
    for (int c = 0; c < channels; c++) {
      int k = 0;
      for (int o = 0; o < outer; o++) {
        int from = (int) ((o * (long) channels + c) * inner);
        for (int i = 0; i < inner; i++) {
          values[k++] = Math.abs(w[from + i]);
        }
      }
      amax[c] = histogramAmax(values, numBins, method, numBits, unsigned, percentile);
    }
    long[] amaxShape = new long[rank];
    Arrays.fill(amaxShape, 1);
    amaxShape[a] = channels;
    return Nd4j.createFromArray(amax).reshape('c', amaxShape);
  }

  /**
   * One amax for the whole weight, from a 2048-bin histogram of {@code |w|}.
   *
   * @param weight the weight (not modified)
   * @param method PERCENTILE or MSE
   * @param numBits the weight quantizer's bit width
   * @param unsigned whether it is unsigned
   * @param percentile in [0, 100], for PERCENTILE
   * @return a 0-dim float32 amax
   * @throws IllegalArgumentException for MAX (the reference fails there) or ENTROPY
   */
  public static INDArray perTensor(INDArray weight, AmaxMethod method, int numBits, boolean unsigned,
      double percentile) {
    requireWeight(weight);
    requireMethod(method);
    if (method == AmaxMethod.MAX) {
      throw new IllegalArgumentException("method MAX needs a channel axis (perChannel); the reference's "
          + "calibrate_weights fails for max per tensor, got MAX");
    }
    float[] w = weight.castTo(DataType.FLOAT).dup('c').data().asFloat();
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.abs(w[i]);
    }
    return Nd4j.scalar(histogramAmax(w, PER_TENSOR_BINS, method, numBits, unsigned, percentile));
  }

  private static void requireWeight(INDArray weight) {
    if (weight == null || weight.length() == 0) {
      throw new IllegalArgumentException("weight must be a non-empty array, got "
          + (weight == null ? "null" : Arrays.toString(weight.shape())));
    }
  }

  private static void requireMethod(AmaxMethod method) {
    if (method == null || method == AmaxMethod.ENTROPY) {
      throw new IllegalArgumentException(
          "method must be PERCENTILE, MSE or MAX for weight calibration, got " + method);
    }
  }

  /** np.histogram(|w|, bins, range=(0, max|w|)) and the method's amax over it. */
  private static float histogramAmax(float[] absValues, int bins, AmaxMethod method, int numBits,
      boolean unsigned, double percentile) {
    float max = 0f;
    for (float v : absValues) {
      max = Math.max(max, v);
    }
    if (Float.isNaN(max)) {
      throw new IllegalArgumentException("weight must not contain NaN");
    }
    double first = 0;
    double last = max;
    if (first == last) {
      first -= 0.5;
      last += 0.5;
    }
    float[] edges = NumpyRanges.linspaceFloat32(first, last, bins + 1);
    ByteBuffer buf = ByteBuffer.allocate(absValues.length * Float.BYTES).order(ByteOrder.nativeOrder());
    buf.asFloatBuffer().put(absValues);
    long[] counts = HistogramBinning.numpyUniform(buf, absValues.length, first, last, edges, false);
    double[] c = new double[counts.length];
    double[] e = new double[edges.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = counts[i];
    }
    for (int i = 0; i < e.length; i++) {
      e[i] = edges[i];
    }
    if (method == AmaxMethod.PERCENTILE) {
      return PercentileAmax.compute(c, e, percentile);
    }
    return MseAmax.compute(c, e, new QuantGrid(numBits, unsigned, true), 1,
        HistogramCalibrator.DEFAULT_START_BIN);
  }
}
