package org.quant4j.dl4j.internal;

import java.util.Arrays;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.TensorQuant;
import org.quant4j.tensor.internal.StorageLayout;

/**
 * Runs a {@link TensorQuantizer} on an array a DL4J layer is about to use, outside every ND4J
 * workspace, writing into a reusable buffer where it can.
 *
 * <p>The quantizer's flags decide, exactly as its {@code apply} does: disabled returns the input;
 * calibration collects; quantization returns a new fake-quantized array. The common inference and
 * training case (enabled, fake-quantizing, no clip, no calibration, no pre-quant scale) takes a fast
 * path that writes into a reusable buffer (or DL4J's input workspace) with
 * {@link TensorQuantizer#applyInto}, allocating no output. Everything runs detached from workspaces, so calibrators and buffers never hold
 * workspace memory that DL4J later recycles.
 */
final class QuantizedArrays {

  private QuantizedArrays() {}

  /**
   * A reusable, detached output buffer.
   */
  static final class Buffer {
    private INDArray array;
    /** Whether {@link #array} was made with a permuted view's strides. */
    private boolean permuted;

    /**
     * A detached array of the shape, order and type of {@code like} (and its strides, when like is a
     * permuted view of a dense buffer, so that the quantized array keeps its storage order), reused
     * when it still fits.
     *
     * @param like the array to match
     * @return the buffer
     */
    INDArray fitting(INDArray like) {
      boolean likePermuted = StorageLayout.isPermutedView(like);
      if (array == null
          || array.dataType() != like.dataType()
          || array.ordering() != like.ordering()
          || !Arrays.equals(array.shape(), like.shape())
          || likePermuted != permuted
          || likePermuted && !Arrays.equals(array.stride(), like.stride())) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
          array = StorageLayout.uninitializedLike(like);
        }
        permuted = likePermuted;
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
   * or calibrating without quantizing), else the fake-quantized array. {@code x} is never modified.
   *
   * @param q the quantizer
   * @param x the array the layer would use
   * @param buffer the reusable detached output buffer
   * @return the array the layer should use instead
   */
  static INDArray apply(TensorQuantizer q, INDArray x, Buffer buffer) {
    return apply(q, x, buffer, null);
  }

  /**
   * As {@link #apply(TensorQuantizer, INDArray, Buffer)}, for a layer input: when DL4J placed the
   * input in its input workspace ({@code x} attached, {@code ArrayType.INPUT} open and not scoped
   * out, as in training, where DL4J validates the input's location), the result is placed there too;
   * a detached input gets a detached result.
   *
   * @param q the quantizer
   * @param x the input DL4J stored
   * @param buffer the reusable detached output buffer
   * @param mgr the layer's workspace manager, or null
   * @return the input the layer should use
   */
  static INDArray apply(TensorQuantizer q, INDArray x, Buffer buffer, LayerWorkspaceMgr mgr) {
    if (!q.isEnabled()) {
      return x;
    }
    boolean inWorkspace = x.isAttached() && mgr != null && mgr.hasConfiguration(ArrayType.INPUT)
        && !mgr.isScopedOut(ArrayType.INPUT) && mgr.isWorkspaceOpen(ArrayType.INPUT);
    QuantDescriptor d = q.descriptor();
    if (q.isQuantEnabled() && !q.isCalibEnabled() && !q.isClipEnabled() && !d.learnAmax() && d.fakeQuant()) {
      boolean preScaled;
      try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
        preScaled = q.preQuantScale() != null;
      }
      if (!preScaled) {
        INDArray out = inWorkspace ? inputWorkspaceArrayLike(mgr, x) : buffer.fitting(x);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
          return q.applyInto(x, out);
        }
      }
    }
    INDArray out;
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      out = q.apply(x);
    }
    if (!(q.isQuantEnabled() || q.isClipEnabled()) || out == x) {
      return x;
    }
    if (!inWorkspace) {
      return out;
    }
    INDArray placed = mgr.createUninitialized(ArrayType.INPUT, out.dataType(), out.shape(), out.ordering());
    return placed.assign(out);
  }

  /**
   * An uninitialized array in DL4J's input workspace with x's shape and storage order (x's strides
   * when x is a permuted view, as a convolution's output is), so that the layer reads its quantized
   * input laid out as it would have read x.
   */
  private static INDArray inputWorkspaceArrayLike(LayerWorkspaceMgr mgr, INDArray x) {
    if (StorageLayout.isPermutedView(x)) {
      INDArray storage = mgr.createUninitialized(ArrayType.INPUT, x.dataType(), new long[] {x.length()}, 'c');
      return StorageLayout.withStridesOf(x, storage.data());
    }
    return mgr.createUninitialized(ArrayType.INPUT, x.dataType(), x.shape(), x.ordering());
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
    maskGradient(q, grad, x, WeightView.AS_STORED);
  }

  /**
   * As {@link #maskGradient(TensorQuantizer, INDArray, INDArray)} for a weight the quantizer sees through a
   * {@link WeightView}: the mask is computed in the quantizer's shape and written back into {@code grad}.
   *
   * @param q the weight's quantizer
   * @param grad the weight gradient, masked in place
   * @param x the float weight of the forward pass
   * @param view how the quantizer sees the weight
   */
  static void maskGradient(TensorQuantizer q, INDArray grad, INDArray x, WeightView view) {
    if (grad == null || x == null || !q.isEnabled() || !(q.isQuantEnabled() || q.isClipEnabled())) {
      return;
    }
    boolean learned = q.descriptor().learnAmax();
    INDArray amax = learned ? null : q.amax();
    if (!learned && amax == null) {
      return;
    }
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      INDArray g = view.toQuantizer(grad);
      INDArray w = view.toQuantizer(x);
      INDArray masked = learned ? q.backward(g, w) : TensorQuant.fakeTensorQuantBackward(g, w, amax);
      grad.assign(view.toStored(masked, grad));
    }
  }
}
