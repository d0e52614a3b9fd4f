package org.quant4j.dl4j.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.dl4j.QuantRole;

/**
 * The quantizers of one DL4J layer instance and the per-forward-pass state the hooks keep beside it
 * (the side table entry: retransformed DL4J classes get no new fields).
 *
 * <p>A forward pass starts when DL4J sets the layer's input: the input is quantized once, and the
 * weight cache is invalidated, so each weight is fake-quantized at its first read in that pass and
 * the same array serves every later read (DL4J reads W up to three times per training step), then the
 * float weight receives the gradient (the weight straight-through estimator). The original input is
 * kept to mask the input gradient. A layer is used by one thread at a time, as DL4J requires.
 */
public final class LayerQuantizers {

  /** One weight parameter's quantizer and its per-pass cache. */
  static final class WeightSlot {
    final LayerMapping.WeightParam param;
    final WeightView view;
    final TensorQuantizer quantizer;
    final QuantizedArrays.Buffer buffer = new QuantizedArrays.Buffer();
    long generation = -1;
    INDArray source;
    INDArray quantized;

    WeightSlot(LayerMapping.WeightParam param, WeightView view, TensorQuantizer quantizer) {
      this.param = param;
      this.view = view;
      this.quantizer = quantizer;
    }
  }

  private final String declaredName;
  final LayerMapping mapping;
  final TensorQuantizer input;
  final List<WeightSlot> weights;

  final QuantizedArrays.Buffer inputBuffer = new QuantizedArrays.Buffer();
  INDArray originalInput;
  long generation;
  int backpropDepth;
  int computeDepth;
  volatile boolean failed;

  LayerQuantizers(String declaredName, LayerMapping mapping, TensorQuantizer input,
      List<WeightSlot> weights) {
    this.declaredName = declaredName;
    this.mapping = mapping;
    this.input = input;
    this.weights = List.copyOf(weights);
  }

  /**
   * The slot for a parameter key, or null when that parameter is not quantized.
   *
   * @param paramKey the DL4J parameter key
   * @return the slot or null
   */
  WeightSlot slot(String paramKey) {
    for (WeightSlot s : weights) {
      if (s.param.paramKey().equals(paramKey)) {
        return s;
      }
    }
    return null;
  }

  /**
   * The layer name the quantizers are named after: the DL4J layer name, or {@code fallback} when the
   * layer has none.
   *
   * @param fallback the name to use for an unnamed layer
   * @return the name
   */
  public String name(String fallback) {
    return declaredName != null ? declaredName : fallback;
  }

  /**
   * The quantizers by full name in forward order: input, then weights in layer-map order.
   *
   * @param layerName the layer name to prefix
   * @return an ordered, unmodifiable map
   */
  public Map<String, TensorQuantizer> named(String layerName) {
    Map<String, TensorQuantizer> out = new LinkedHashMap<>();
    if (input != null) {
      out.put(QuantRole.INPUT.quantizerName(layerName), input);
    }
    for (WeightSlot s : weights) {
      out.put(s.param.role().quantizerName(layerName), s.quantizer);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Every quantizer of this layer.
   *
   * @return the quantizers
   */
  List<TensorQuantizer> all() {
    List<TensorQuantizer> all = new ArrayList<>();
    if (input != null) {
      all.add(input);
    }
    weights.forEach(s -> all.add(s.quantizer));
    return all;
  }

  /** Forgets the arrays held between passes, so the layer runs in float from now on. */
  void markFailed() {
    failed = true;
    originalInput = null;
    inputBuffer.release();
    for (WeightSlot s : weights) {
      s.buffer.release();
      s.source = null;
      s.quantized = null;
    }
  }
}
