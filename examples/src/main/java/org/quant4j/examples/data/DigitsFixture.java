package org.quant4j.examples.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.quant4j.data.CsvImages;
import org.quant4j.data.ImageSet;
import org.quant4j.data.LabelColumn;

/**
 * scikit-learn's 8×8 digits (1,797 images, BSD-3; see {@code digits-LICENSE.txt} beside the data), bundled
 * so that the whole demo runs in seconds with nothing from outside. Each 8×8 image (values 0..16) is
 * scaled to [0, 1], enlarged 3× by pixel repetition to 24×24 and centred in 28×28 with zeros, the layout
 * the LeNet-5 of the recipe expects. The first 1,437 images train, the last 360 test (an 80/20 split).
 */
public final class DigitsFixture {

  /** The resource name of the bundled CSV. */
  static final String RESOURCE = "digits.csv.gz";

  /** Images used for training; the rest are the test set. */
  public static final int TRAIN_SIZE = 1437;

  private static final int SIDE = 28;
  private static final int ZOOM = 3;
  private static final int PAD = (SIDE - 8 * ZOOM) / 2;

  private DigitsFixture() {}

  /**
   * @return the digits, 28×28, split 1,437 / 360
   * @throws IOException if the bundled resource cannot be read
   */
  public static TrainTest load() throws IOException {
    ImageSet small;
    try (InputStream raw = DigitsFixture.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new IOException("resource " + RESOURCE + " is missing from the quant4j-examples jar");
      }
      BufferedReader in = new BufferedReader(
          new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
      small = CsvImages.read(in, RESOURCE, 1, 8, 8, 16f, LabelColumn.LAST);
    }
    ImageSet big = enlarge(small);
    return new TrainTest("digits (scikit-learn 8x8)", big.subset(0, TRAIN_SIZE), big.subset(TRAIN_SIZE, big.size()));
  }

  private static ImageSet enlarge(ImageSet small) {
    int n = small.size();
    float[] out = new float[n * SIDE * SIDE];
    float[] in = small.pixels();
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < 8 * ZOOM; r++) {
        for (int c = 0; c < 8 * ZOOM; c++) {
          out[i * SIDE * SIDE + (r + PAD) * SIDE + c + PAD] = in[i * 64 + (r / ZOOM) * 8 + c / ZOOM];
        }
      }
    }
    return new ImageSet(out, small.labels(), 1, SIDE, SIDE, small.numClasses());
  }
}
