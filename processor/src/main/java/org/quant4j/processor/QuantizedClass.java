package org.quant4j.processor;

import java.util.List;
import java.util.Map;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * A {@code @Quantize} class that passed every check: what the generated {@code Quant<Name>} class
 * is made from.
 *
 * @param type the annotated class
 * @param generatedName the simple name of the class to generate, {@code Quant<Name>}
 * @param constructors its non-private constructors, in declaration order
 * @param inputMethods its methods with {@code @QuantInput} parameters, in declaration order
 * @param weightMethods its {@code @QuantWeight} accessors, in declaration order
 * @param descriptors the descriptor of each role the class uses, in {@link Role} order
 */
record QuantizedClass(
    TypeElement type,
    String generatedName,
    List<ExecutableElement> constructors,
    List<ExecutableElement> inputMethods,
    List<ExecutableElement> weightMethods,
    Map<Role, DescriptorValue> descriptors) {

  /**
   * The roles this class has a quantizer for, in the order of {@code quantizers()}.
   *
   * @return the roles
   */
  List<Role> roles() {
    return List.copyOf(descriptors.keySet());
  }
}
