package org.quant4j.spark;

/**
 * What a {@link SparkCalibration#collectStats} call read.
 *
 * @param partitions the number of partitions of the data
 * @param batches the number of batches run through the network (in each pass)
 * @param examples the number of examples in those batches
 */
public record CalibrationSummary(int partitions, long batches, long examples) {}
