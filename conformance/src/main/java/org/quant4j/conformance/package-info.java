/**
 * Replays the reference's golden files (pytorch-quantization 2.2.1) against quant4j, case by case, and
 * runs exported ONNX models in ONNX Runtime to verify them. Not part of what applications ship: the
 * {@code quant4j conformance} command and the tests use it.
 */
package org.quant4j.conformance;
