package org.quant4j.examples.lenet;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * Cosine annealing of the learning rate over iterations (Loshchilov and Hutter, "SGDR", ICLR 2017, eq. 5,
 * without restarts; PyTorch's {@code CosineAnnealingLR}):
 * {@code lr(t) = final + (initial - final) * (1 + cos(pi * t / T)) / 2} for {@code t < T}, then
 * {@code final}. DL4J 1.0.0-M2.1 has no cosine schedule, so the rates are held in DL4J's own
 * {@link MapSchedule}, one entry per iteration: a model saved with it names only DL4J classes in its
 * configuration and loads in an application that has DL4J alone.
 */
public final class CosineSchedules {

  private CosineSchedules() {}

  /**
   * The cosine schedule as a DL4J map schedule.
   *
   * @param initialValue the learning rate at iteration 0
   * @param finalValue the learning rate at and after {@code totalIterations}
   * @param totalIterations T, the iterations over which the rate decays, &gt; 0
   * @return the schedule
   * @throws IllegalArgumentException if {@code totalIterations <= 0} or a rate is negative or not finite
   */
  public static ISchedule cosine(double initialValue, double finalValue, int totalIterations) {
    if (totalIterations <= 0) {
      throw new IllegalArgumentException("totalIterations must be > 0, got " + totalIterations);
    }
    if (!(initialValue >= 0) || !(finalValue >= 0) || Double.isInfinite(initialValue) || Double.isInfinite(finalValue)) {
      throw new IllegalArgumentException(
          "learning rates must be finite and >= 0, got initialValue=" + initialValue + " finalValue=" + finalValue);
    }
    Map<Integer, Double> rates = new HashMap<>();
    for (int t = 0; t < totalIterations; t++) {
      rates.put(t, finalValue + (initialValue - finalValue) * (1 + Math.cos(Math.PI * t / totalIterations)) / 2);
    }
    rates.put(totalIterations, finalValue);
    return new MapSchedule(ScheduleType.ITERATION, rates);
  }
}
