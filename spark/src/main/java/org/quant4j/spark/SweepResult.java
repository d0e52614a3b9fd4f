package org.quant4j.spark;

/**
 * One row of a {@link SparkSweep}: a configuration's top-1 on the sample.
 *
 * @param label the configuration's label
 * @param examples the number of examples in the sample
 * @param correct how many of them the configuration gets right
 */
public record SweepResult(String label, long examples, long correct) {

  /**
   * The top-1 accuracy.
   *
   * @return correct / examples, in [0, 1]
   */
  public double top1() {
    return (double) correct / examples;
  }
}
