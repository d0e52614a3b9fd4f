/**
 * Quantization descriptors and the tensor-level quantization kernels: {@code QuantDescriptor},
 * {@code TensorQuant} (fake and real quantization with a straight-through backward). Works on any
 * ND4J {@code INDArray}; knows nothing of DL4J.
 */
package org.quant4j.tensor;
