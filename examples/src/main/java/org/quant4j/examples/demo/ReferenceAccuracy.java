package org.quant4j.examples.demo;

import java.util.Map;
import org.quant4j.examples.data.DemoDataset;

/**
 * The reference's top-1 figures on the demo's recipe (pytorch-quantization 2.2.1, torch 1.13.1 CPU,
 * 2 threads), as DESIGN.md records them, keyed by the demo's row names.
 */
final class ReferenceAccuracy {

  /** Row name → {MNIST, Fashion-MNIST} top-1 %. */
  private static final Map<String, double[]> ROWS = Map.ofEntries(
      Map.entry("fp32", new double[] {98.63, 86.28}),
      Map.entry("fp32 + control epoch", new double[] {98.63, 86.56}),
      Map.entry("w8a8 max", new double[] {98.68, 86.25}),
      Map.entry("w8a8 pct 99.9", new double[] {98.65, 86.25}),
      Map.entry("w8a8 pct 99.99", new double[] {98.63, 86.39}),
      Map.entry("w8a8 mse", new double[] {98.62, 86.21}),
      Map.entry("w8a8 entropy", new double[] {98.63, 86.32}),
      Map.entry("w4a8 max", new double[] {98.57, 84.86}),
      Map.entry("w4a8 pct 99.9", new double[] {98.60, 84.77}),
      Map.entry("w4a8 pct 99.99", new double[] {98.58, 84.89}),
      Map.entry("w4a8 mse", new double[] {98.58, 84.87}),
      Map.entry("w4a8 entropy", new double[] {98.57, 84.74}),
      Map.entry("w4a4 max", new double[] {98.17, 81.50}),
      Map.entry("w4a4 pct 99.9", new double[] {98.32, 83.31}),
      Map.entry("w4a4 pct 99.99", new double[] {98.01, 82.65}),
      Map.entry("w4a4 mse", new double[] {98.43, 82.91}),
      Map.entry("w4a4 entropy", new double[] {98.08, 82.02}),
      Map.entry("qat w4a4", new double[] {98.49, 84.18}),
      Map.entry("qat w4a8", new double[] {98.56, 86.31}),
      Map.entry("qat w8a8", new double[] {98.64, 86.37}));

  private ReferenceAccuracy() {}

  /**
   * @param dataset the data set
   * @param row the row name ("w4a4 pct 99.9")
   * @return the reference's top-1 %, or {@code null} when it has no figure (the bundled digits)
   */
  static Double of(DemoDataset dataset, String row) {
    double[] r = ROWS.get(row);
    return switch (dataset) {
      case MNIST -> r == null ? null : r[0];
      case FASHION_MNIST -> r == null ? null : r[1];
      case DIGITS -> null;
    };
  }
}
