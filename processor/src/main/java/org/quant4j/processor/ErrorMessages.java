package org.quant4j.processor;

import javax.lang.model.element.Modifier;

/**
 * Every compile error the processor reports, worded to say what is wrong and what to do. Kept in
 * one place so the list of errors is the list of methods here.
 */
final class ErrorMessages {

  private ErrorMessages() {}

  static String notAClass(String name, String what) {
    return "@Quantize applies to classes that can be subclassed, but " + name + " is " + what
        + "; annotate a non-final class instead";
  }

  static String finalClass(String name) {
    return cannotExtend(name, "is final", "remove the final modifier");
  }

  static String sealedClass(String name) {
    return cannotExtend(name, "is sealed", "declare it non-sealed or remove sealed");
  }

  static String privateClass(String name) {
    return cannotExtend(name, "is private", "make it package-private, protected or public");
  }

  static String innerClass(String name) {
    return cannotExtend(name, "is an inner class", "declare it static");
  }

  private static String cannotExtend(String name, String why, String fix) {
    return "@Quantize class " + name + " " + why + ", so Quant" + name + " cannot extend it; "
        + fix;
  }

  static String noVisibleConstructor(String name) {
    return "@Quantize class " + name + " has no non-private constructor, so Quant" + name
        + " cannot call super(...); add a constructor that is not private";
  }

  static String nothingToQuantize(String name) {
    return "@Quantize class " + name + " has nothing to quantize; annotate INDArray parameters"
        + " with @QuantInput or a weight accessor with @QuantWeight";
  }

  static String generatedNameTaken(String generated, String name, String existing) {
    return generated + " cannot be generated for @Quantize class " + name + ": " + existing
        + " already exists; rename it or the annotated class";
  }

  static String memberClash(String name, String member, String generated, String declaredIn) {
    return "@Quantize class " + name + " already has " + member + " (declared in " + declaredIn
        + "), which " + generated + " defines; rename it";
  }

  static String constructorClash(String generated, String constructor, String other) {
    return generated + " cannot mirror constructor " + constructor
        + ": with the quantization descriptors appended it has the same signature as " + other
        + "; remove or change one of the two constructors";
  }

  /**
   * The error for an annotated method that cannot be overridden because of {@code modifier}
   * (private, static or final).
   */
  static String notOverridable(String annotation, String method, Modifier modifier) {
    String fix =
        switch (modifier) {
          case PRIVATE -> "make it package-private, protected or public";
          case STATIC -> "make it an instance method";
          default -> "remove the " + modifier + " modifier";
        };
    return annotation + " method " + method + " is " + modifier
        + ", so it cannot be overridden to quantize; " + fix;
  }

  static String abstractMethod(String annotation, String method) {
    return annotation + " method " + method + " is abstract, so there is no code to quantize"
        + " for; annotate the method that implements it";
  }

  static String notIndArrayParameter(String parameter, String method, String type) {
    return "@QuantInput parameter " + parameter + " of " + method + " is " + type
        + ", but only INDArray (or INDArray[]) can be quantized; change its type or remove"
        + " @QuantInput";
  }

  static String notIndArrayReturn(String method, String type) {
    return "@QuantWeight method " + method + " returns " + type
        + ", but a weight accessor must return INDArray; change the return type or remove"
        + " @QuantWeight";
  }

  static String weightWithParameters(String method) {
    return "@QuantWeight method " + method + " takes parameters, but a weight accessor takes"
        + " none; remove the parameters or remove @QuantWeight";
  }

  static String outsideQuantize(String annotation, String type) {
    return annotation + " is used in " + type + ", which is not annotated @Quantize; annotate "
        + type + " with @Quantize or remove " + annotation;
  }

  static String constructorParameter(String type) {
    return "@QuantInput is on a constructor parameter of " + type
        + ", but only method parameters are quantized; move it to the method that computes with"
        + " the input";
  }

  static String numBits(String role, int numBits) {
    return descriptor(role, "numBits = " + numBits) + " is outside [1, 16]; use a bit width from 1"
        + " to 16";
  }

  static String calibMethod(String role, String calibMethod) {
    return descriptor(role, "calibMethod = \"" + calibMethod + "\"")
        + " is unknown; use \"max\" or \"histogram\"";
  }

  static String fakeQuantOnly(String role) {
    return descriptor(role, "fakeQuant = false") + " is not supported: quantized modules only"
        + " fake-quantize, as in the reference; remove fakeQuant = false";
  }

  static String learnAmaxPerChannel(String role, String axis) {
    return descriptor(role, "learnAmax = true, axis = " + axis)
        + ": a learned amax is per tensor; remove the axis or learnAmax";
  }

  static String amaxValue(String role, float value) {
    return descriptor(role, "amax = ...") + " holds " + value
        + "; every amax must be finite and non-negative";
  }

  static String scaleAmax(String role, float value) {
    return descriptor(role, "scaleAmax = " + value)
        + " must be positive and finite; leave it out (NaN) for none";
  }

  /** A {@code @Quantize} descriptor attribute as written in source. */
  private static String descriptor(String role, String attributes) {
    return "@Quantize(" + role + " = @QuantDesc(" + attributes + "))";
  }

  static String writeFailed(String generated, String reason) {
    return "could not write " + generated + ": " + reason;
  }

  static String internalError(String where, String stackTrace) {
    return "internal error in the quant4j annotation processor while processing " + where
        + "; please report it with this stack trace:\n" + stackTrace;
  }
}
