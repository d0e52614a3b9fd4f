package org.quant4j.processor;

import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;

/**
 * The values of one {@code @QuantDesc}, read from source, checked, and written back as the
 * {@code QuantDescriptor} expression the generated class initializes its default descriptor with.
 *
 * @param numBits the bit width
 * @param axis the quantization axes; empty is per tensor
 * @param unsigned whether unsigned
 * @param narrowRange whether narrow range
 * @param fakeQuant whether fake quantization
 * @param calibMethod "max" or "histogram"
 * @param learnAmax whether amax is learned
 * @param amax the fixed amax values; empty is none
 * @param scaleAmax the amax scale factor; NaN is none
 */
record DescriptorValue(
    int numBits,
    List<Integer> axis,
    boolean unsigned,
    boolean narrowRange,
    boolean fakeQuant,
    String calibMethod,
    boolean learnAmax,
    List<Float> amax,
    float scaleAmax) {

  /** The reference's QUANT_DESC_8BIT_PER_TENSOR, which {@code @QuantDesc} defaults to. */
  static final DescriptorValue DEFAULT =
      new DescriptorValue(8, List.of(), false, false, true, "max", false, List.of(), Float.NaN);

  /**
   * Reads a {@code @QuantDesc} annotation, defaults included.
   *
   * @param mirror the annotation
   * @param valuesWithDefaults {@code Elements.getElementValuesWithDefaults(mirror)}
   * @return its values
   */
  static DescriptorValue read(
      AnnotationMirror mirror,
      Map<? extends ExecutableElement, ? extends AnnotationValue> valuesWithDefaults) {
    DescriptorValue d = DEFAULT;
    int numBits = d.numBits;
    List<Integer> axis = d.axis;
    boolean unsigned = d.unsigned;
    boolean narrowRange = d.narrowRange;
    boolean fakeQuant = d.fakeQuant;
    String calibMethod = d.calibMethod;
    boolean learnAmax = d.learnAmax;
    List<Float> amax = d.amax;
    float scaleAmax = d.scaleAmax;
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        valuesWithDefaults.entrySet()) {
      Object value = e.getValue().getValue();
      // A value javac could not resolve is left at its default: javac reports it itself.
      switch (e.getKey().getSimpleName().toString()) {
        case "numBits" -> numBits = value instanceof Integer v ? v : numBits;
        case "axis" -> axis = elements(value, Integer.class, axis);
        case "unsigned" -> unsigned = value instanceof Boolean v ? v : unsigned;
        case "narrowRange" -> narrowRange = value instanceof Boolean v ? v : narrowRange;
        case "fakeQuant" -> fakeQuant = value instanceof Boolean v ? v : fakeQuant;
        case "calibMethod" -> calibMethod = value instanceof String v ? v : calibMethod;
        case "learnAmax" -> learnAmax = value instanceof Boolean v ? v : learnAmax;
        case "amax" -> amax = elements(value, Float.class, amax);
        case "scaleAmax" -> scaleAmax = value instanceof Float v ? v : scaleAmax;
        default -> {
          // An attribute this processor does not know (a newer annotations jar): ignore it.
        }
      }
    }
    return new DescriptorValue(
        numBits, axis, unsigned, narrowRange, fakeQuant, calibMethod, learnAmax, amax, scaleAmax);
  }

  private static <T> List<T> elements(Object arrayValue, Class<T> type, List<T> otherwise) {
    if (!(arrayValue instanceof List<?> values)) {
      return otherwise;
    }
    List<T> out = new ArrayList<>();
    for (Object element : values) {
      Object value = element instanceof AnnotationValue v ? v.getValue() : null;
      if (!type.isInstance(value)) {
        return otherwise;
      }
      out.add(type.cast(value));
    }
    return List.copyOf(out);
  }

  /**
   * What is wrong with these values for a quantized module, as error messages.
   *
   * @param role the {@code @Quantize} attribute they come from, for the messages
   * @return the problems; empty when the values are usable
   */
  List<String> problems(String role) {
    List<String> problems = new ArrayList<>();
    if (numBits < 1 || numBits > 16) {
      problems.add(ErrorMessages.numBits(role, numBits));
    }
    if (!calibMethod.equals("max") && !calibMethod.equals("histogram")) {
      problems.add(ErrorMessages.calibMethod(role, calibMethod));
    }
    if (!fakeQuant) {
      problems.add(ErrorMessages.fakeQuantOnly(role));
    }
    if (learnAmax && !axis.isEmpty()) {
      problems.add(ErrorMessages.learnAmaxPerChannel(role, axisSource()));
    }
    for (float value : amax) {
      if (!Float.isFinite(value) || value < 0f) {
        problems.add(ErrorMessages.amaxValue(role, value));
      }
    }
    if (!Float.isNaN(scaleAmax) && !(Float.isFinite(scaleAmax) && scaleAmax > 0f)) {
      problems.add(ErrorMessages.scaleAmax(role, scaleAmax));
    }
    return problems;
  }

  /**
   * The expression that builds this descriptor: the reference's constant when it is one, otherwise
   * {@code QuantDescriptor.builder()} with every value that differs from the default.
   *
   * @return a {@code QuantDescriptor} expression
   */
  CodeBlock toCode() {
    if (equals(DEFAULT)) {
      return CodeBlock.of("$T.QUANT_DESC_8BIT_PER_TENSOR", RuntimeTypes.QUANT_DESCRIPTOR);
    }
    CodeBlock.Builder code = CodeBlock.builder().add("$T.builder()", RuntimeTypes.QUANT_DESCRIPTOR);
    if (numBits != DEFAULT.numBits) {
      code.add("$Z.numBits($L)", numBits);
    }
    if (!axis.isEmpty()) {
      code.add("$Z.axis($L)", joined(axis.stream().map(String::valueOf).toList()));
    }
    if (unsigned) {
      code.add("$Z.unsigned(true)");
    }
    if (narrowRange) {
      code.add("$Z.narrowRange(true)");
    }
    if (!calibMethod.equals(DEFAULT.calibMethod)) {
      code.add("$Z.calibMethod($S)", calibMethod);
    }
    if (!amax.isEmpty()) {
      code.add("$Z.amax($L)", joined(amax.stream().map(DescriptorValue::floatLiteral).toList()));
    }
    if (learnAmax) {
      code.add("$Z.learnAmax(true)");
    }
    if (!Float.isNaN(scaleAmax)) {
      code.add("$Z.scaleAmax($L)", floatLiteral(scaleAmax));
    }
    return code.add("$Z.build()").build();
  }

  private String axisSource() {
    return axis.size() == 1 ? String.valueOf(axis.get(0)) : "{" + joined(axis) + "}";
  }

  private static String joined(List<?> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  private static String floatLiteral(float value) {
    return value + "f";
  }
}
