package org.quant4j.examples.lenet;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;

/** Top-1 accuracy of a classifier over a labelled image set. */
public final class Accuracy {

  /** Images per inference batch. */
  public static final int EVAL_BATCH = 500;

  private Accuracy() {}

  /**
   * @param net a {@link MultiLayerNetwork} or single-input, single-output {@link ComputationGraph}
   * @param test labelled images
   * @return the percentage of images whose arg-max output is the label, in [0, 100]
   * @throws IllegalArgumentException if the images carry no labels or the model is of another kind
   */
  public static double top1(Model net, ImageSet test) {
    if (!test.labelled()) {
      throw new IllegalArgumentException("test set " + test + " has no labels, expected a labelled set");
    }
    ImageSetIterator it = ImageSetIterator.inOrder(test, EVAL_BATCH);
    long correct = 0;
    int offset = 0;
    while (it.hasNext()) {
      DataSet ds = it.next();
      INDArray predicted = output(net, ds.getFeatures()).argMax(1);
      for (int i = 0; i < predicted.length(); i++) {
        if (predicted.getInt(i) == test.labels()[offset + i]) {
          correct++;
        }
      }
      offset += (int) predicted.length();
    }
    return 100.0 * correct / test.size();
  }

  /**
   * Inference (not training mode) on one batch.
   *
   * @param net a {@link MultiLayerNetwork} or single-output {@link ComputationGraph}
   * @param features the input batch
   * @return the output activations, detached from any workspace
   * @throws IllegalArgumentException if the model is of another kind
   */
  public static INDArray output(Model net, INDArray features) {
    if (net instanceof MultiLayerNetwork m) {
      return m.output(features, false);
    }
    if (net instanceof ComputationGraph g) {
      return g.outputSingle(false, features);
    }
    throw new IllegalArgumentException(
        "net is a " + net.getClass().getName() + ", expected a MultiLayerNetwork or ComputationGraph");
  }
}
