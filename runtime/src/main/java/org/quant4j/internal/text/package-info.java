/**
 * Text renderings that match the reference's Python stack character for character: Python's float
 * {@code repr} and {@code '{:.Nf}'}, numpy's {@code str()} of float32 scalars and arrays, and torch's
 * {@code str()} of a float tensor. The {@code toString()} of descriptors, quantizers and calibrators
 * is built from them so that it equals what pytorch-quantization 2.2.1 prints. The strings are part of
 * quant4j's contract; these classes are not API and may change in any release.
 */
package org.quant4j.internal.text;
