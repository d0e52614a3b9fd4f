/**
 * Calibrators that collect statistics of the tensors a quantizer sees and choose its amax:
 * {@code MaxCalibrator}, {@code HistogramCalibrator} and the {@code AmaxMethod}s.
 */
package org.quant4j.calib;
