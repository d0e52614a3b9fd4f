package org.quant4j.dl4j.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantRole;
import org.quant4j.nn.TensorQuantizer;

/**
 * What the advice woven into DL4J's layer classes calls: a layer of the layer map gets its quantizers when
 * DL4J constructs it, its input is quantized when DL4J stores it, its weights once per forward pass when
 * DL4J reads them, and its gradients are masked when its backward pass returns. Every method is public (the
 * advice is inlined into DL4J's classes and runs in their class loader) and takes the layer it serves.
 * When a layer cannot be quantized, {@link HookFailures} decides: in-process the user's call fails with a
 * {@code QuantizationException}; under the agent one line goes to stderr and that layer runs in float from
 * then on, its DL4J value unchanged.
 *
 * <p>Quantizer state lives in a side table keyed by layer identity, so the same advice works when it is woven
 * at load time (agent) and when loaded classes are retransformed (in-process). New layers get quantizers only
 * while a configuration is active ({@link ActiveConfig}); existing ones keep theirs.
 */
public final class LayerHooks {

  private static final WeakIdentityMap<Object, LayerQuantizers> LAYERS = new WeakIdentityMap<>();

  private LayerHooks() {}

  /**
   * A layer's quantizers.
   *
   * @param layer a DL4J layer
   * @return its quantizers, or null when it has none
   */
  public static LayerQuantizers layer(Object layer) {
    return LAYERS.get(layer);
  }

  /**
   * Called when a DL4J layer is constructed: gives a layer of the layer map its quantizers, named
   * after the layer, while quant modules are active.
   *
   * @param layer the new layer ({@code AbstractLayer})
   */
  public static void onLayerCreated(Object layer) {
    QuantConfig config = ActiveConfig.get();
    if (config == null || layer == null) {
      return;
    }
    LayerMapping mapping = LayerMapping.forClassName(layer.getClass().getName());
    if (mapping == null) {
      return;
    }
    String name = null;
    try {
      name = ((Layer) layer).conf().getLayer().getLayerName();
      String prefix = name != null ? name : "layer";
      TensorQuantizer input = ActiveConfig.newQuantizer(config, QuantRole.INPUT.quantizerName(prefix), QuantRole.INPUT, new int[0]);
      List<LayerQuantizers.WeightSlot> slots = new ArrayList<>();
      WeightView view = WeightView.of(mapping, (Layer) layer);
      for (LayerMapping.WeightParam p : mapping.weights()) {
        slots.add(new LayerQuantizers.WeightSlot(p, view,
            ActiveConfig.newQuantizer(config, p.role().quantizerName(prefix), p.role(), view.channelAxes(p))));
      }
      LAYERS.put(layer, new LayerQuantizers(name, mapping, input, slots));
    } catch (Throwable t) {
      HookFailures.failed("layer " + name + " (" + layer.getClass().getSimpleName() + ")",
          "creating its quantizers", t);
    }
  }

  /**
   * Called after DL4J stored a layer's input: starts a forward pass, quantizes the input.
   *
   * @param layer the layer
   * @param input the input DL4J stored
   * @param workspaceMgr the {@code LayerWorkspaceMgr} passed to setInput
   * @return the input the layer should use
   */
  public static INDArray onSetInput(Object layer, INDArray input, Object workspaceMgr) {
    LayerQuantizers s = LAYERS.get(layer);
    if (s == null || s.failed) {
      return input;
    }
    try {
      s.generation++;
      s.originalInput = input;
      if (s.input == null || input == null) {
        return input;
      }
      return QuantizedArrays.apply(s.input, input, s.inputBuffer,
          workspaceMgr instanceof LayerWorkspaceMgr m ? m : null);
    } catch (Throwable t) {
      fail(s, layer, "quantizing its input", t);
      return input;
    }
  }

