/**
 * Image data sources for the command line, the demo and the ONNX path: IDX files (the MNIST format,
 * plain or gzipped), CSV files, numpy {@code .npy}/{@code .npz} arrays ({@link org.quant4j.data.NumpyArray})
 * and folders of image files ({@link org.quant4j.data.ImageFiles} reads any of these), read into an
 * {@link org.quant4j.data.ImageSet} and served to DL4J as a
 * {@link org.nd4j.linalg.dataset.api.iterator.DataSetIterator} of NCHW float32 batches.
 */
package org.quant4j.data;
