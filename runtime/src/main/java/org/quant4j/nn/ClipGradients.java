package org.quant4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The gradients of a clip, {@code out = max(min(x, clipMax), clipMin)}, following PACT (Choi et al.,
 * "PACT: Parameterized Clipping Activation for Quantized Neural Networks", arXiv:1805.06085): the
 * input gets {@code g} strictly inside (clipMin, clipMax), each bound gets the sum of {@code g} where
 * the input is not strictly inside on its side (NaN inputs count on both sides).
 *
 * @param input the gradient with respect to the input, shaped like it
 * @param clipMin the gradient with respect to clipMin
 * @param clipMax the gradient with respect to clipMax
 */
public record ClipGradients(INDArray input, float clipMin, float clipMax) {}
