package org.quant4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Images in NCHW order with optional class labels: what the demo trains and evaluates on and what
 * {@code quant4j calibrate} feeds a network. Immutable by convention: nothing here writes to the arrays
 * after construction, and {@link #subset} copies.
 *
 * @param pixels {@code size * channels * height * width} values, image after image, each in CHW order
 * @param labels one class index per image in {@code [0, numClasses)}, or {@code null} when unlabelled
 * @param channels channels per image
 * @param height rows per image
 * @param width columns per image
 * @param numClasses the number of classes (the width of one-hot labels); 0 when unlabelled
 */
public record ImageSet(float[] pixels, int[] labels, int channels, int height, int width, int numClasses) {

  /**
   * Checks that the arrays and the shape agree.
   *
   * @throws IllegalArgumentException naming the first field that disagrees
   */
  public ImageSet {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "image shape must be positive, got channels=" + channels + " height=" + height + " width=" + width);
    }
    int item = channels * height * width;
    if (pixels.length % item != 0) {
      throw new IllegalArgumentException(
          "pixels has " + pixels.length + " values, expected a multiple of channels*height*width = " + item);
    }
    if (labels != null) {
      if (labels.length != pixels.length / item) {
        throw new IllegalArgumentException(
            "labels has " + labels.length + " entries, expected one per image: " + pixels.length / item);
      }
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0 || labels[i] >= numClasses) {
          throw new IllegalArgumentException(
              "labels[" + i + "] = " + labels[i] + ", expected a class in [0, " + numClasses + ")");
        }
      }
    }
  }

  /**
   * Reads an images IDX file and, optionally, its labels IDX file, dividing every pixel by
   * {@code scale} (255 maps MNIST's bytes to [0, 1]).
   *
   * @param images IDX file of rank 3 ({@code [n, h, w]}, one channel) or 4 ({@code [n, c, h, w]})
   * @param labels IDX file of rank 1 with {@code n} class indices, or {@code null}
   * @param scale the divisor applied to every pixel, &gt; 0
   * @return the image set; {@code numClasses} is the largest label + 1, at least 1
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if a file is not IDX or the two disagree
   */
  public static ImageSet fromIdx(Path images, Path labels, float scale) throws IOException {
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
    }
    IdxArray img = IdxFile.read(images);
    int[] d = img.dims();
    if (d.length != 3 && d.length != 4) {
      throw new IllegalArgumentException(
          "images " + images + " has IDX dims " + Arrays.toString(d) + ", expected [n, h, w] or [n, c, h, w]");
    }
    float[] px = img.values();
    for (int i = 0; i < px.length; i++) {
      px[i] /= scale;
    }
    int c = d.length == 4 ? d[1] : 1;
    int h = d[d.length - 2];
    int w = d[d.length - 1];
    if (labels == null) {
      return new ImageSet(px, null, c, h, w, 0);
    }
    IdxArray lab = IdxFile.read(labels);
    if (lab.dims().length != 1) {
      throw new IllegalArgumentException(
          "labels " + labels + " has IDX dims " + Arrays.toString(lab.dims()) + ", expected [n]");
    }
    int[] y = new int[lab.count()];
    for (int i = 0; i < y.length; i++) {
      y[i] = (int) lab.values()[i];
    }
    return new ImageSet(px, y, c, h, w, classCount(y));
  }

  /**
   * @param labels class indices
   * @return the largest label + 1, at least 1
   */
  static int classCount(int[] labels) {
    int max = 0;
    for (int y : labels) {
      max = Math.max(max, y);
    }
    return max + 1;
  }

  /** @return the number of images */
  public int size() {
    return pixels.length / imageSize();
  }

  /** @return values per image: {@code channels * height * width} */
  public int imageSize() {
    return channels * height * width;
  }

  /** @return whether the images carry labels */
  public boolean labelled() {
    return labels != null;
  }

  /**
   * @param from first image, inclusive
   * @param to last image, exclusive
   * @return a copy of images {@code [from, to)} with the same shape and class count
   * @throws IllegalArgumentException if the range is not inside {@code [0, size()]}
   */
  public ImageSet subset(int from, int to) {
    if (from < 0 || to > size() || from > to) {
      throw new IllegalArgumentException(
          "subset range [" + from + ", " + to + ") is not inside [0, " + size() + "]");
    }
    int item = imageSize();
    return new ImageSet(
        Arrays.copyOfRange(pixels, from * item, to * item),
        labels == null ? null : Arrays.copyOfRange(labels, from, to),
        channels, height, width, numClasses);
  }

  /** @return the NCHW shape of a batch of {@code batch} images */
  public long[] batchShape(int batch) {
    return new long[] {batch, channels, height, width};
  }

  @Override
  public String toString() {
    return "ImageSet(" + size() + " x " + channels + "x" + height + "x" + width
        + (labelled() ? ", " + numClasses + " classes" : ", unlabelled") + ")";
  }
}
