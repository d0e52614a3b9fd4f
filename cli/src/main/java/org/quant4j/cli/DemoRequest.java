package org.quant4j.cli;

import java.nio.file.Path;

/**
 * What {@code quant4j demo} was asked to do, handed to the {@link DemoRunner} that implements it.
 *
 * @param dataset the data set's name: "mnist", "fashion-mnist" or "digits"
 * @param dataDir the cache directory for data and trained models
 * @param outDir where the report, the ONNX model, the amax file and the tables go
 * @param seed the seed of initialisation and shuffling
 * @param costPairs how many interleaved pairs each cost measurement takes (0 skips the costs)
 * @param retrain whether to train the FP32 and control models even when cached
 */
public record DemoRequest(String dataset, Path dataDir, Path outDir, long seed, int costPairs, boolean retrain) {

  /**
   * @throws IllegalArgumentException if a path is null or costPairs is negative
   */
  public DemoRequest {
    if (dataset == null || dataDir == null || outDir == null) {
      throw new IllegalArgumentException("dataset, dataDir and outDir must be set, got " + dataset + ", "
          + dataDir + ", " + outDir);
    }
    if (costPairs < 0) {
      throw new IllegalArgumentException("costPairs must be >= 0, got " + costPairs);
    }
  }
}
