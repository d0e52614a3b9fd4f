package org.quant4j.dl4j;

import java.util.Arrays;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.TensorQuant;

/**
 * Runs a {@link TensorQuantizer} on an array a DL4J layer is about to use, outside every ND4J
 * workspace, writing into a reusable buffer where it can.
 *
 * <p>The quantizer's flags decide, exactly as its {@code apply} does: disabled returns the input;
 * calibration collects; quantization returns a new fake-quantized array. The common inference and
 * training case (enabled, quantizing, a fixed amax, no clip, no calibration) takes a fast path that
 * writes into {@code buffer} with {@link TensorQuant#fakeTensorQuantInto} and allocates nothing once
 * the buffer exists. Everything runs detached from workspaces, so calibrators and buffers never hold
 * workspace memory that DL4J later recycles.
 */
final class QuantizedArrays {

  private QuantizedArrays() {}

  /**
   * A reusable, detached output buffer.
   */
  static final class Buffer {
    private INDArray array;

    /**
     * A detached array of the shape, order and type of {@code like}, reused when it still fits.
     *
     * @param like the array to match
     * @return the buffer
     */
    INDArray fitting(INDArray like) {
      if (array == null
          || array.dataType() != like.dataType()
          || array.ordering() != like.ordering()
          || !Arrays.equals(array.shape(), like.shape())) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
          array = Nd4j.createUninitialized(like.dataType(), like.shape(), like.ordering());
        }
      }
      return array;
    }

    /** Drops the buffer so its memory can be collected. */
    void release() {
      array = null;
    }
  }

  /**
   * Applies the quantizer to {@code x}: returns {@code x} itself when nothing changes it (disabled,
   * or calibrating without quantizing), else the fake-quantized array (in {@code buffer} on the fast
   * path, a new detached array otherwise). {@code x} is never modified.
   *
   * @param q the quantizer
   * @param x the array the layer would use
   * @param buffer the reusable output buffer
   * @return the array the layer should use instead
   */
  static INDArray apply(TensorQuantizer q, INDArray x, Buffer buffer) {
    if (!q.isEnabled()) {
      return x;
    }
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      QuantDescriptor d = q.descriptor();
      if (q.isQuantEnabled() && !q.isCalibEnabled() && !q.isClipEnabled() && !d.learnAmax()
          && d.scaleAmax() == null && d.fakeQuant()) {
        INDArray amax = q.amax();
        if (amax != null) {
          INDArray out = buffer.fitting(x);
          TensorQuant.fakeTensorQuantInto(x, amax, d.numBits(), d.unsigned(), d.narrowRange(), out);
          return out;
        }
      }
      INDArray out = q.apply(x);
      return q.isQuantEnabled() || q.isClipEnabled() ? out : x;
    }
  }

  /**
   * Masks a gradient in place with the straight-through estimator of the quantizer that produced the
   * forward value: {@code grad = where(|x| <= amax, grad, 0)} (Bengio et al. 2013; the reference's
   * {@code FakeTensorQuantFunction.backward}). Learned-amax quantizers go through
   * {@link TensorQuantizer#backward}, which also accumulates their clip gradients. A dynamic amax is
   * {@code max|x|} itself, so its mask keeps every finite element and is skipped.
   *
   * @param q the quantizer used in the forward pass
   * @param grad the gradient with respect to the quantized value, overwritten with the gradient
   *     with respect to {@code x}
   * @param x the float value that was quantized
   */
  static void maskGradient(TensorQuantizer q, INDArray grad, INDArray x) {
    if (grad == null || x == null || !q.isEnabled() || !(q.isQuantEnabled() || q.isClipEnabled())) {
      return;
    }
    boolean learned = q.descriptor().learnAmax();
    INDArray amax = learned ? null : q.amax();
    if (!learned && amax == null) {
      return;
    }
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      INDArray g = grad.dup();
      INDArray masked = learned ? q.backward(g, x) : TensorQuant.fakeTensorQuantBackward(g, x, amax);
      grad.assign(masked);
    }
  }
}
