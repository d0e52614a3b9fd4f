/**
 * quant4j on Apache Spark: calibration ({@link org.quant4j.spark.SparkCalibration}), FP32 and quantized
 * evaluation ({@link org.quant4j.spark.SparkEvaluation}) and per-layer sweeps
 * ({@link org.quant4j.spark.SparkSweep}) over data in a cluster, with the driver's network rebuilt in every task.
 */
package org.quant4j.spark;
