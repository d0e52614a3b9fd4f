/**
 * The calibration report: one HTML page and PNG plots per quantizer.
 */
package org.quant4j.report;
