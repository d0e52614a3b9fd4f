package org.quant4j.dl4j;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.nn.TensorQuantizer;

/**
 * The static dispatcher that the advice woven into DL4J classes calls. Every method is public (the
 * advice is inlined into DL4J's classes and runs in their class loader) and takes the DL4J object it
 * serves. When a layer cannot be quantized, {@link HookFailures} decides: in-process the user's call
 * fails with a {@link QuantizationException}; under the agent one line goes to stderr and that layer
 * runs in float from then on, its DL4J value unchanged.
 *
 * <p>Quantizer state lives in side tables keyed by layer (or vertex) identity, so the same advice
 * works when it is woven at load time (agent) and when loaded classes are retransformed (in-process).
 * New layers get quantizers only while {@link QuantModules} is active; existing ones keep theirs.
 */
public final class QuantHooks {

  private static final WeakIdentityMap<Object, LayerQuantizers> LAYERS = new WeakIdentityMap<>();
  private static final WeakIdentityMap<Object, ResidualQuantizer> VERTICES = new WeakIdentityMap<>();
  private static volatile QuantConfig active;

  private QuantHooks() {}

  static void activate(QuantConfig config) {
    active = config;
  }

  static void deactivate() {
    active = null;
  }

  static QuantConfig activeConfig() {
    return active;
  }

  static LayerQuantizers layer(Object layer) {
    return LAYERS.get(layer);
  }

  static ResidualQuantizer vertex(Object vertex) {
    return VERTICES.get(vertex);
  }

  // ---------------------------------------------------------------- layers

