package org.quant4j.tune;

import java.util.List;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Top-1 sensitivity of a MultiLayerNetwork without re-running the float prefix: per batch, the input of every
 * layer is kept twice, once with every layer in float and once with every layer quantized (as far as the memory
 * budget allows); the "only L" run then starts at L from the float inputs and the "all but L" run at L from the
 * quantized ones, because every layer before L is in float (or quantized) in both. A layer whose input was not
 * kept starts from the nearest kept input before it.
 */
final class LayerInputCache {

  private final MultiLayerNetwork net;
  private final List<QuantizedLayer> layers;
  private final LayerSwitch layerSwitch;
  private final long budgetBytes;

  /** Correct predictions, summed over the batches. */
  final long[] onlyThis;
  /** Correct predictions, summed over the batches. */
  final long[] allButThis;
  long fp32;
  long allQuantized;
  /** Layer forward passes run, to compare with {@code batches * layers} of a plain evaluation. */
  long layerPasses;

  LayerInputCache(MultiLayerNetwork net, List<QuantizedLayer> layers, LayerSwitch layerSwitch, long budgetBytes) {
    this.net = net;
    this.layers = layers;
    this.layerSwitch = layerSwitch;
    this.budgetBytes = budgetBytes;
    this.onlyThis = new long[layers.size()];
    this.allButThis = new long[layers.size()];
  }

  /**
   * Adds one batch's correct predictions for every configuration.
   *
   * @param batch a labelled batch
   */
  void add(DataSet batch) {
    INDArray labels = batch.getLabels();
    layerSwitch.set(l -> false);
    INDArray[] floatInputs = new INDArray[net.getnLayers() + 1];
    fp32 += Top1.correct(forward(batch.getFeatures(), floatInputs, budgetBytes / 2), labels);
    layerSwitch.set(l -> true);
    INDArray[] quantInputs = new INDArray[net.getnLayers() + 1];
    allQuantized += Top1.correct(forward(batch.getFeatures(), quantInputs, budgetBytes / 2), labels);
    for (int j = 0; j < layers.size(); j++) {
      QuantizedLayer layer = layers.get(j);
      layerSwitch.set(l -> l == layer);
      onlyThis[j] += Top1.correct(resume(floatInputs, layer.index()), labels);
      layerSwitch.set(l -> l != layer);
      allButThis[j] += Top1.correct(resume(quantInputs, layer.index()), labels);
    }
  }

  /** Runs the whole network, keeping each layer's input in {@code inputs} while they fit the budget. */
  private INDArray forward(INDArray features, INDArray[] inputs, long budget) {
    inputs[0] = features;
    INDArray a = features;
    long used = 0;
    for (int i = 0; i < net.getnLayers(); i++) {
      a = layer(i, a);
      long bytes = a.length() * a.dataType().width();
      if (i + 1 < net.getnLayers() && used + bytes <= budget) {
        inputs[i + 1] = a;
        used += bytes;
      }
    }
    return a;
  }

  /** Runs the network from the nearest kept input at or before layer {@code from}. */
  private INDArray resume(INDArray[] inputs, int from) {
    int k = from;
    while (inputs[k] == null) {
      k--;
    }
    INDArray a = inputs[k];
    for (int i = k; i < net.getnLayers(); i++) {
      a = layer(i, a);
    }
    return a;
  }

  /** One layer in inference mode, its input preprocessor first, as {@code output()} runs it. */
  private INDArray layer(int i, INDArray input) {
    layerPasses++;
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    InputPreProcessor p = net.getLayerWiseConfigurations().getInputPreProcess(i);
    INDArray in = p == null ? input : p.preProcess(input, (int) input.size(0), mgr);
    return net.getLayer(i).activate(in, false, mgr);
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
