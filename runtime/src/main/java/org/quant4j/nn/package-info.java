/**
 * {@code TensorQuantizer}, the stateful quantizer a layer applies to its input or weight (quant,
 * calib and clip stages, fixed, calibrated or dynamic amax, straight-through backward), and
 * {@code Clip} with its PACT gradients ({@code ClipGradients}) for learned amax. Nothing here knows
 * DL4J: a quantizer works on any INDArray.
 */
package org.quant4j.nn;
