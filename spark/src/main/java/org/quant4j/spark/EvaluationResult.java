package org.quant4j.spark;

/**
 * The FP32 and quantized network's scores over the same data, from one {@link SparkEvaluation} pass.
 *
 * @param examples the number of examples
 * @param fp32Correct examples whose FP32 top-1 class is the label's
 * @param quantizedCorrect examples whose quantized top-1 class is the label's
 * @param fp32MetricSum the user metric's sum over the examples with every quantizer disabled (0 without one)
 * @param quantizedMetricSum the user metric's sum over the examples with the quantizers as on the driver
 */
public record EvaluationResult(long examples, long fp32Correct, long quantizedCorrect, double fp32MetricSum,
    double quantizedMetricSum) {

  /**
   * The FP32 top-1 accuracy.
   *
   * @return correct / examples, in [0, 1]
   */
  public double fp32Top1() {
    return (double) fp32Correct / examples;
  }

  /**
   * The quantized top-1 accuracy.
   *
   * @return correct / examples, in [0, 1]
   */
  public double quantizedTop1() {
    return (double) quantizedCorrect / examples;
  }

  /**
   * The user metric's mean over the examples, FP32.
   *
   * @return the sum divided by the number of examples
   */
  public double fp32Metric() {
    return fp32MetricSum / examples;
  }

  /**
   * The user metric's mean over the examples, quantized.
   *
   * @return the sum divided by the number of examples
   */
  public double quantizedMetric() {
    return quantizedMetricSum / examples;
  }
}
