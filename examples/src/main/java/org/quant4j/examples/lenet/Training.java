package org.quant4j.examples.lenet;

import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.internal.ProgressBars;

/**
 * Trains a network for whole epochs over shuffled batches of the recipe's size, with a progress bar per
 * epoch (no per-iteration listeners: the loss is read from the network every 50 batches).
 */
public final class Training {

  private Training() {}

  /**
   * The number of iterations {@code epochs} epochs of {@code train} take: the length a cosine schedule
   * needs to decay over them.
   *
   * @param train the training images
   * @param epochs the epochs
   * @return iterations, at {@link LeNet5#BATCH_SIZE} images each
   */
  public static int iterations(ImageSet train, int epochs) {
    return epochs * ((train.size() + LeNet5.BATCH_SIZE - 1) / LeNet5.BATCH_SIZE);
  }

  /**
   * Fits the network.
   *
   * @param net the network, changed in place
   * @param train the training images
   * @param epochs how many passes
   * @param seed the shuffling seed
   * @param task the progress bar's label
   */
  public static void fit(MultiLayerNetwork net, ImageSet train, int epochs, long seed, String task) {
    ImageSetIterator it = ImageSetIterator.shuffled(train, LeNet5.BATCH_SIZE, seed);
    for (int e = 0; e < epochs; e++) {
      if (e > 0) {
        it.reset();
      }
      try (ProgressBar bar = bar(task + " epoch " + (e + 1) + "/" + epochs, it.batchesPerEpoch())) {
        runEpoch(net, it, bar);
      }
    }
  }

  /**
   * Fits the network for one epoch, stepping a progress bar that other fits may share (each fit steps
   * it once per batch; the bar's message shows the loss of whichever fit reported last).
   *
   * @param net the network, changed in place
   * @param train the training images
   * @param seed the shuffling seed
   * @param bar the progress bar to step
   */
  public static void fitOneEpoch(MultiLayerNetwork net, ImageSet train, long seed, ProgressBar bar) {
    runEpoch(net, ImageSetIterator.shuffled(train, LeNet5.BATCH_SIZE, seed), bar);
  }

  /**
   * How many batches one epoch of {@code train} has.
   *
   * @param train the training images
   * @return the batches per epoch, at {@link LeNet5#BATCH_SIZE} images each
   */
  public static int batchesPerEpoch(ImageSet train) {
    return iterations(train, 1);
  }

  private static void runEpoch(MultiLayerNetwork net, ImageSetIterator it, ProgressBar bar) {
    int b = 0;
    while (it.hasNext()) {
      DataSet ds = it.next();
      net.fit(ds);
      if (++b % 50 == 0) {
        bar.setExtraMessage(String.format(" loss %.4f", net.score()));
      }
      bar.step();
    }
  }

  /**
   * @param task the label
   * @param steps the number of steps
   * @return a progress bar on standard error: live on a terminal, a line per tenth of the work in a log
   */
  public static ProgressBar bar(String task, long steps) {
    return ProgressBars.builder(task, steps).build();
  }
}
