package org.quant4j.calib;

/**
 * How a {@link HistogramCalibrator}'s grid is laid out over the batches it sees.
 */
public enum HistogramGrid {
  /**
   * The reference's way (the default): the first batch sets the bin width, a later batch reaching
   * further grows the grid at that width, and counts are float32. The result depends on which batch
   * came first.
   */
  GROWING,
  /**
   * Two passes: the first finds the largest {@code |x|} each histogram sees
   * ({@link HistogramCalibrator#measureRange()}), the second bins every batch on one grid
   * {@code [0, max]} fixed from it ({@link HistogramCalibrator#fixGrid(float)}), counting exactly. The
   * result does not depend on the order or split of the data, so parts calibrated apart (threads,
   * machines) merge to the same histogram as one calibrator that saw everything.
   */
  FIXED
}
