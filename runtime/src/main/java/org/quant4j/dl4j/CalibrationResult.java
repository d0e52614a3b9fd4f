package org.quant4j.dl4j;

import java.util.List;

/**
 * What {@link Calibration#computeAmax} did: the quantizers whose amax was loaded from their
 * calibrator, and those whose calibrator saw no data (they keep the amax they had).
 *
 * @param calibrated names of quantizers that received a calibrated amax, in forward order
 * @param sawNoData names of quantizers whose calibrator saw no data, in forward order
 */
public record CalibrationResult(List<String> calibrated, List<String> sawNoData) {

  /**
   * Copies the lists.
   */
  public CalibrationResult {
    calibrated = List.copyOf(calibrated);
    sawNoData = List.copyOf(sawNoData);
  }
}
