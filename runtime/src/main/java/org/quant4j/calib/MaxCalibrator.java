package org.quant4j.calib;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.tensor.TensorQuant;

/**
 * Calibrates to the largest absolute value seen, per tensor or per channel: the Java
 * {@code MaxCalibrator} of pytorch-quantization 2.2.1.
 *
 * <p>Each {@link #collect} reduces {@code |x|} over every dimension not in {@code axis} (negative axes
 * count from the end) and keeps the running elementwise maximum. NaN propagates, as torch's max does.
 * The amax has the keep-dims shape, e.g. {@code [C, 1, 1]} for axis 0 of a 3-D tensor, and is 0-dim
 * when it has a single element (per tensor, or one channel). Per tensor any shapes may follow each
 * other; per channel a batch whose amax shape differs from the collected one is rejected.
 *
 * <p>With {@code trackAmax} the per-batch amax values are kept; unlike the reference on CPU, whose
 * first entry aliases the running maximum, each entry is that batch's own amax.
 *
 * <p><b>Device memory.</b> The reduction is {@code TensorQuant.reduceAmax}: for a tensor in device
 * memory (the CUDA backend, see {@code ComputeBackend}), or with {@code KernelPath.ND4J_OPS} selected,
 * it runs as ND4J's {@code AMax} reduction plus a per-channel NaN count where the tensor lives, and
 * only the per-channel amax (a few floats) is copied to the host; the tensor itself never is. A max
 * selects one of the |x| values and rounds nothing, so both paths give identical bits.
 */
public final class MaxCalibrator extends Calibrator {

  private final boolean trackAmax;
  private float[] amax;
  private long[] amaxShape;
  private final List<INDArray> trackedAmax = new ArrayList<>();

  /**
   * A max calibrator that does not track per-batch values.
   *
   * @param numBits the quantizer's bit width, 0 to 16
   * @param axis the axes kept (one amax per index along them); empty for per-tensor
   * @param unsigned whether the quantizer is unsigned
   */
  public MaxCalibrator(int numBits, int[] axis, boolean unsigned) {
    this(numBits, axis, unsigned, false);
  }

  /**
   * A max calibrator.
   *
   * @param numBits the quantizer's bit width, 0 to 16
   * @param axis the axes kept; empty for per-tensor
   * @param unsigned whether the quantizer is unsigned
   * @param trackAmax whether to keep each batch's amax (see {@link #trackedAmax()})
   */
  public MaxCalibrator(int numBits, int[] axis, boolean unsigned, boolean trackAmax) {
    super(numBits, axis, unsigned);
    this.trackAmax = trackAmax;
  }

  /**
   * Whether per-batch amax values are kept.
   *
   * @return trackAmax
   */
  public boolean trackAmax() {
    return trackAmax;
  }

  /**
   * Each collected batch's own amax, in order (empty unless {@code trackAmax}).
   *
   * @return copies
   */
  public List<INDArray> trackedAmax() {
    List<INDArray> copies = new ArrayList<>(trackedAmax.size());
    for (INDArray a : trackedAmax) {
      copies.add(a.dup());
    }
    return copies;
  }

  /**
   * Reduces {@code |x|} to the amax shape and folds it into the running maximum.
   *
   * @param x the tensor, any data type (read as float32)
   * @throws IllegalArgumentException if x is null or empty, an axis is out of range for its rank, or
   *     (per channel) its amax shape differs from the collected one
   */
  @Override
  public void collect(INDArray x) {
    if (x == null || x.isEmpty() || x.length() == 0) {
      throw new IllegalArgumentException("x must be a non-empty array, got "
          + (x == null ? "null" : Arrays.toString(x.shape())));
    }
    long[] shape = x.shape();
    boolean[] keep = keptDims(shape.length);
    int[] reduce = new int[shape.length];
    int reduced = 0;
    for (int d = 0; d < shape.length; d++) {
      if (!keep[d]) {
        reduce[reduced++] = d;
      }
    }
    INDArray reducedAmax =
        TensorQuant.reduceAmax(x, axis().length == 0 ? null : Arrays.copyOf(reduce, reduced), true);
    long[] outShape = reducedAmax.shape();
    float[] local = reducedAmax.castTo(DataType.FLOAT).dup('c').data().asFloat();
    if (amax != null && axis().length > 0 && !Arrays.equals(amaxShape, outShape)) {
      throw new IllegalArgumentException("x has shape " + Arrays.toString(shape) + ", whose amax shape "
          + Arrays.toString(outShape) + " differs from the collected amax shape "
          + Arrays.toString(amaxShape) + " (amax shape changed)");
    }
    if (trackAmax) {
      trackedAmax.add(toArray(local, outShape));
    }
    if (amax == null || amax.length != local.length) {
      amax = local;
      amaxShape = outShape;
    } else {
      for (int i = 0; i < local.length; i++) {
        amax[i] = nanMax(amax[i], local[i]);
      }
      if (axis().length == 0) {
        amaxShape = outShape;
      }
    }
  }

