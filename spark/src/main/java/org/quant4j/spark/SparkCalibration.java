package org.quant4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.calib.Calibrator;
import org.quant4j.calib.HistogramCalibrator;
import org.quant4j.calib.HistogramGrid;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.spark.internal.PartitionBatches;
import org.quant4j.spark.internal.PartitionReport;
import org.quant4j.spark.internal.ShippedNetwork;
import org.quant4j.spark.internal.SparkFailures;
import org.quant4j.spark.internal.WireFormat;

/**
 * {@link Calibration#collectStats} over data that lives in a Spark cluster: every partition's task rebuilds the
 * driver's network (its {@code ModelSerializer} bytes travel in a broadcast; the task's JVM installs the
 * quantizers with {@code QuantModules.initialize(config)}) and calibrates on its batches; the calibrators'
 * state comes back to the driver in quant4j's own compact encoding and is merged into the driver's network.
 * Then {@link Calibration#computeAmax} runs on the driver as on one machine.
 *
 * <p><b>Exact and partition-invariant.</b> This is {@link HistogramGrid#FIXED} spread over the cluster: when
 * the network has histogram calibrators, a first job finds each one's largest {@code |x|} in every partition
 * and the driver takes their maximum (exact); a second job bins every partition on the one grid
 * {@code [0, max]} and calibrates the max calibrators, and the driver adds the histograms bin by bin (integer
 * counts) and takes the maximum of the max calibrators. The calibrators, and so every amax, are bit for bit
 * those of {@code Calibration.collectStats(net, data, n, HistogramGrid.FIXED)} on one machine over the same
 * batches, whatever the partitioning, the order the tasks ran in, or a task that Spark ran again. Each RDD
 * element is one batch and is run through the network as it is (never re-batched). Without histogram
 * calibrators there is one job.
 *
 * <p>The data is read once per job; cache it ({@code data.cache()}) when it is expensive to compute. Each
 * task holds its partition's batches in memory during its pass.
 */
public final class SparkCalibration {

  private SparkCalibration() {}

  /**
   * Calibrates the driver's network on an RDD of batches: afterwards its calibrators hold the statistics of
   * all the data, for {@link Calibration#computeAmax}.
   *
   * @param sc the Spark context
   * @param net the driver's network, built (or restored) after {@code QuantModules.initialize(config)}; its
   *     enabled quantizers with a calibrator are calibrated, the others left as they are
   * @param data the calibration batches, one {@link DataSet} per element (features are used; labels may be null)
   * @param config the configuration the network's quantizers were built with (the tasks build theirs with it)
   * @return how many partitions, batches and examples were read
   * @throws IllegalArgumentException if an argument is null, the network has no quantizers, the data holds no
   *     batch, or a partition's batches differ in shape per example from another's (the message names the
   *     partitions, batch and shapes), or as {@link Calibration#collectStats}
   * @throws IllegalStateException if an executor cannot load ND4J's native backend, or builds other quantizers
   *     than the driver's network has
   */
  public static CalibrationSummary collectStats(JavaSparkContext sc, Model net, JavaRDD<DataSet> data,
      QuantConfig config) {
    if (data == null) {
      throw new IllegalArgumentException("data must not be null");
    }
    return collect(sc, net, config, (shipped, job) -> data.mapPartitionsWithIndex(
        (Function2<Integer, Iterator<DataSet>, Iterator<byte[]>>) (partition, batches) ->
            job.run(shipped, PartitionBatches.of(partition, batches)), false).collect());
  }

