/**
 * Post-training quantization of FP32 ONNX models: {@link org.quant4j.onnx.ptq.OnnxQuantizer} places
 * QuantizeLinear/DequantizeLinear pairs on the graph, calibrates them in ONNX Runtime with quant4j's
 * calibrators and writes the QDQ model; {@link org.quant4j.onnx.ptq.OrtSessions} opens every ONNX
 * Runtime session; {@link org.quant4j.onnx.ptq.OnnxClassifier} evaluates classifiers. The images the
 * command line calibrates on are read by {@link org.quant4j.data.ImageFiles}.
 */
package org.quant4j.onnx.ptq;
