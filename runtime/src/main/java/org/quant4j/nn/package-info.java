/**
 * {@code TensorQuantizer}, the stateful quantizer a layer applies to its input or weight, and
 * {@code Clip} for learned amax.
 */
package org.quant4j.nn;
