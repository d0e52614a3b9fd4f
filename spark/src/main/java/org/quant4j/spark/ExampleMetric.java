package org.quant4j.spark;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A user's metric for {@link SparkEvaluation}, summed over examples: for each batch it returns the sum of
 * its per-example values (e.g. how many labels are in the top 5, or the summed loss), and the evaluation
 * reports the total divided by the number of examples. It runs in the tasks, so it must be serializable (a
 * lambda assigned to this interface is).
 */
@FunctionalInterface
public interface ExampleMetric extends Serializable {

  /**
   * The sum of the metric over one batch's examples.
   *
   * @param output the network's output for the batch, {@code [examples, classes]}
   * @param labels the batch's labels, the same shape
   * @return the sum over the batch's examples
   */
  double sum(INDArray output, INDArray labels);
}
