package org.quant4j.tune;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
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

  private static final char FLOAT = 'F';
  private static final char QUANTIZED = 'Q';

  private final MultiLayerNetwork net;
  private final List<QuantizedLayer> layers;
  private final LayerSwitch layerSwitch;
  private final long budgetBytes;
  /**
   * Correct predictions of each distinct configuration, summed over the batches, by its key: one letter per entry
   * of {@link #layers}, Q when it is quantized, F when not. The keys sort as the configurations run (float before
   * quantized).
   */
  private final SortedMap<String, Long> correct = new TreeMap<>();

  /** Layer forward passes run, to compare with {@code batches * layers} of a plain evaluation. */
  long layerPasses;

  LayerInputCache(MultiLayerNetwork net, List<QuantizedLayer> layers, LayerSwitch layerSwitch, long budgetBytes) {
    this.net = net;
    this.layers = layers;
    this.layerSwitch = layerSwitch;
    this.budgetBytes = budgetBytes;
    correct.put(key(j -> false), 0L);
    correct.put(key(j -> true), 0L);
    for (int l = 0; l < layers.size(); l++) {
      int layer = l;
      correct.put(key(j -> j == layer), 0L);
      correct.put(key(j -> j != layer), 0L);
    }
  }

  /** The key of the configuration that quantizes the entries of {@link #layers} the predicate picks. */
  private String key(IntPredicate quantized) {
    char[] c = new char[layers.size()];
    for (int j = 0; j < c.length; j++) {
      c[j] = quantized.test(j) ? QUANTIZED : FLOAT;
    }
    return new String(c);
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
    String previous = null;
    for (Map.Entry<String, Long> configuration : correct.entrySet()) {
      String states = configuration.getKey();
      int from = previous == null ? 0 : firstDifference(previous, states);
      while (kept[from] == null) {
        from--;
      }
      layerSwitch.set(l -> states.charAt(layers.indexOf(l)) == QUANTIZED);
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
      configuration.setValue(configuration.getValue() + Top1.correct(a, labels));
      previous = states;
    }
  }

  /** The network index of the first quantized layer whose state differs: the inputs up to it are shared. */
  private int firstDifference(String a, String b) {
    int j = 0;
    while (a.charAt(j) == b.charAt(j)) {
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
    return correct.get(key(j -> false));
  }

  long allQuantized() {
    return correct.get(key(j -> true));
  }

  long onlyThis(int layer) {
    return correct.get(key(j -> j == layer));
  }

  long allButThis(int layer) {
    return correct.get(key(j -> j != layer));
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