  private boolean[] keptDims(int rank) {
    boolean[] keep = new boolean[rank];
    for (int a : axis()) {
      int d = a < 0 ? a + rank : a;
      if (d < 0 || d >= rank) {
        throw new IllegalArgumentException("axis " + a + " is out of range for x of rank " + rank
            + " (expected in [" + (-rank) + ", " + (rank - 1) + "])");
      }
      keep[d] = true;
    }
    return keep;
  }

  /** max that propagates NaN from either side, as torch.max does. */
  private static float nanMax(float a, float b) {
    return (b > a || b != b) ? b : a;
  }

  private static INDArray toArray(float[] values, long[] shape) {
    if (shape.length == 0) {
      return Nd4j.scalar(values[0]);
    }
    return Nd4j.createFromArray(values.clone()).reshape('c', shape);
  }

  @Override
  public void reset() {
    amax = null;
    amaxShape = null;
    trackedAmax.clear();
  }

  @Override
  public boolean hasData() {
    return amax != null;
  }

  /**
   * The running amax.
   *
   * @return a new float32 array of the amax shape
   * @throws IllegalArgumentException if nothing was collected
   */
  @Override
  public INDArray computeAmax() {
    requireData();
    return toArray(amax, amaxShape);
  }

  /**
   * The running amax; only {@link AmaxMethod#MAX} is supported.
   *
   * @param method must be MAX
   * @param percentile ignored
   * @return a new float32 array
   * @throws IllegalArgumentException for another method, or if nothing was collected
   */
  @Override
  public INDArray computeAmax(AmaxMethod method, double percentile) {
    if (method != AmaxMethod.MAX) {
      throw new IllegalArgumentException("method must be MAX for a MaxCalibrator, got " + method);
    }
    return computeAmax();
  }

  /**
   * Folds another max calibrator's amax into this one (elementwise maximum, NaN propagating); its
   * tracked per-batch values are appended after this one's.
   *
   * @param other a MaxCalibrator with the same numBits, axis and unsigned
   * @throws IllegalArgumentException if the configuration or (per channel) the amax shape differs
   */
  @Override
  public void merge(Calibrator other) {
    requireSameBase(other);
    MaxCalibrator o = (MaxCalibrator) other;
    if (o.trackAmax != trackAmax) {
      throw new IllegalArgumentException("other must have trackAmax=" + trackAmax + ", got " + o.trackAmax);
    }
    if (o.amax == null) {
      return;
    }
    if (amax != null && axis().length > 0 && !Arrays.equals(amaxShape, o.amaxShape)) {
      throw new IllegalArgumentException("other has amax shape " + Arrays.toString(o.amaxShape)
          + ", expected " + Arrays.toString(amaxShape));
    }
    if (amax == null) {
      amax = o.amax.clone();
      amaxShape = o.amaxShape.clone();
    } else {
      for (int i = 0; i < amax.length; i++) {
        amax[i] = nanMax(amax[i], o.amax[i]);
      }
    }
    for (INDArray a : o.trackedAmax) {
      trackedAmax.add(a.dup());
    }
  }

  /**
   * As the reference prints it, e.g. {@code MaxCalibrator(track_amax=False)}.
   *
   * @return the string
   */
  @Override
  public String toString() {
    return "MaxCalibrator(track_amax=" + (trackAmax ? "True" : "False") + ")";
  }
}
