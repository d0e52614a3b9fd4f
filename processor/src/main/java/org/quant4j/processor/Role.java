package org.quant4j.processor;

/**
 * What a generated quantizer quantizes, with the names the generated code and the reference give it.
 * The order of the constants is the order of the quantizers in {@code quantizers()}.
 */
enum Role {
  /** The {@code @QuantInput} parameters. */
  INPUT("input", "@QuantInput", "_input_quantizer", "inputQuantizer", "quantDescInput"),
  /** The {@code @QuantWeight} accessors. */
  WEIGHT("weight", "@QuantWeight", "_weight_quantizer", "weightQuantizer", "quantDescWeight");

  private final String attribute;
  private final String annotation;
  private final String referenceName;
  private final String fieldName;
  private final String descriptorParameter;

  Role(
      String attribute,
      String annotation,
      String referenceName,
      String fieldName,
      String descriptorParameter) {
    this.attribute = attribute;
    this.annotation = annotation;
    this.referenceName = referenceName;
    this.fieldName = fieldName;
    this.descriptorParameter = descriptorParameter;
  }

  /**
   * The {@code @Quantize} attribute holding this role's descriptor.
   *
   * @return "input" or "weight"
   */
  String attribute() {
    return attribute;
  }

  /**
   * The annotation that selects what this role quantizes, as written in source.
   *
   * @return "@QuantInput" or "@QuantWeight"
   */
  String annotation() {
    return annotation;
  }

  /**
   * The quantizer's name in {@code quantizers()}: the reference module's attribute name.
   *
   * @return "_input_quantizer" or "_weight_quantizer"
   */
  String referenceName() {
    return referenceName;
  }

  /**
   * The name of the generated field and of its accessor.
   *
   * @return "inputQuantizer" or "weightQuantizer"
   */
  String fieldName() {
    return fieldName;
  }

  /**
   * The name of the descriptor parameter of the generated constructors, after the reference's
   * {@code quant_desc_input} / {@code quant_desc_weight} keyword arguments.
   *
   * @return "quantDescInput" or "quantDescWeight"
   */
  String descriptorParameter() {
    return descriptorParameter;
  }

  /**
   * The name of the generated constant holding the descriptor {@code @Quantize} declares, after the
   * reference's {@code default_quant_desc_input} / {@code default_quant_desc_weight}.
   *
   * @return "DEFAULT_QUANT_DESC_INPUT" or "DEFAULT_QUANT_DESC_WEIGHT"
   */
  String defaultConstant() {
    return "DEFAULT_QUANT_DESC_" + name();
  }
}
