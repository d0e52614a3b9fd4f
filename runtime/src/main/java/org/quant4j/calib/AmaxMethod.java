package org.quant4j.calib;

import java.util.Locale;

/**
 * How a calibrator turns what it collected into an amax, as {@code HistogramCalibrator.compute_amax}
 * of pytorch-quantization 2.2.1 names them.
 */
public enum AmaxMethod {
  /** The largest absolute value seen (a {@link MaxCalibrator}'s only method). */
  MAX,
  /** The left edge of the histogram bin where the cumulative distribution reaches a percentile. */
  PERCENTILE,
  /** The bin center that minimises the mean squared error of fake quantization over the histogram. */
  MSE,
  /**
   * The bin edge that minimises the KL divergence between the histogram and its quantized version
   * (Migacz, "8-bit Inference with TensorRT", GTC 2017).
   */
  ENTROPY;

  /**
   * The method for a reference name ({@code "max"}, {@code "percentile"}, {@code "mse"},
   * {@code "entropy"}), case-insensitively.
   *
   * @param name the name
   * @return the method
   * @throws IllegalArgumentException naming the value if it is none of those
   */
  public static AmaxMethod of(String name) {
    if (name != null) {
      for (AmaxMethod m : values()) {
        if (m.name().equalsIgnoreCase(name.trim())) {
          return m;
        }
      }
    }
    throw new IllegalArgumentException(
        "method must be one of max, percentile, mse, entropy; got " + name);
  }

  /**
   * The reference's lower-case name of the method.
   *
   * @return e.g. {@code "percentile"}
   */
  public String referenceName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
