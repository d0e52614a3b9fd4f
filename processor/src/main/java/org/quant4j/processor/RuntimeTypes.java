package org.quant4j.processor;

import com.palantir.javapoet.ClassName;

/**
 * The run-time types generated code refers to. The processor names them and never loads them: it
 * does not depend on the runtime or on ND4J, which only the code it generates links against.
 */
final class RuntimeTypes {

  /** ND4J's array type, the only type {@code @QuantInput} and {@code @QuantWeight} accept. */
  static final ClassName INDARRAY = ClassName.get("org.nd4j.linalg.api.ndarray", "INDArray");

  /** quant4j's immutable quantization descriptor. */
  static final ClassName QUANT_DESCRIPTOR = ClassName.get("org.quant4j.tensor", "QuantDescriptor");

  /** quant4j's stateful quantizer. */
  static final ClassName TENSOR_QUANTIZER = ClassName.get("org.quant4j.nn", "TensorQuantizer");

  /** The interface every generated class implements. */
  static final ClassName QUANT_MODULE = ClassName.get("org.quant4j.nn", "QuantModule");

  private RuntimeTypes() {}
}
