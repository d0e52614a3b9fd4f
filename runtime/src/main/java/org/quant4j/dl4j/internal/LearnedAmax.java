package org.quant4j.dl4j.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.learning.config.IUpdater;
import org.quant4j.nn.Clip;
import org.quant4j.nn.TensorQuantizer;

/**
 * Training of learned amax ({@code learn_amax}, PACT: Choi et al., "PACT: Parameterized Clipping
 * Activation for Quantized Neural Networks", arXiv:1805.06085) inside DL4J's {@code fit}.
 *
 * <p>The clip bounds are not DL4J parameters (retransformed layers cannot gain any), so DL4J's
 * updater never sees them. After each layer's backward pass, when the quantizer's {@link Clip} has
 * accumulated bound gradients, each learned bound takes one plain gradient-descent step with the
 * learning rate the layer's own updater uses at this iteration and epoch:
 * {@code bound -= lr * dL/dbound}; the gradients are then cleared. A layer whose updater has no
 * learning rate (e.g. {@code NoOp}) leaves its bounds fixed.
 */
final class LearnedAmax {

  private LearnedAmax() {}

  /**
   * Applies one step to every learned-amax quantizer of a layer that has gradients.
   *
   * @param s the layer's quantizers
   * @param layer the DL4J layer
   */
  static void step(LayerQuantizers s, Object layer) {
    for (TensorQuantizer q : s.all()) {
      Clip clip = q.clip();
      if (clip == null || (clip.gradClipValueMin() == null && clip.gradClipValueMax() == null)) {
        continue;
      }
      double lr = learningRate(layer);
      if (Double.isFinite(lr) && lr > 0) {
        Float gMin = clip.gradClipValueMin();
        Float gMax = clip.gradClipValueMax();
        if (gMin != null) {
          clip.setClipValueMin((float) (clip.clipValueMin() - lr * gMin));
        }
        if (gMax != null) {
          clip.setClipValueMax((float) (clip.clipValueMax() - lr * gMax));
        }
      }
      clip.zeroGrad();
    }
  }

  private static double learningRate(Object layer) {
    if (!(layer instanceof Layer l) || !(l.conf().getLayer() instanceof BaseLayer conf)) {
      return Double.NaN;
    }
    IUpdater updater = conf.getIUpdater();
    return updater == null ? Double.NaN : updater.getLearningRate(l.getIterationCount(), l.getEpochCount());
  }
}