  /**
   * Called when a layer reads a parameter for compute ({@code getParamWithNoise}): returns the
   * fake-quantized weight, quantized once per forward pass.
   *
   * @param layer the layer
   * @param paramKey the parameter key
   * @param value the parameter DL4J would use
   * @return the parameter the layer should use
   */
  public static INDArray onWeight(Object layer, String paramKey, INDArray value) {
    LayerQuantizers s = LAYERS.get(layer);
    if (s == null || s.failed || value == null) {
      return value;
    }
    LayerQuantizers.WeightSlot slot = s.slot(paramKey);
    if (slot == null) {
      return value;
    }
    try {
      if (slot.generation == s.generation && (value == slot.source || value == slot.quantized)) {
        return slot.quantized;
      }
      INDArray q = slot.view.toStored(
          QuantizedArrays.apply(slot.quantizer, slot.view.toQuantizer(value), slot.buffer), value);
      slot.generation = s.generation;
      slot.source = value;
      slot.quantized = q;
      return q;
    } catch (Throwable t) {
      fail(s, layer, "quantizing weight " + paramKey, t);
      return value;
    }
  }

  /**
   * Called when a layer reads a parameter with {@code getParam}: layers that compute with it
   * (Convolution1DLayer) get the quantized weight while inside their compute methods; every other
   * read (user code, serialization) gets the float parameter.
   *
   * @param layer the layer
   * @param paramKey the parameter key
   * @param value the parameter
   * @return the parameter to return
   */
  public static INDArray onGetParam(Object layer, String paramKey, INDArray value) {
    LayerQuantizers s = LAYERS.get(layer);
    if (s == null || !s.mapping.weightsViaGetParam() || s.computeDepth <= 0) {
      return value;
    }
    return onWeight(layer, paramKey, value);
  }

  /**
   * Marks the start of a compute method of a layer that reads weights with {@code getParam}.
   *
   * @param layer the layer
   */
  public static void enterCompute(Object layer) {
    LayerQuantizers s = LAYERS.get(layer);
    if (s != null) {
      s.computeDepth++;
    }
  }

  /**
   * Marks the end of a compute method started with {@link #enterCompute}.
   *
   * @param layer the layer
   */
  public static void exitCompute(Object layer) {
    LayerQuantizers s = LAYERS.get(layer);
    if (s != null) {
      s.computeDepth--;
    }
  }

  /**
   * Marks the start of {@code backpropGradient} (which may call an overridden super method).
   *
   * @param layer the layer
   */
  public static void enterBackprop(Object layer) {
    LayerQuantizers s = LAYERS.get(layer);
    if (s != null) {
      s.backpropDepth++;
    }
  }

  /**
   * Called when the outermost {@code backpropGradient} returns: masks the input gradient (epsilon)
   * where |x| > amax and each weight gradient where |W| > amax, the straight-through estimator of the
   * reference's {@code FakeTensorQuantFunction}; learned-amax quantizers accumulate their clip
   * gradients here.
   *
   * @param layer the layer
   * @param result the {@code Pair<Gradient, INDArray>} returned, or null when it threw
   */
  public static void exitBackprop(Object layer, Object result) {
    LayerQuantizers s = LAYERS.get(layer);
    if (s == null || --s.backpropDepth > 0 || s.failed || !(result instanceof Pair)) {
      return;
    }
    try {
      Pair<?, ?> p = (Pair<?, ?>) result;
      if (s.input != null && p.getSecond() instanceof INDArray eps && sameShape(eps, s.originalInput)) {
        QuantizedArrays.maskGradient(s.input, eps, s.originalInput);
      }
      if (p.getFirst() instanceof Gradient g) {
        for (LayerQuantizers.WeightSlot slot : s.weights) {
          INDArray gw = g.getGradientFor(slot.param.paramKey());
          if (gw != null && sameShape(gw, slot.source)) {
            QuantizedArrays.maskGradient(slot.quantizer, gw, slot.source, slot.view);
          }
        }
      }
      LearnedAmax.step(s, layer);
    } catch (Throwable t) {
      fail(s, layer, "masking its gradients", t);
    }
  }

  static boolean sameShape(INDArray a, INDArray b) {
    return a != null && b != null && Arrays.equals(a.shape(), b.shape());
  }

  private static void fail(LayerQuantizers s, Object layer, String what, Throwable t) {
    if (!s.failed) {
      HookFailures.failed("layer " + s.name("?") + " (" + layer.getClass().getSimpleName() + ")", what, t);
      s.markFailed();
    }
  }
}
