package org.quant4j.nn;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.tensor.TorchFloatSum;
import org.quant4j.tensor.internal.HostMemory;

/**
 * Clips a tensor to [clipValueMin, clipValueMax] with optionally learnable bounds: the Java
 * {@code pytorch_quantization.nn.Clip} module and {@code nn.functional.clip}. Forward is
 * {@code max(min(x, clipValueMax), clipValueMin)} (NaN stays NaN); the backward is PACT's
 * (Choi et al., arXiv:1805.06085), see {@link ClipGradients}. A {@link TensorQuantizer} with
 * {@code learnAmax} owns one and quantizes with {@code amax = max(-clipValueMin, clipValueMax)}.
 *
 * <p>Bound gradients of {@link #backward} accumulate, as a parameter's {@code .grad} does, in
 * {@link #gradClipValueMin()} and {@link #gradClipValueMax()} for the learnable bounds; an optimizer
 * reads them, updates the bounds with {@link #setClipValueMin}/{@link #setClipValueMax} and calls
 * {@link #zeroGrad()}. Forward and backward are safe to call from several threads.
 */
public final class Clip implements UnaryOperator<INDArray> {

  private final boolean learnMin;
  private final boolean learnMax;
  private volatile float clipValueMin;
  private volatile float clipValueMax;
  private float gradMin;
  private float gradMax;
  private boolean hasGrad;

  /**
   * A clip with fixed bounds.
   *
   * @param clipValueMin the lower bound
   * @param clipValueMax the upper bound
   */
  public Clip(float clipValueMin, float clipValueMax) {
    this(clipValueMin, clipValueMax, false, false);
  }

  /**
   * A clip whose bounds may be learned.
   *
   * @param clipValueMin the lower bound
   * @param clipValueMax the upper bound
   * @param learnMin whether backward accumulates a gradient for the lower bound
   * @param learnMax whether backward accumulates a gradient for the upper bound
   */
  public Clip(float clipValueMin, float clipValueMax, boolean learnMin, boolean learnMax) {
    this.clipValueMin = clipValueMin;
    this.clipValueMax = clipValueMax;
    this.learnMin = learnMin;
    this.learnMax = learnMax;
  }

  /**
   * {@code nn.functional.clip(x, min, max)}: {@code max(min(x, max), min)} elementwise, in x's type.
   *
   * @param x the input (not modified)
   * @param clipValueMin the lower bound
   * @param clipValueMax the upper bound
   * @return a new array
   */
  public static INDArray clip(INDArray x, float clipValueMin, float clipValueMax) {
    requireFloating(x, "x");
    float[] v = HostMemory.floatsOf(x);
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.max(Math.min(v[i], clipValueMax), clipValueMin);
    }
    return HostMemory.arrayOf(v, x);
  }

  /**
   * The backward of {@link #clip}: input gradient {@code g * (x > min) * (x < max)} and both bound
   * gradients {@code sum(g * (1 - mask))}, summed in float32 in torch's order.
   *
   * @param gradOut the gradient of the output, shaped like x
   * @param x the input of the forward pass
   * @param clipValueMin the lower bound of the forward pass
   * @param clipValueMax the upper bound of the forward pass
   * @return the three gradients
   * @throws IllegalArgumentException if gradOut and x differ in shape
   */
  public static ClipGradients clipBackward(
      INDArray gradOut, INDArray x, float clipValueMin, float clipValueMax) {
    requireFloating(x, "x");
    if (!java.util.Arrays.equals(gradOut.shape(), x.shape())) {
      throw new IllegalArgumentException("gradOut must have x's shape "
          + java.util.Arrays.toString(x.shape()) + ", got " + java.util.Arrays.toString(gradOut.shape()));
    }
    float[] xs = HostMemory.floatsOf(x);
    float[] gi = HostMemory.floatsOf(gradOut);
    float[] outsideMin = new float[xs.length];
    float[] outsideMax = new float[xs.length];
    for (int i = 0; i < xs.length; i++) {
      float g = gi[i];
      float minMask = xs[i] > clipValueMin ? 1f : 0f;
      float maxMask = xs[i] < clipValueMax ? 1f : 0f;
      gi[i] = g * minMask * maxMask;
      outsideMin[i] = g * (1f - minMask);
      outsideMax[i] = g * (1f - maxMask);
    }
    INDArray gradIn = HostMemory.arrayOf(gi, gradOut);
    return new ClipGradients(gradIn, TorchFloatSum.of(outsideMin), TorchFloatSum.of(outsideMax));
  }

  /**
   * Clips x to this module's current bounds.
   *
   * @param x the input (not modified)
   * @return a new array
   */
  @Override
  public INDArray apply(INDArray x) {
    return clip(x, clipValueMin, clipValueMax);
  }

  /**
   * The backward of {@link #apply}; the gradients of learnable bounds are added to
   * {@link #gradClipValueMin()} / {@link #gradClipValueMax()}.
   *
   * @param gradOut the gradient of the output
   * @param x the input of the forward pass
   * @return the gradients of this call (bound gradients reported whether learnable or not)
   */
  public ClipGradients backward(INDArray gradOut, INDArray x) {
    ClipGradients g = clipBackward(gradOut, x, clipValueMin, clipValueMax);
    accumulate(g);
    return g;
  }

  synchronized void accumulate(ClipGradients g) {
    if (learnMin) {
      gradMin = hasGrad ? gradMin + g.clipMin() : g.clipMin();
    }
    if (learnMax) {
      gradMax = hasGrad ? gradMax + g.clipMax() : g.clipMax();
    }
    hasGrad = learnMin || learnMax;
  }

  /**
   * The lower bound.
   *
   * @return clipValueMin
   */
  public float clipValueMin() {
    return clipValueMin;
  }

  /**
   * The upper bound.
   *
   * @return clipValueMax
   */
  public float clipValueMax() {
    return clipValueMax;
  }

  /**
   * Sets the lower bound (an optimizer step, or {@code init_learn_amax}).
   *
   * @param value the new lower bound
   */
  public void setClipValueMin(float value) {
    this.clipValueMin = value;
  }

  /**
   * Sets the upper bound.
   *
   * @param value the new upper bound
   */
  public void setClipValueMax(float value) {
    this.clipValueMax = value;
  }

  /**
   * Whether the lower bound is learned.
   *
   * @return learnMin
   */
  public boolean learnMin() {
    return learnMin;
  }

  /**
   * Whether the upper bound is learned.
   *
   * @return learnMax
   */
  public boolean learnMax() {
    return learnMax;
  }

  /**
   * The accumulated gradient of the lower bound.
   *
   * @return the sum over backward calls since {@link #zeroGrad()}, or null if none (or not learned)
   */
  public synchronized Float gradClipValueMin() {
    return hasGrad && learnMin ? gradMin : null;
  }

  /**
   * The accumulated gradient of the upper bound.
   *
   * @return the sum over backward calls since {@link #zeroGrad()}, or null if none (or not learned)
   */
  public synchronized Float gradClipValueMax() {
    return hasGrad && learnMax ? gradMax : null;
  }

  /** Clears the accumulated bound gradients. */
  public synchronized void zeroGrad() {
    hasGrad = false;
    gradMin = 0f;
    gradMax = 0f;
  }

  /**
   * The module's str, as torch prints it.
   *
   * @return {@code Clip()}
   */
  @Override
  public String toString() {
    return "Clip()";
  }

  private static void requireFloating(INDArray x, String name) {
    if (x == null || !x.dataType().isFPType()) {
      throw new IllegalArgumentException(
          name + " must be a floating-point array, got " + (x == null ? "null" : x.dataType()));
    }
  }
}
