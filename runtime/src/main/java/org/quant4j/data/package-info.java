/**
 * Image data sources for the command line and the demo: IDX files (the MNIST format, plain or gzipped)
 * and CSV files, read into an {@link org.quant4j.data.ImageSet} and served to DL4J as a
 * {@link org.nd4j.linalg.dataset.api.iterator.DataSetIterator} of NCHW float32 batches.
 */
package org.quant4j.data;
