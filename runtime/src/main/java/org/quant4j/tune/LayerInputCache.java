package org.quant4j.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Top-1 sensitivity of a MultiLayerNetwork that runs every layer pass at most once per batch. A configuration
 * ("these layers quantized, the others in float") fixes a layer's input by the states of the layers before it,
 * so the configurations of a table form a tree of shared prefixes: "all but conv1" starts with the float conv1
 * of FP32, "only conv1" with the quantized conv1 of all-quantized, and "only conv1" and "all but pool1" share
 * their first two layers. The configurations run in lexicographic order of their states (float before
 * quantized), which walks that tree depth first: each run starts at the first layer whose state differs from the
 * run before, from the input that run kept, and keeps its own layer inputs (as far as the memory budget allows)
 * for the runs after it. A layer whose input was not kept starts from the nearest kept input before it. Every
 * layer pass is the one a whole evaluation of that configuration would make, so the figures are the same, bit
 * for bit.
 */
final class LayerInputCache {

  private final MultiLayerNetwork net;
  private final List<QuantizedLayer> layers;
  private final LayerSwitch layerSwitch;
  private final long budgetBytes;
  /** The distinct configurations, in the order they run: whether each of {@link #layers} is quantized. */
  private final List<boolean[]> configurations;
  /** Correct predictions of each configuration, summed over the batches. */
  private final long[] correct;
  private final int fp32At;
  private final int allQuantizedAt;
  private final int[] onlyAt;
  private final int[] allButAt;

  /** Layer forward passes run, to compare with {@code batches * layers} of a plain evaluation. */
  long layerPasses;

  LayerInputCache(MultiLayerNetwork net, List<QuantizedLayer> layers, LayerSwitch layerSwitch, long budgetBytes) {
    this.net = net;
    this.layers = layers;
    this.layerSwitch = layerSwitch;
    this.budgetBytes = budgetBytes;
    int n = layers.size();
    Map<String, boolean[]> distinct = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>();
    keys.add(key(distinct, states(n, j -> false)));
    keys.add(key(distinct, states(n, j -> true)));
    for (int l = 0; l < n; l++) {
      int layer = l;
      keys.add(key(distinct, states(n, j -> j == layer)));
      keys.add(key(distinct, states(n, j -> j != layer)));
    }
    List<String> order = new ArrayList<>(distinct.keySet());
    order.sort(null);
    this.configurations = order.stream().map(distinct::get).toList();
    this.correct = new long[order.size()];
    this.fp32At = order.indexOf(keys.get(0));
    this.allQuantizedAt = order.indexOf(keys.get(1));
    this.onlyAt = new int[n];
    this.allButAt = new int[n];
    for (int l = 0; l < n; l++) {
      onlyAt[l] = order.indexOf(keys.get(2 + 2 * l));
      allButAt[l] = order.indexOf(keys.get(3 + 2 * l));
    }
  }

  private static boolean[] states(int n, IntPredicate quantized) {
    boolean[] s = new boolean[n];
    for (int j = 0; j < n; j++) {
      s[j] = quantized.test(j);
    }
    return s;
  }

  /** Registers a configuration; its key ('F' float, 'Q' quantized per layer) sorts as the tree is walked. */
  private static String key(Map<String, boolean[]> distinct, boolean[] states) {
    char[] c = new char[states.length];
    for (int j = 0; j < c.length; j++) {
      c[j] = states[j] ? 'Q' : 'F';
    }
    String k = new String(c);
    distinct.putIfAbsent(k, states);
    return k;
  }

  /**
   * Adds one batch's correct predictions for every configuration.
   *
   * @param batch a labelled batch
   */
  void add(DataSet batch) {
    long[] labels = Top1.labels(batch.getLabels());
    int nLayers = net.getnLayers();
    INDArray[] kept = new INDArray[nLayers];
    long[] keptBytes = new long[nLayers];
    kept[0] = batch.getFeatures();
    boolean[] previous = null;
    for (int c = 0; c < configurations.size(); c++) {
      boolean[] states = configurations.get(c);
      int from = previous == null ? 0 : firstDifference(previous, states);
      while (kept[from] == null) {
        from--;
      }
      layerSwitch.set(l -> states[layers.indexOf(l)]);
      INDArray a = kept[from];
      long used = keptBytes[from];
      for (int i = from; i < nLayers; i++) {
        a = layer(i, a);
        if (i + 1 < nLayers) {
          long bytes = a.length() * a.dataType().width();
          boolean keep = used + bytes <= budgetBytes;
          used += keep ? bytes : 0;
          kept[i + 1] = keep ? a : null;
          keptBytes[i + 1] = used;
        }
      }
      correct[c] += Top1.correct(a, labels);
      previous = states;
    }
  }

  /** The network index of the first quantized layer whose state differs: the inputs up to it are shared. */
  private int firstDifference(boolean[] a, boolean[] b) {
    int j = 0;
    while (a[j] == b[j]) {
      j++;
    }
    return layers.get(j).index();
  }

  /** One layer in inference mode, its input preprocessor first, as {@code output()} runs it. */
  private INDArray layer(int i, INDArray input) {
    layerPasses++;
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    InputPreProcessor p = net.getLayerWiseConfigurations().getInputPreProcess(i);
    INDArray in = p == null ? input : p.preProcess(input, (int) input.size(0), mgr);
    return net.getLayer(i).activate(in, false, mgr);
  }

  long fp32() {
    return correct[fp32At];
  }

  long allQuantized() {
    return correct[allQuantizedAt];
  }

  long onlyThis(int layer) {
    return correct[onlyAt[layer]];
  }

  long allButThis(int layer) {
    return correct[allButAt[layer]];
  }

  /**
   * Whether a network can be evaluated from a layer's input.
   *
   * @param layers its quantized layers
   * @return true when every layer has a MultiLayerNetwork index
   */
  static boolean applies(List<QuantizedLayer> layers) {
    return layers.stream().allMatch(l -> l.index() >= 0);
  }
}
