package org.quant4j.spark;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.spark.internal.ExecutorNetworks;
import org.quant4j.spark.internal.PartitionBatches;
import org.quant4j.spark.internal.PartitionReport;
import org.quant4j.spark.internal.Scoring;
import org.quant4j.spark.internal.ShippedNetwork;
import org.quant4j.spark.internal.SparkFailures;

/**
 * Top-1 accuracy (and a user metric) of a network FP32 and quantized, over an RDD, in one pass: each task
 * rebuilds the driver's network with its quantizers' switches and amax (e.g. after
 * {@link SparkCalibration#collectStats} and {@code Calibration.computeAmax}) and runs every batch twice, with the
 * quantizers as on the driver and with all of them disabled.
 */
public final class SparkEvaluation {

  private SparkEvaluation() {}

  /**
   * Top-1 accuracy FP32 and quantized.
   *
   * @param sc the Spark context
   * @param net the driver's network, built after {@code QuantModules.initialize(config)}
   * @param data batches with features and one-hot labels, one {@link DataSet} per element
   * @param config the configuration the network's quantizers were built with
   * @return the counts
   * @throws IllegalArgumentException if an argument is null, the network has no quantizers, the data holds no
   *     batch, a batch has no labels, or the partitions differ in shape per example (naming them)
   * @throws IllegalStateException if an executor cannot load ND4J's native backend
   */
  public static EvaluationResult evaluate(JavaSparkContext sc, Model net, JavaRDD<DataSet> data, QuantConfig config) {
    return evaluate(sc, net, data, config, (output, labels) -> 0);
  }

  /**
   * Top-1 accuracy and a user metric, FP32 and quantized.
   *
   * @param sc the Spark context
   * @param net the driver's network, built after {@code QuantModules.initialize(config)}
   * @param data batches with features and one-hot labels, one {@link DataSet} per element
   * @param config the configuration the network's quantizers were built with
   * @param metric the user's metric, summed over examples
   * @return the counts and sums (sums added in partition order)
   * @throws IllegalArgumentException as {@link #evaluate(JavaSparkContext, Model, JavaRDD, QuantConfig)}, or if
   *     metric is null
   * @throws IllegalStateException if an executor cannot load ND4J's native backend
   */
  public static EvaluationResult evaluate(JavaSparkContext sc, Model net, JavaRDD<DataSet> data, QuantConfig config,
      ExampleMetric metric) {
    if (data == null || metric == null) {
      throw new IllegalArgumentException((data == null ? "data" : "metric") + " must not be null");
    }
    ShippedNetwork shipped = ShippedNetwork.of(sc, net, config);
    try {
      List<byte[]> encoded = SparkFailures.run(() -> data.mapPartitionsWithIndex(
          (Function2<Integer, Iterator<DataSet>, Iterator<byte[]>>) (partition, batches) ->
              List.of(score(shipped, PartitionBatches.of(partition, batches), metric)).iterator(), false).collect());
      List<PartitionReport> reports = encoded.stream().map(PartitionReport::fromBytes).toList();
      PartitionReport.requireOneShape(reports, "evaluation");
      long examples = 0;
      long fp32 = 0;
      long quantized = 0;
      double fp32Sum = 0;
      double quantizedSum = 0;
      for (PartitionReport r : reports) {
        ByteBuffer b = ByteBuffer.wrap(r.payload());
        examples += r.examples();
        fp32 += b.getLong();
        quantized += b.getLong();
        fp32Sum += b.getDouble();
        quantizedSum += b.getDouble();
      }
      return new EvaluationResult(examples, fp32, quantized, fp32Sum, quantizedSum);
    } finally {
      shipped.release();
    }
  }

  private static byte[] score(ShippedNetwork shipped, PartitionBatches batches, ExampleMetric metric) {
    if (!batches.batches().isEmpty()) {
      Model net = shipped.rebuild();
      return batches.forward(() -> score(net, batches, metric));
    }
    return PartitionReport.of(batches, new byte[32]).toBytes();
  }

  private static byte[] score(Model net, PartitionBatches batches, ExampleMetric metric) {
    long fp32 = 0;
    long quantized = 0;
    double fp32Sum = 0;
    double quantizedSum = 0;
    for (int b = 0; b < batches.batches().size(); b++) {
      INDArray features = batches.batches().get(b).getFeatures();
      INDArray labels = Scoring.labels(batches, b);
      INDArray q = ExecutorNetworks.output(net, features);
      INDArray f = Scoring.fp32Output(net, features);
      quantized += Scoring.correct(q, labels);
      fp32 += Scoring.correct(f, labels);
      quantizedSum += metric.sum(q, labels);
      fp32Sum += metric.sum(f, labels);
    }
    ByteBuffer payload = ByteBuffer.allocate(32).putLong(fp32).putLong(quantized).putDouble(fp32Sum)
        .putDouble(quantizedSum);
    return PartitionReport.of(batches, payload.array()).toBytes();
  }
}
