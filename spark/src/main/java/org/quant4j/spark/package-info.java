/**
 * quant4j on Apache Spark: calibration ({@link org.quant4j.spark.SparkCalibration}), FP32 and quantized
 * evaluation ({@link org.quant4j.spark.SparkEvaluation}), per-layer sweeps ({@link org.quant4j.spark.SparkSweep})
 * and per-layer sensitivity ({@link org.quant4j.spark.SparkSensitivity}) over data in a cluster, with the
 * driver's network rebuilt in every task.
 */
package org.quant4j.spark;
