package org.quant4j.spark.internal;

import java.util.function.Supplier;
import org.apache.spark.SparkException;

/**
 * Runs a Spark job and, when a task failed for good on bad input or state, gives the caller the task's own
 * exception type and one-line message instead of Spark's stage-failure report around it.
 */
public final class SparkFailures {

  private SparkFailures() {}

  /**
   * Runs the job.
   *
   * @param job the action (e.g. {@code rdd.collect()})
   * @param <T> its result
   * @return the result
   * @throws IllegalArgumentException with the task's message when a task failed with one
   * @throws IllegalStateException with the task's message when a task failed with one, or wrapping
   *     Spark's failure otherwise
   */
  public static <T> T run(Supplier<T> job) {
    try {
      return job.get();
    } catch (Exception e) { // Spark throws SparkException, a checked exception, from unchecked signatures
      if (!(e instanceof SparkException) && !(e.getCause() instanceof SparkException)) {
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
      }
      for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
        if (t.getClass() == IllegalArgumentException.class) {
          throw new IllegalArgumentException(t.getMessage(), e);
        }
        if (t.getClass() == IllegalStateException.class) {
          throw new IllegalStateException(t.getMessage(), e);
        }
      }
      throw new IllegalStateException("the Spark job failed: " + e.getMessage(), e);
    }
  }
}
