package org.quant4j.report;

/**
 * What one amax choice does to one quantizer's calibration data.
 *
 * @param choice the method that picked it
 * @param amax the amax it picked
 * @param clippedFraction the fraction of calibration values with |x| above amax, in [0, 1]
 * @param mse the mean squared error between the calibration values and their fake-quantized values
 */
public record AmaxCandidate(AmaxChoice choice, float amax, double clippedFraction, double mse) {}
