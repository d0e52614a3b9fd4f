/**
 * {@code quant4j demo}: the whole pytorch-quantization workflow on LeNet-5 — FP32 training (cached),
 * post-training calibration with every method at w8a8 / w4a8 / w4a4, QAT from the best calibration,
 * evaluation beside the reference's figures, QDQ ONNX export checked in ONNX Runtime, the cost of each
 * step measured as interleaved pairs, and the calibration report.
 */
package org.quant4j.examples.demo;
