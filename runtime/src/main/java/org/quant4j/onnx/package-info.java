/**
 * Export of quantized DL4J networks to ONNX with QuantizeLinear/DequantizeLinear pairs.
 */
package org.quant4j.onnx;
