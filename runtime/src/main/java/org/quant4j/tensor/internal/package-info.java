/**
 * Not API: the one-pass host-memory kernels behind {@code TensorQuant} and the calibrators, in two
 * interchangeable, bit-identical implementations (Vector API and scalar), chosen once per JVM by
 * {@link org.quant4j.tensor.internal.HostKernels#get()}. May change in any release.
 */
package org.quant4j.tensor.internal;
