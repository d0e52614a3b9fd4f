package org.quant4j.spark.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One partition's batches, read into the task's memory (as a cached partition is) and checked: every batch
 * has features, all of one shape per example. The batches are forwarded as they are, never re-batched, so a
 * batch's activations do not depend on how the data was partitioned.
 *
 * @param partition the partition index
 * @param batches the batches, in order
 * @param exampleShape the features' shape without the batch dimension; empty when there are no batches
 */
public record PartitionBatches(int partition, List<DataSet> batches, long[] exampleShape) {

  /**
   * Reads a partition of ready batches.
   *
   * @param partition the partition index
   * @param data the partition's elements, one batch each
   * @return the batches
   * @throws IllegalArgumentException naming the partition and batch whose features are missing or whose
   *     shape per example differs from the partition's first batch
   */
  public static PartitionBatches of(int partition, Iterator<DataSet> data) {
    List<DataSet> batches = new ArrayList<>();
    long[] first = null;
    while (data.hasNext()) {
      DataSet batch = data.next();
      INDArray f = batch == null ? null : batch.getFeatures();
      if (f == null || f.rank() < 1 || f.length() == 0) {
        throw new IllegalArgumentException("partition " + partition + ", batch " + batches.size()
            + " has no features");
      }
      long[] shape = exampleShape(f);
      if (first == null) {
        first = shape;
      } else if (!Arrays.equals(first, shape)) {
        throw new IllegalArgumentException("partition " + partition + ", batch " + batches.size()
            + " has features of shape " + Arrays.toString(f.shape()) + ", " + Arrays.toString(shape)
            + " per example, but the partition's first batch has " + Arrays.toString(first)
            + " per example; every batch must have one shape per example");
      }
      batches.add(batch);
    }
    return new PartitionBatches(partition, batches, first == null ? new long[0] : first);
  }

  /**
   * Reads a partition of rows whose features column holds a flat array per row, grouped into batches.
   *
   * @param partition the partition index
   * @param rows the rows
   * @param column the features column's index
   * @param exampleShape the shape of one example's features, e.g. {@code [1, 28, 28]}
   * @param batchSize rows per batch (the last batch may be smaller)
   * @return the batches (features only)
   * @throws IllegalArgumentException naming the partition and row whose features are null, not numbers,
   *     or of another length than the shape holds
   */
  public static PartitionBatches ofRows(int partition, Iterator<Row> rows, int column, long[] exampleShape,
      int batchSize) {
    int perExample = (int) Arrays.stream(exampleShape).reduce(1, (a, b) -> a * b);
    List<DataSet> batches = new ArrayList<>();
    float[] buffer = new float[batchSize * perExample];
    int inBatch = 0;
    long row = 0;
    while (rows.hasNext()) {
      Row r = rows.next();
      List<Object> values = r.isNullAt(column) ? null : r.getList(column);
      if (values == null || values.size() != perExample) {
        throw new IllegalArgumentException("partition " + partition + ", row " + row + " has "
            + (values == null ? "no features" : values.size() + " feature values")
            + ", expected " + perExample + " for shape " + Arrays.toString(exampleShape));
      }
      for (int i = 0; i < perExample; i++) {
        if (!(values.get(i) instanceof Number n)) {
          throw new IllegalArgumentException("partition " + partition + ", row " + row + ": feature " + i
              + " is " + values.get(i) + ", expected a number");
        }
        buffer[inBatch * perExample + i] = n.floatValue();
      }
      inBatch++;
      row++;
      if (inBatch == batchSize) {
        batches.add(batch(buffer, inBatch, exampleShape));
        inBatch = 0;
      }
    }
    if (inBatch > 0) {
      batches.add(batch(buffer, inBatch, exampleShape));
    }
    return new PartitionBatches(partition, batches, batches.isEmpty() ? new long[0] : exampleShape.clone());
  }

  /**
   * Runs the network over these batches, naming the partition and its shape when that fails.
   *
   * @param pass the pass (calibration, evaluation)
   * @param <T> its result
   * @return the result
   * @throws IllegalArgumentException prefixed with the partition (and, when the network itself failed, the
   *     shape per example it was given)
   */
  public <T> T forward(Supplier<T> pass) {
    try {
      return pass.get();
    } catch (IllegalArgumentException e) {
      if (!thrownByQuant4j(e)) {
        throw failsOn(e); // DL4J refuses invalid input with argument exceptions too
      }
      if (String.valueOf(e.getMessage()).startsWith("partition " + partition + ",")) {
        throw e;
      }
      throw new IllegalArgumentException("partition " + partition + ": " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      throw e; // quant4j's own state errors (e.g. the executor's backend or quantizers) name what is wrong
    } catch (RuntimeException e) {
      throw failsOn(e);
    }
  }

  private static boolean thrownByQuant4j(RuntimeException e) {
    StackTraceElement[] trace = e.getStackTrace();
    return e.getClass() == IllegalArgumentException.class && trace.length > 0
        && trace[0].getClassName().startsWith("org.quant4j.");
  }

  private IllegalArgumentException failsOn(RuntimeException e) {
    String message = String.valueOf(e.getMessage()).strip().split("\\R", 2)[0];
    return new IllegalArgumentException("partition " + partition + ": the network fails on features of shape "
        + Arrays.toString(exampleShape) + " per example: " + message, e);
  }

  private static DataSet batch(float[] buffer, int examples, long[] exampleShape) {
    long[] shape = new long[exampleShape.length + 1];
    shape[0] = examples;
    System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
    float[] values = Arrays.copyOf(buffer, (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b));
    return new DataSet(Nd4j.create(values, shape, 'c'), null);
  }

  private static long[] exampleShape(INDArray features) {
    long[] s = features.shape();
    return Arrays.copyOfRange(s, 1, s.length);
  }

  /**
   * The batches as an iterator that {@code Calibration} can reset.
   *
   * @return a new iterator over the batches as they are
   */
  public DataSetIterator iterator() {
    return new ExistingDataSetIterator(batches);
  }

  /**
   * How many examples the batches hold.
   *
   * @return the sum of the batches' sizes
   */
  public long examples() {
    return batches.stream().mapToLong(DataSet::numExamples).sum();
  }
}