  /**
   * Called when a DL4J layer is constructed: gives a layer of the layer map its quantizers, named
   * after the layer, while quant modules are active.
   *
   * @param layer the new layer ({@code AbstractLayer})
   */
  public static void onLayerCreated(Object layer) {
    QuantConfig config = active;
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
      TensorQuantizer input = create(config, QuantRole.INPUT.quantizerName(prefix), QuantRole.INPUT, new int[0]);
      List<LayerQuantizers.WeightSlot> slots = new ArrayList<>();
      for (LayerMapping.WeightParam p : mapping.weights()) {
        slots.add(new LayerQuantizers.WeightSlot(p,
            create(config, p.role().quantizerName(prefix), p.role(), p.channelAxes())));
      }
      LAYERS.put(layer, new LayerQuantizers(name, mapping, input, slots));
    } catch (Throwable t) {
      HookFailures.failed("layer " + name + " (" + layer.getClass().getSimpleName() + ")",
          "creating its quantizers", t);
    }
  }

  private static TensorQuantizer create(QuantConfig config, String name, QuantRole role, int[] axes) {
    QuantConfig.Resolved r = config.resolve(name, role, axes);
    TensorQuantizer q = new TensorQuantizer(r.descriptor());
    if (!r.enabled()) {
      q.disable();
    }
    return q;
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
      INDArray q = QuantizedArrays.apply(slot.quantizer, value, slot.buffer);
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
            QuantizedArrays.maskGradient(slot.quantizer, gw, slot.source);
          }
        }
      }
      LearnedAmax.step(s, layer);
    } catch (Throwable t) {
      fail(s, layer, "masking its gradients", t);
    }
  }

  private static boolean sameShape(INDArray a, INDArray b) {
    return a != null && b != null && Arrays.equals(a.shape(), b.shape());
  }

  private static void fail(LayerQuantizers s, Object layer, String what, Throwable t) {
    if (!s.failed) {
      HookFailures.failed("layer " + s.name("?") + " (" + layer.getClass().getSimpleName() + ")", what, t);
      s.markFailed();
    }
  }

  // ---------------------------------------------------------------- ElementWiseVertex

  /**
   * Called when an ElementWiseVertex is constructed: an Add gets a residual quantizer when the
   * active configuration has {@code residual: true}.
   *
   * @param vertex the vertex
   * @param op its operation ({@code ElementWiseVertex.Op})
   */
  public static void onVertexCreated(Object vertex, Object op) {
    QuantConfig config = active;
    if (config == null || !config.residual() || vertex == null || !"Add".equals(String.valueOf(op))) {
      return;
    }
    String name = null;
    try {
      name = ((GraphVertex) vertex).getVertexName();
      VERTICES.put(vertex, new ResidualQuantizer(name,
          create(config, QuantRole.RESIDUAL.quantizerName(name), QuantRole.RESIDUAL, new int[0])));
    } catch (Throwable t) {
      HookFailures.failed("vertex " + name, "creating its residual quantizer", t);
    }
  }

  /**
   * Called before an Add vertex adds: replaces its identity inputs with their quantized values.
   *
   * @param vertex the vertex
   * @param graph the graph it belongs to
   * @param inputs the vertex's input array (modified in place; restored by
   *     {@link #afterVertexForward})
   */
  public static void beforeVertexForward(Object vertex, Object graph, INDArray[] inputs) {
    ResidualQuantizer r = VERTICES.get(vertex);
    if (r == null || r.failed || inputs == null) {
      return;
    }
    try {
      if (r.residualInputs == null || r.originals.length != inputs.length) {
        r.residualInputs(identityInputs((GraphVertex) vertex, (ComputationGraph) graph), inputs.length);
      }
      Arrays.fill(r.originals, null);
      for (int k : r.residualInputs) {
        if (inputs[k] != null) {
          r.originals[k] = inputs[k];
          inputs[k] = QuantizedArrays.apply(r.quantizer, inputs[k], r.buffers[k]);
        }
      }
    } catch (Throwable t) {
      restore(r, inputs);
      failVertex(r, "quantizing its identity input", t);
    }
  }

  /**
   * Called after an Add vertex added (or failed): puts the float identity inputs back.
   *
   * @param vertex the vertex
   * @param inputs the vertex's input array
   */
  public static void afterVertexForward(Object vertex, INDArray[] inputs) {
    ResidualQuantizer r = VERTICES.get(vertex);
    if (r != null && !r.failed && inputs != null) {
      restore(r, inputs);
    }
  }

  private static void restore(ResidualQuantizer r, INDArray[] inputs) {
    for (int k = 0; k < Math.min(inputs.length, r.originals.length); k++) {
      if (r.originals[k] != null) {
        inputs[k] = r.originals[k];
      }
    }
  }

  /**
   * Called when an Add vertex's backward pass returns: masks the identity inputs' gradients.
   *
   * @param vertex the vertex
   * @param result the {@code Pair<Gradient, INDArray[]>} returned
   */
  public static void afterVertexBackward(Object vertex, Object result) {
    ResidualQuantizer r = VERTICES.get(vertex);
    if (r == null || r.failed || !(result instanceof Pair<?, ?> p) || !(p.getSecond() instanceof INDArray[] eps)) {
      return;
    }
    try {
      for (int k : r.residualInputs) {
        if (k < eps.length && sameShape(eps[k], r.originals[k])) {
          QuantizedArrays.maskGradient(r.quantizer, eps[k], r.originals[k]);
        }
      }
    } catch (Throwable t) {
      failVertex(r, "masking its gradients", t);
    }
  }

  /**
   * The identity inputs of a vertex: every input but the one produced last in topological order.
   */
  static int[] identityInputs(GraphVertex vertex, ComputationGraph graph) {
    VertexIndices[] in = vertex.getInputVertices();
    if (in == null || in.length < 2) {
      return new int[0];
    }
    int[] order = graph.topologicalSortOrder();
    int[] position = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      position[order[i]] = i;
    }
    int main = 0;
    for (int i = 1; i < in.length; i++) {
      if (position[in[i].getVertexIndex()] > position[in[main].getVertexIndex()]) {
        main = i;
      }
    }
    int[] out = new int[in.length - 1];
    for (int i = 0, j = 0; i < in.length; i++) {
      if (i != main) {
        out[j++] = i;
      }
    }
    return out;
  }

  private static void failVertex(ResidualQuantizer r, String what, Throwable t) {
    if (!r.failed) {
      HookFailures.failed("vertex " + r.vertexName, what, t);
      r.markFailed();
    }
  }

  // ---------------------------------------------------------------- ModelSerializer

  /**
   * Called after ModelSerializer wrote a model to a file: writes the quantizer state beside it
   * ({@link SiblingStateFile}) when the model has quantizers.
   *
   * @param model the model written
   * @param file the model file ({@code File} or path {@code String})
   */
  public static void afterModelWritten(Object model, Object file) {
    try {
      if (model instanceof Model m && file != null) {
        SiblingStateFile.written(m, new File(file.toString()).toPath());
      }
    } catch (Throwable t) {
      HookFailures.failed("the quantizer state of " + file, "saving it beside the model", t);
    }
  }

  /**
   * Called after ModelSerializer restored a model from a file: loads the quantizer state from the
   * sibling file when there is one and {@link SiblingStateFile}'s rules allow it.
   *
   * @param model the restored model
   * @param file the model file
   */
  public static void afterModelRestored(Object model, Object file) {
    try {
      if (model instanceof Model m && file != null) {
        SiblingStateFile.restored(m, new File(file.toString()).toPath());
      }
    } catch (Throwable t) {
      HookFailures.failed("the quantizer state of " + file, "restoring it from its .quant4j.json sibling", t);
    }
  }
}
