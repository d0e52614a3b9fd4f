/**
 * The calibration report: one HTML page and one PNG plot per quantizer (XChart). For each quantizer
 * with a histogram calibrator, the histogram of |x| on a log scale with a line at the amax each method
 * would pick, the chosen amax, and for each choice the fraction of values it clips and the mean squared
 * error of fake-quantizing the calibration data with it; for per-channel max calibrators, the amax of
 * every channel. Tables (accuracy, cost) can be added to the page and printed on the console.
 */
package org.quant4j.report;
