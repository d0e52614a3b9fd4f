package org.quant4j.data;

import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Serves an {@link ImageSet} to DL4J as NCHW float32 batches with one-hot labels (no labels when the set
 * is unlabelled). In order by default; with a seed, each pass (each {@link #reset()}) visits the images
 * in a fresh permutation drawn from that seed, as PyTorch's {@code DataLoader(shuffle=True)} does.
 */
public final class ImageSetIterator implements DataSetIterator {

  private static final long serialVersionUID = 1L;

  private final transient ImageSet images;
  private final int batchSize;
  private final boolean shuffle;
  private final SplittableRandom random;
  private final int[] order;
  private int cursor;
  private transient DataSetPreProcessor preProcessor;

  private ImageSetIterator(ImageSet images, int batchSize, boolean shuffle, long seed) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
    }
    this.images = images;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.random = new SplittableRandom(seed);
    this.order = new int[images.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    reset();
  }

  /**
   * @param images the images to serve
   * @param batchSize images per batch (the last batch may be smaller)
   * @return an iterator that serves the images in their stored order
   */
  public static ImageSetIterator inOrder(ImageSet images, int batchSize) {
    return new ImageSetIterator(images, batchSize, false, 0L);
  }

  /**
   * @param images the images to serve
   * @param batchSize images per batch (the last batch may be smaller)
   * @param seed seed of the permutation sequence: the same seed gives the same epochs
   * @return an iterator that serves a fresh permutation on each pass
   */
  public static ImageSetIterator shuffled(ImageSet images, int batchSize, long seed) {
    return new ImageSetIterator(images, batchSize, true, seed);
  }

  /** @return the number of batches in one pass */
  public int batchesPerEpoch() {
    return (images.size() + batchSize - 1) / batchSize;
  }

  @Override
  public DataSet next(int num) {
    if (!hasNext()) {
      throw new java.util.NoSuchElementException("the pass is over; call reset()");
    }
    int n = Math.min(num, order.length - cursor);
    int item = images.imageSize();
    float[] x = new float[n * item];
    float[] y = images.labelled() ? new float[n * images.numClasses()] : null;
    for (int i = 0; i < n; i++) {
      int src = order[cursor + i];
      System.arraycopy(images.pixels(), src * item, x, i * item, item);
      if (y != null) {
        y[i * images.numClasses() + images.labels()[src]] = 1f;
      }
    }
    cursor += n;
    INDArray features = Nd4j.create(x, images.batchShape(n), 'c');
    INDArray labels = y == null ? null : Nd4j.create(y, new long[] {n, images.numClasses()}, 'c');
    DataSet ds = new DataSet(features, labels);
    if (preProcessor != null) {
      preProcessor.preProcess(ds);
    }
    return ds;
  }

  @Override
  public DataSet next() {
    return next(batchSize);
  }

  @Override
  public boolean hasNext() {
    return cursor < order.length;
  }

  @Override
  public int inputColumns() {
    return images.imageSize();
  }

  @Override
  public int totalOutcomes() {
    return images.numClasses();
  }

  @Override
  public boolean resetSupported() {
    return true;
  }

  @Override
  public boolean asyncSupported() {
    return true;
  }

  /** Starts a new pass; shuffled iterators draw the next permutation (Fisher–Yates). */
  @Override
  public void reset() {
    cursor = 0;
    if (shuffle) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
  }

  @Override
  public int batch() {
    return batchSize;
  }

  @Override
  public void setPreProcessor(DataSetPreProcessor preProcessor) {
    this.preProcessor = preProcessor;
  }

  @Override
  public DataSetPreProcessor getPreProcessor() {
    return preProcessor;
  }

  /** @return the class indices as strings, "0" to numClasses - 1 */
  @Override
  public List<String> getLabels() {
    return java.util.stream.IntStream.range(0, images.numClasses()).mapToObj(Integer::toString).toList();
  }
}
