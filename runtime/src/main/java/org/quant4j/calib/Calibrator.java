package org.quant4j.calib;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.tensor.QuantGrid;

/**
 * Collects statistics of the tensors a quantizer sees and chooses an amax from them: the Java
 * {@code _Calibrator} of pytorch-quantization 2.2.1.
 *
 * <p>A calibrator is mutable and not thread-safe: give each thread its own and {@link #merge} them.
 * Inputs are never modified.
 */
public abstract class Calibrator {

  private final int numBits;
  private final int[] axis;
  private final boolean unsigned;

  /**
   * A calibrator for a quantizer of the given format.
   *
   * @param numBits the bit width of the quantizer, 0 to 16
   * @param axis the quantization axes, empty for per-tensor (copied)
   * @param unsigned whether the quantizer is unsigned
   * @throws IllegalArgumentException if {@code numBits} is out of range or {@code axis} is null
   */
  protected Calibrator(int numBits, int[] axis, boolean unsigned) {
    QuantGrid.requireNumBits(numBits, 0, "numBits");
    if (axis == null) {
      throw new IllegalArgumentException("axis must be an array (empty for per-tensor), got null");
    }
    this.numBits = numBits;
    this.axis = axis.clone();
    this.unsigned = unsigned;
  }

  /**
   * Adds a tensor's statistics. The tensor is not modified.
   *
   * @param x the tensor a quantizer sees
   * @throws IllegalArgumentException if the tensor cannot be collected (e.g. empty, NaN for a
   *     histogram, a per-channel shape that changed)
   */
  public abstract void collect(INDArray x);

  /** Forgets everything collected. */
  public abstract void reset();

  /**
   * Whether anything was collected since construction or the last {@link #reset()}.
   *
   * @return true after a successful {@link #collect}
   */
  public abstract boolean hasData();

  /**
   * The amax by the calibrator's own default method.
   *
   * @return a new float32 array: 0-dim per tensor, the keep-dims shape per axis
   * @throws IllegalArgumentException if nothing was collected ("has seen no data"), or if the
   *     calibrator has no default method (a histogram needs one)
   */
  public abstract INDArray computeAmax();

  /**
   * The amax by a method.
   *
   * @param method the method
   * @param percentile the percentile in [0, 100], used only by {@link AmaxMethod#PERCENTILE}
   * @return a new float32 array
   * @throws IllegalArgumentException if nothing was collected, the method is not supported by this
   *     calibrator, or the percentile is outside [0, 100]
   */
  public abstract INDArray computeAmax(AmaxMethod method, double percentile);

  /**
   * Adds what another calibrator of the same configuration collected, so that this one ends up as if
   * it had seen the other's data as well. The other is not modified.
   *
   * @param other a calibrator of the same class and configuration
   * @throws IllegalArgumentException if {@code other} is of another class or configuration
   */
  public abstract void merge(Calibrator other);

  /**
   * The bit width.
   *
   * @return numBits
   */
  public final int numBits() {
    return numBits;
  }

  /**
   * The quantization axes as given, empty for per-tensor.
   *
   * @return a copy
   */
  public final int[] axis() {
    return axis.clone();
  }

  /**
   * Whether the quantizer is unsigned.
   *
   * @return unsigned
   */
  public final boolean unsigned() {
    return unsigned;
  }

  /**
   * The grid the calibrator chooses amax for: its bits and signedness with a narrow range, which is
   * what the reference's MSE search quantizes with.
   *
   * @return the grid
   */
  public final QuantGrid grid() {
    return new QuantGrid(numBits, unsigned, true);
  }

  /**
   * Throws the "has seen no data" error if nothing was collected.
   *
   * @throws IllegalArgumentException if {@link #hasData()} is false
   */
  protected final void requireData() {
    if (!hasData()) {
      throw new IllegalArgumentException(getClass().getSimpleName()
          + " has seen no data: collect(x) at least one tensor before computeAmax");
    }
  }

  /**
   * Throws unless {@code other} is of this class with the same bits, axes and signedness.
   *
   * @param other the calibrator to merge
   * @throws IllegalArgumentException naming the first difference
   */
  protected final void requireSameBase(Calibrator other) {
    if (other == null || other.getClass() != getClass()) {
      throw new IllegalArgumentException("other must be a " + getClass().getSimpleName() + ", got "
          + (other == null ? "null" : other.getClass().getSimpleName()));
    }
    if (other.numBits != numBits || other.unsigned != unsigned || !Arrays.equals(other.axis, axis)) {
      throw new IllegalArgumentException("other must have numBits=" + numBits + " unsigned=" + unsigned
          + " axis=" + Arrays.toString(axis) + ", got numBits=" + other.numBits + " unsigned="
          + other.unsigned + " axis=" + Arrays.toString(other.axis));
    }
  }
}
