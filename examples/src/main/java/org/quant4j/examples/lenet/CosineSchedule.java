package org.quant4j.examples.lenet;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Cosine annealing of the learning rate over iterations (Loshchilov and Hutter, "SGDR", ICLR 2017, eq. 5,
 * without restarts; PyTorch's {@code CosineAnnealingLR}):
 * {@code lr(t) = final + (initial - final) * (1 + cos(pi * t / T)) / 2} for {@code t < T}, then
 * {@code final}. DL4J 1.0.0-M2.1 has no cosine schedule; this one serialises with the model (Jackson, by
 * class name, as DL4J's own schedules do).
 */
public final class CosineSchedule implements ISchedule {

  private static final long serialVersionUID = 1L;

  private final double initialValue;
  private final double finalValue;
  private final int totalIterations;

  /**
   * @param initialValue the learning rate at iteration 0
   * @param finalValue the learning rate at and after {@code totalIterations}
   * @param totalIterations T, the iterations over which the rate decays, &gt; 0
   * @throws IllegalArgumentException if {@code totalIterations <= 0} or a rate is negative or not finite
   */
  public CosineSchedule(
      @JsonProperty("initialValue") double initialValue,
      @JsonProperty("finalValue") double finalValue,
      @JsonProperty("totalIterations") int totalIterations) {
    if (totalIterations <= 0) {
      throw new IllegalArgumentException("totalIterations must be > 0, got " + totalIterations);
    }
    if (!(initialValue >= 0) || !(finalValue >= 0) || Double.isInfinite(initialValue) || Double.isInfinite(finalValue)) {
      throw new IllegalArgumentException(
          "learning rates must be finite and >= 0, got initialValue=" + initialValue + " finalValue=" + finalValue);
    }
    this.initialValue = initialValue;
    this.finalValue = finalValue;
    this.totalIterations = totalIterations;
  }

  /**
   * @param iteration the iteration (DL4J counts from 0)
   * @param epoch ignored: the schedule runs on iterations
   * @return the learning rate at that iteration
   */
  @Override
  public double valueAt(int iteration, int epoch) {
    if (iteration >= totalIterations) {
      return finalValue;
    }
    return finalValue + (initialValue - finalValue) * (1 + Math.cos(Math.PI * iteration / totalIterations)) / 2;
  }

  /** @return the learning rate at iteration 0 */
  @JsonProperty("initialValue")
  public double initialValue() {
    return initialValue;
  }

  /** @return the learning rate reached at the end */
  @JsonProperty("finalValue")
  public double finalValue() {
    return finalValue;
  }

  /** @return the iterations over which the rate decays */
  @JsonProperty("totalIterations")
  public int totalIterations() {
    return totalIterations;
  }

  /** @return this schedule: it is immutable */
  @Override
  public ISchedule clone() {
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CosineSchedule c
        && c.initialValue == initialValue && c.finalValue == finalValue && c.totalIterations == totalIterations;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(initialValue, finalValue, totalIterations);
  }

  @Override
  public String toString() {
    return "CosineSchedule(" + initialValue + " -> " + finalValue + " over " + totalIterations + " iterations)";
  }
}
