package org.quant4j.examples.plainapp;

import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A synthetic classification task: each class is a Gaussian blob around a random centre, the blobs overlapping
 * enough that a small network gets about nine in ten right. Fully determined by its seed.
 */
final class GaussianBlobs {
  /** Features per sample. */
  static final int FEATURES = 8;
  /** Classes. */
  static final int CLASSES = 4;

  private static final double CENTRE_SPREAD = 1.5;
  private static final double NOISE = 1.6;

  private final double[][] centres = new double[CLASSES][FEATURES];

  /**
   * The task for a seed.
   *
   * @param seed fixes the class centres
   */
  GaussianBlobs(long seed) {
    Random random = new Random(seed);
    for (double[] centre : centres) {
      for (int f = 0; f < FEATURES; f++) {
        centre[f] = CENTRE_SPREAD * random.nextGaussian();
      }
    }
  }

  /**
   * Samples of the task, the classes in turn, features float32 [n, FEATURES], labels one-hot [n, CLASSES].
   *
   * @param n how many samples
   * @param seed fixes the samples (use different seeds for training and test sets)
   * @return the samples
   */
  DataSet sample(int n, long seed) {
    Random random = new Random(seed);
    float[][] features = new float[n][FEATURES];
    float[][] labels = new float[n][CLASSES];
    for (int i = 0; i < n; i++) {
      int label = i % CLASSES;
      labels[i][label] = 1f;
      for (int f = 0; f < FEATURES; f++) {
        features[i][f] = (float) (centres[label][f] + NOISE * random.nextGaussian());
      }
    }
    INDArray x = Nd4j.create(features);
    INDArray y = Nd4j.create(labels);
    return new DataSet(x, y);
  }
}
