package org.quant4j.tune;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;

/**
 * Top-1 accuracy, the default metric of {@link Sensitivity} and {@link MixedPrecisionSearch}: the fraction of
 * labelled images whose highest output is their label (the first of equal outputs wins, as {@code argmax}),
 * evaluated batch by batch in the images' order.
 */
public final class Top1 {

  /** The metric's name in tables and JSON. */
  public static final String NAME = "top-1";

  private Top1() {}

  /**
   * The top-1 accuracy of a network on labelled images, in inference mode.
   *
   * @param model a MultiLayerNetwork or a single-input ComputationGraph
   * @param images labelled images
   * @param batchSize images per forward pass (the same size gives the same figure, bit for bit)
   * @return the fraction correct, in [0, 1]
   * @throws IllegalArgumentException if the images have no labels, or batchSize is below 1
   */
  public static double of(Model model, ImageSet images, int batchSize) {
    requireLabelled(images, batchSize);
    long correct = 0;
    ImageSetIterator batches = ImageSetIterator.inOrder(images, batchSize);
    while (batches.hasNext()) {
      DataSet b = batches.next();
      correct += correct(output(model, b.getFeatures()), b.getLabels());
    }
    return (double) correct / images.size();
  }

  /**
   * Checks that images can be scored.
   *
   * @param images the images
   * @param batchSize the batch size
   * @throws IllegalArgumentException if the images have no labels, or batchSize is below 1
   */
  static void requireLabelled(ImageSet images, int batchSize) {
    if (images == null || !images.labelled()) {
      throw new IllegalArgumentException("top-1 needs labelled images, got " + images);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
  }

  /**
   * The network's output for one batch, in inference mode.
   *
   * @param model a MultiLayerNetwork or a single-input ComputationGraph
   * @param features the batch
   * @return the (first) output
   */
  static INDArray output(Model model, INDArray features) {
    if (model instanceof MultiLayerNetwork net) {
      return net.output(features, false);
    }
    if (model instanceof ComputationGraph graph) {
      return graph.outputSingle(false, features);
    }
    throw new IllegalArgumentException("model must be a MultiLayerNetwork or ComputationGraph, got "
        + (model == null ? "null" : model.getClass().getName()));
  }

  /**
   * How many rows of a batch's output have their highest value at the label's one-hot position.
   *
   * @param output the output, one row per image
   * @param oneHotLabels the labels, one-hot, one row per image
   * @return the count
   */
  static long correct(INDArray output, INDArray oneHotLabels) {
    return correct(output, labels(oneHotLabels));
  }

  /**
   * The labels of a batch, for scoring several outputs against them.
   *
   * @param oneHotLabels the labels, one-hot, one row per image
   * @return each row's label (the position of its highest value)
   */
  static long[] labels(INDArray oneHotLabels) {
    return Nd4j.argMax(oneHotLabels, 1).toLongVector();
  }

  /**
   * How many rows of a batch's output have their highest value at the label.
   *
   * @param output the output, one row per image
   * @param actual the labels, from {@link #labels}
   * @return the count
   */
  static long correct(INDArray output, long[] actual) {
    long[] predicted = Nd4j.argMax(output, 1).toLongVector();
    long n = 0;
    for (int i = 0; i < predicted.length; i++) {
      n += predicted[i] == actual[i] ? 1 : 0;
    }
    return n;
  }
}
