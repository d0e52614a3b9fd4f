package org.quant4j.examples.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quant4j.data.ImageSet;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017, arXiv:1708.07747) from Debian's
 * {@code dataset-fashion-mnist} package: the original gzipped IDX files under
 * {@code /usr/share/datasets/fashion-mnist/}. The same four files placed in
 * {@code <dataDir>/fashion-mnist/} are used first. Each file is checked against its SHA-256.
 */
public final class FashionMnistDebian {

  /** Where Debian's package installs the files. */
  public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The four gzipped IDX files and their SHA-256 digests. */
  static final Map<String, String> SHA256 = new LinkedHashMap<>();

  static {
    SHA256.put("train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7");
    SHA256.put("train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056");
    SHA256.put("t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa");
    SHA256.put("t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05");
  }

  private FashionMnistDebian() {}

  /**
   * Returns Fashion-MNIST from {@code <dataDir>/fashion-mnist/} or, failing that, from Debian's package.
   *
   * @param dataDir the cache directory
   * @return the 60,000 training and 10,000 test images, scaled to [0, 1]
   * @throws DataUnavailableException if neither place has the four verified files; the message says how
   *     to install the package or where to put the files
   * @throws IOException if a file cannot be read
   */
  public static TrainTest load(Path dataDir) throws IOException {
    Path local = dataDir.resolve("fashion-mnist");
    for (Path dir : List.of(local, SYSTEM_DIR)) {
      if (present(dir)) {
        verify(dir);
        return new TrainTest(
            "Fashion-MNIST",
            ImageSet.fromIdx(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"), 255f),
            ImageSet.fromIdx(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"), 255f));
      }
    }
    throw new DataUnavailableException(
        "Fashion-MNIST is not installed. On Debian or Ubuntu run `apt-get install dataset-fashion-mnist` (as root;"
            + " it installs " + SYSTEM_DIR + "/*.gz), or put the four gzipped IDX files ("
            + String.join(", ", SHA256.keySet()) + ", from https://github.com/zalandoresearch/fashion-mnist) in "
            + local + ".", null);
  }

  private static boolean present(Path dir) {
    return SHA256.keySet().stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
  }

  private static void verify(Path dir) throws IOException {
    for (Map.Entry<String, String> e : SHA256.entrySet()) {
      String got = Checksums.sha256(dir.resolve(e.getKey()));
      if (!got.equals(e.getValue())) {
        throw new DataUnavailableException(
            "Fashion-MNIST file " + dir.resolve(e.getKey()) + " has SHA-256 " + got + ", expected " + e.getValue()
                + ". Reinstall it (`apt-get install --reinstall dataset-fashion-mnist`) or replace it with the"
                + " original from https://github.com/zalandoresearch/fashion-mnist.", null);
      }
    }
  }
}