  /**
   * {@link #collectStats(JavaSparkContext, Model, JavaRDD, QuantConfig)} on a DataFrame whose features column
   * holds one example per row as a flat array of numbers ({@code array<float>} or {@code array<double>}).
   * Within each partition, rows are grouped into batches of {@code batchSize} in order; the batches (and so, on
   * BLAS kernels that depend on the batch size, the last bits of an activation) follow the partitioning, so
   * for results that are bit-identical across partitionings calibrate on an RDD of ready batches.
   *
   * @param sc the Spark context
   * @param net the driver's network
   * @param rows the calibration rows
   * @param featuresColumn the name of the features column
   * @param exampleShape the shape of one example, e.g. {@code {1, 28, 28}}
   * @param batchSize rows per batch, at least 1
   * @param config the configuration the network's quantizers were built with
   * @return how many partitions, batches and examples were read
   * @throws IllegalArgumentException as the RDD method, or if the column is missing, a shape dimension is not
   *     positive, or a row's features are missing or of another length (naming the partition and row)
   */
  public static CalibrationSummary collectStats(JavaSparkContext sc, Model net, Dataset<Row> rows,
      String featuresColumn, long[] exampleShape, int batchSize, QuantConfig config) {
    if (rows == null || featuresColumn == null || exampleShape == null) {
      throw new IllegalArgumentException("rows, featuresColumn and exampleShape must not be null");
    }
    if (!Arrays.asList(rows.columns()).contains(featuresColumn)) {
      throw new IllegalArgumentException("rows have no column \"" + featuresColumn + "\"; they have "
          + Arrays.toString(rows.columns()));
    }
    if (exampleShape.length == 0 || Arrays.stream(exampleShape).anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("exampleShape must have positive dimensions, got "
          + Arrays.toString(exampleShape));
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    int column = rows.schema().fieldIndex(featuresColumn);
    long[] shape = exampleShape.clone();
    JavaRDD<Row> rdd = rows.javaRDD();
    return collect(sc, net, config, (shipped, job) -> rdd.mapPartitionsWithIndex(
        (Function2<Integer, Iterator<Row>, Iterator<byte[]>>) (partition, it) ->
            job.run(shipped, PartitionBatches.ofRows(partition, it, column, shape, batchSize)), false).collect());
  }

  /** What a task does with its partition's batches: returns one encoded {@link PartitionReport}. */
  private interface Job extends java.io.Serializable {
    Iterator<byte[]> run(ShippedNetwork shipped, PartitionBatches batches);
  }

  /** Runs a job over every partition of the data and collects the reports. */
  private interface Runner {
    List<byte[]> run(ShippedNetwork shipped, Job job);
  }

  private static CalibrationSummary collect(JavaSparkContext sc, Model net, QuantConfig config, Runner runner) {
    ShippedNetwork shipped = ShippedNetwork.of(sc, net, config);
    Map<String, Calibrator> calibrators = new LinkedHashMap<>();
    boolean histograms = false;
    for (Map.Entry<String, TensorQuantizer> e : Quantizers.of(net).entrySet()) {
      if (e.getValue().isEnabled() && e.getValue().calibrator() != null) {
        calibrators.put(e.getKey(), e.getValue().calibrator());
        histograms |= e.getValue().calibrator() instanceof HistogramCalibrator;
      }
    }
    if (calibrators.isEmpty()) {
      shipped.release();
      throw new IllegalArgumentException("none of the network's " + Quantizers.of(net).size()
          + " quantizers is enabled with a calibrator: nothing to calibrate");
    }
    try {
      Map<String, Float> ranges = new LinkedHashMap<>();
      if (histograms) {
        List<PartitionReport> first = reports(SparkFailures.run(() -> runner.run(shipped, SparkCalibration::ranges)));
        for (PartitionReport r : first) {
          WireFormat.readRanges(r.payload()).forEach((name, max) -> ranges.merge(name, max, Math::max));
        }
      }
      byte[] fixed = WireFormat.ranges(ranges);
      boolean fix = histograms;
      List<PartitionReport> second = reports(SparkFailures.run(() -> runner.run(shipped,
          (s, batches) -> statistics(s, batches, fix ? fixed : null))));
      if (fix) {
        Calibration.fixHistogramGrids(net, ranges);
      }
      for (PartitionReport r : second) {
        WireFormat.mergeCalibrators(r.payload(), calibrators);
      }
      return new CalibrationSummary(second.size(), second.stream().mapToLong(PartitionReport::batches).sum(),
          second.stream().mapToLong(PartitionReport::examples).sum());
    } finally {
      shipped.release();
    }
  }

  /** Decodes the reports and checks that the data was not empty and of one shape. */
  private static List<PartitionReport> reports(List<byte[]> encoded) {
    List<PartitionReport> reports = new ArrayList<>();
    encoded.forEach(b -> reports.add(PartitionReport.fromBytes(b)));
    PartitionReport.requireOneShape(reports, "calibration");
    return reports;
  }

  /** The first job's task: each histogram's largest |x| over the partition. */
  private static Iterator<byte[]> ranges(ShippedNetwork shipped, PartitionBatches batches) {
    Map<String, Float> ranges = new LinkedHashMap<>();
    if (!batches.batches().isEmpty()) {
      Model net = shipped.rebuild();
      ranges = batches.forward(() -> Calibration.collectRanges(net, batches.iterator(), batches.batches().size()));
    }
    return List.of(PartitionReport.of(batches, WireFormat.ranges(ranges)).toBytes()).iterator();
  }

  /** The second job's task: every calibrator over the partition, histograms on the fixed grids if given. */
  private static Iterator<byte[]> statistics(ShippedNetwork shipped, PartitionBatches batches, byte[] fixed) {
    Map<String, Calibrator> calibrators = new LinkedHashMap<>();
    if (!batches.batches().isEmpty()) {
      Model net = shipped.rebuild();
      if (fixed != null) {
        Calibration.fixHistogramGrids(net, WireFormat.readRanges(fixed));
      }
      batches.forward(() -> Calibration.collectStats(net, batches.iterator(), batches.batches().size()));
      Quantizers.of(net).forEach((name, q) -> {
        if (q.isEnabled() && q.calibrator() != null) {
          calibrators.put(name, q.calibrator());
        }
      });
    }
    return List.of(PartitionReport.of(batches, WireFormat.calibrators(calibrators)).toBytes()).iterator();
  }
}
