/**
 * Deeplearning4j integration: patching DL4J layer classes so that they carry quantizers, naming those
 * quantizers, calibration over a network, and saving quantizer state.
 */
package org.quant4j.dl4j;
