package org.quant4j.processor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;
import org.quant4j.annotations.QuantInput;
import org.quant4j.annotations.QuantWeight;
import org.quant4j.annotations.Quantize;

/**
 * Checks {@code @Quantize} classes and the {@code @QuantInput} / {@code @QuantWeight} annotations
 * against what the generated subclass needs, reporting each problem as a compile error on the
 * element at fault. Every check runs, so one compile shows all the problems.
 */
final class QuantizeChecker {

  static final String QUANTIZE = Quantize.class.getCanonicalName();
  static final String QUANT_INPUT = QuantInput.class.getCanonicalName();
  static final String QUANT_WEIGHT = QuantWeight.class.getCanonicalName();

  private final Elements elements;
  private final Types types;
  private final Messager messager;

  QuantizeChecker(ProcessingEnvironment env) {
    this.elements = env.getElementUtils();
    this.types = env.getTypeUtils();
    this.messager = env.getMessager();
  }

  /**
   * Reports a {@code @QuantInput} that is on a constructor parameter or in a class without
   * {@code @Quantize}.
   *
   * @param parameter the annotated parameter
   */
  void checkInputPlacement(Element parameter) {
    Element executable = parameter.getEnclosingElement();
    Element type = executable.getEnclosingElement();
    if (executable.getKind() == ElementKind.CONSTRUCTOR) {
      error(parameter, ErrorMessages.constructorParameter(type.getSimpleName().toString()));
    } else if (!hasAnnotation(type, QUANTIZE)) {
      error(parameter, ErrorMessages.outsideQuantize("@QuantInput", type.getSimpleName().toString()));
    }
  }

  /**
   * Reports a {@code @QuantWeight} in a class without {@code @Quantize}.
   *
   * @param method the annotated method
   */
  void checkWeightPlacement(Element method) {
    Element type = method.getEnclosingElement();
    if (!hasAnnotation(type, QUANTIZE)) {
      error(method, ErrorMessages.outsideQuantize("@QuantWeight", type.getSimpleName().toString()));
    }
  }

  /**
   * Whether a {@code @Quantize} element refers to types the compiler cannot resolve yet, which
   * another processor may generate in a later round.
   *
   * @param element the annotated element
   * @return whether to look at it again in the next round
   */
  boolean hasUnresolvedTypes(Element element) {
    if (!(element instanceof TypeElement type) || type.getKind() != ElementKind.CLASS) {
      return false;
    }
    if (isUnresolved(type.getSuperclass())) {
      return true;
    }
    for (ExecutableElement e : ElementFilter.constructorsIn(type.getEnclosedElements())) {
      if (signatureUnresolved(e)) {
        return true;
      }
    }
    for (ExecutableElement e : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (isAnnotatedMethod(e) && signatureUnresolved(e)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks a {@code @Quantize} element, reporting every problem found.
   *
   * @param element the annotated element
   * @param generatedElsewhere the qualified names of the classes generated earlier in this
   *     compilation, mapped to the class each was generated for
   * @return the class to generate from, or empty if any problem was reported
   */
  Optional<QuantizedClass> check(Element element, Map<String, String> generatedElsewhere) {
    String name = element.getSimpleName().toString();
    if (element.getKind() != ElementKind.CLASS) {
      error(element, ErrorMessages.notAClass(name, kindName(element.getKind())));
      return Optional.empty();
    }
    TypeElement type = (TypeElement) element;
    boolean ok = checkClassModifiers(type, name);

    List<ExecutableElement> constructors =
        ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
            .filter(c -> !c.getModifiers().contains(Modifier.PRIVATE))
            .toList();
    if (constructors.isEmpty() && !isPrivate(type)) {
      error(type, ErrorMessages.noVisibleConstructor(name));
      ok = false;
    }

    List<ExecutableElement> inputMethods = new ArrayList<>();
    List<ExecutableElement> weightMethods = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      boolean weight = hasAnnotation(method, QUANT_WEIGHT);
      boolean input = method.getParameters().stream().anyMatch(p -> hasAnnotation(p, QUANT_INPUT));
      if (weight || input) {
        ok &= checkMethod(method, weight ? "@QuantWeight" : "@QuantInput");
        (weight ? weightMethods : inputMethods).add(method);
      }
    }
    if (inputMethods.isEmpty() && weightMethods.isEmpty()) {
      error(type, ErrorMessages.nothingToQuantize(name));
      ok = false;
    }

    Map<Role, DescriptorValue> descriptors = new EnumMap<>(Role.class);
    ok &= readDescriptors(type, !inputMethods.isEmpty(), !weightMethods.isEmpty(), descriptors);

    String generatedName = "Quant" + name;
    ok &= checkGeneratedName(type, generatedName, generatedElsewhere);
    ok &= checkMembers(type, name, generatedName, descriptors.keySet());
    ok &= checkConstructorSignatures(constructors, generatedName, descriptors.size());
    if (!ok) {
      return Optional.empty();
    }
    return Optional.of(
        new QuantizedClass(
            type,
            generatedName,
            constructors,
            List.copyOf(inputMethods),
            List.copyOf(weightMethods),
            Collections.unmodifiableMap(descriptors)));
  }

  private boolean checkClassModifiers(TypeElement type, String name) {
    boolean ok = true;
    Set<Modifier> modifiers = type.getModifiers();
    if (modifiers.contains(Modifier.FINAL)) {
      error(type, ErrorMessages.finalClass(name));
      ok = false;
    }
    if (modifiers.contains(Modifier.SEALED)) {
      error(type, ErrorMessages.sealedClass(name));
      ok = false;
    }
    if (type.getNestingKind() == NestingKind.MEMBER && !modifiers.contains(Modifier.STATIC)) {
      error(type, ErrorMessages.innerClass(name));
      ok = false;
    }
    if (isPrivate(type)) {
      // The implicit constructor of a private class is private too: this error says it all.
      error(type, ErrorMessages.privateClass(name));
      ok = false;
    }
    return ok;
  }

  /** Whether the class or a class around it is private, out of reach of the package. */
  private static boolean isPrivate(TypeElement type) {
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        return true;
      }
    }
    return false;
  }

  private boolean checkMethod(ExecutableElement method, String annotation) {
    boolean ok = true;
    String described = describe(method);
    Set<Modifier> modifiers = method.getModifiers();
    for (Modifier modifier : List.of(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)) {
      if (modifiers.contains(modifier)) {
        error(method, ErrorMessages.notOverridable(annotation, described, modifier));
        ok = false;
      }
    }
    if (modifiers.contains(Modifier.ABSTRACT)) {
      error(method, ErrorMessages.abstractMethod(annotation, described));
      ok = false;
    }
    if (hasAnnotation(method, QUANT_WEIGHT)) {
      if (!method.getParameters().isEmpty()) {
        error(method, ErrorMessages.weightWithParameters(described));
        ok = false;
      }
      if (!isIndArray(method.getReturnType())) {
        error(method, ErrorMessages.notIndArrayReturn(described, simpleName(method.getReturnType())));
        ok = false;
      }
    }
    for (VariableElement parameter : method.getParameters()) {
      TypeMirror t = parameter.asType();
      boolean quantizable =
          isIndArray(t) || (t.getKind() == TypeKind.ARRAY && isIndArray(((ArrayType) t).getComponentType()));
      if (hasAnnotation(parameter, QUANT_INPUT) && !quantizable) {
        error(
            parameter,
            ErrorMessages.notIndArrayParameter(
                parameter.getSimpleName().toString(), described, simpleName(t)));
        ok = false;
      }
    }
    return ok;
  }

  private boolean readDescriptors(
      TypeElement type, boolean hasInput, boolean hasWeight, Map<Role, DescriptorValue> out) {
    AnnotationMirror quantize = annotation(type, QUANTIZE);
    Map<? extends ExecutableElement, ? extends AnnotationValue> values =
        elements.getElementValuesWithDefaults(quantize);
    Map<? extends ExecutableElement, ? extends AnnotationValue> explicit =
        quantize.getElementValues();
    boolean ok = true;
    for (Role role : Role.values()) {
      for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : values.entrySet()) {
        if (!e.getKey().getSimpleName().contentEquals(role.attribute())) {
          continue;
        }
        AnnotationMirror desc = (AnnotationMirror) e.getValue().getValue();
        DescriptorValue value =
            DescriptorValue.read(desc, elements.getElementValuesWithDefaults(desc));
        List<String> problems = value.problems(role.attribute());
        for (String problem : problems) {
          AnnotationValue at = explicit.get(e.getKey());
          if (at == null) {
            messager.printMessage(Diagnostic.Kind.ERROR, problem, type, quantize);
          } else {
            messager.printMessage(Diagnostic.Kind.ERROR, problem, type, quantize, at);
          }
        }
        ok &= problems.isEmpty();
        if ((role == Role.INPUT && hasInput) || (role == Role.WEIGHT && hasWeight)) {
          out.put(role, value);
        }
      }
    }
    return ok;
  }

  private boolean checkGeneratedName(
      TypeElement type, String generatedName, Map<String, String> generatedElsewhere) {
    String pkg = elements.getPackageOf(type).getQualifiedName().toString();
    String qualified = pkg.isEmpty() ? generatedName : pkg + "." + generatedName;
    String source = generatedElsewhere.get(qualified);
    if (source != null) {
      error(
          type,
          ErrorMessages.generatedNameTaken(
              generatedName,
              type.getSimpleName().toString(),
              qualified + " (generated for " + source + ")"));
      return false;
    }
    TypeElement existing = elements.getTypeElement(qualified);
    if (existing != null && !isEarlierOutputFor(existing, type)) {
      error(
          type,
          ErrorMessages.generatedNameTaken(
              generatedName, type.getSimpleName().toString(), qualified));
      return false;
    }
    return true;
  }

  /**
   * Whether a type is what this processor generated for the class in an earlier build (found as
   * a class file or a stale generated source): it extends the class and implements QuantModule.
   */
  private boolean isEarlierOutputFor(TypeElement existing, TypeElement type) {
    TypeMirror superclass = existing.getSuperclass();
    if (superclass.getKind() != TypeKind.DECLARED
        || !((DeclaredType) superclass).asElement().equals(type)) {
      return false;
    }
    // QuantModule may be unresolved (an error type) when the runtime is missing: match by name.
    return existing.getInterfaces().stream()
        .map(i -> types.erasure(i).toString())
        .anyMatch(
            name ->
                name.equals(RuntimeTypes.QUANT_MODULE.canonicalName())
                    || name.equals(RuntimeTypes.QUANT_MODULE.simpleName()));
  }

  private boolean checkMembers(
      TypeElement type, String name, String generatedName, Set<Role> roles) {
    List<String> generated = new ArrayList<>();
    for (Role role : roles) {
      generated.add(role.fieldName());
    }
    generated.add("quantizers");
    boolean ok = true;
    for (ExecutableElement method : ElementFilter.methodsIn(elements.getAllMembers(type))) {
      String methodName = method.getSimpleName().toString();
      if (method.getParameters().isEmpty() && generated.contains(methodName)) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        Element at = owner.equals(type) ? method : type;
        error(
            at,
            ErrorMessages.memberClash(
                name, methodName + "()", generatedName, owner.getSimpleName().toString()));
        ok = false;
      }
    }
    return ok;
  }

  private boolean checkConstructorSignatures(
      List<ExecutableElement> constructors, String generatedName, int descriptorCount) {
    if (descriptorCount == 0) {
      return true; // nothing to quantize, reported already
    }
    Map<String, ExecutableElement> mirrored = new HashMap<>();
    for (ExecutableElement c : constructors) {
      mirrored.put(erasedParameters(c, 0), c);
    }
    boolean ok = true;
    for (ExecutableElement c : constructors) {
      ExecutableElement other = mirrored.get(erasedParameters(c, descriptorCount));
      if (other != null) {
        error(c, ErrorMessages.constructorClash(generatedName, describe(c), describe(other)));
        ok = false;
      }
    }
    return ok;
  }

  private String erasedParameters(ExecutableElement executable, int descriptors) {
    List<String> names =
        executable.getParameters().stream()
            .map(p -> types.erasure(p.asType()).toString())
            .collect(Collectors.toCollection(ArrayList::new));
    for (int i = 0; i < descriptors; i++) {
      names.add(RuntimeTypes.QUANT_DESCRIPTOR.canonicalName());
    }
    return String.join(",", names);
  }

  private boolean signatureUnresolved(ExecutableElement e) {
    if (isUnresolved(e.getReturnType())) {
      return true;
    }
    for (VariableElement p : e.getParameters()) {
      if (isUnresolved(p.asType())) {
        return true;
      }
    }
    return e.getThrownTypes().stream().anyMatch(this::isUnresolved);
  }

  private boolean isUnresolved(TypeMirror t) {
    return switch (t.getKind()) {
      case ERROR -> true;
      case ARRAY -> isUnresolved(((ArrayType) t).getComponentType());
      case DECLARED -> ((DeclaredType) t).getTypeArguments().stream().anyMatch(this::isUnresolved);
      default -> false;
    };
  }

  private static boolean isAnnotatedMethod(ExecutableElement method) {
    return hasAnnotation(method, QUANT_WEIGHT)
        || method.getParameters().stream().anyMatch(p -> hasAnnotation(p, QUANT_INPUT));
  }

  /** Whether a type is exactly ND4J's INDArray. */
  private static boolean isIndArray(TypeMirror t) {
    return t.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) t).asElement())
            .getQualifiedName()
            .contentEquals(RuntimeTypes.INDARRAY.canonicalName());
  }

  static boolean hasAnnotation(Element element, String annotation) {
    return annotation(element, annotation) != null;
  }

  private static AnnotationMirror annotation(Element element, String annotation) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      if (((TypeElement) m.getAnnotationType().asElement())
          .getQualifiedName()
          .contentEquals(annotation)) {
        return m;
      }
    }
    return null;
  }

  /** A method or constructor as a person would name it: {@code forward(INDArray, int)}. */
  static String describe(ExecutableElement executable) {
    String name =
        executable.getKind() == ElementKind.CONSTRUCTOR
            ? executable.getEnclosingElement().getSimpleName().toString()
            : executable.getSimpleName().toString();
    return executable.getParameters().stream()
        .map(p -> simpleName(p.asType()))
        .collect(Collectors.joining(", ", name + "(", ")"));
  }

  /** A type without its package: {@code INDArray}, {@code float[]}, {@code List}. */
  static String simpleName(TypeMirror t) {
    return switch (t.getKind()) {
      case DECLARED -> ((DeclaredType) t).asElement().getSimpleName().toString();
      case ARRAY -> simpleName(((ArrayType) t).getComponentType()) + "[]";
      default -> t.toString();
    };
  }

  private static String kindName(ElementKind kind) {
    return switch (kind) {
      case INTERFACE -> "an interface";
      case ENUM -> "an enum";
      case ANNOTATION_TYPE -> "an annotation type";
      case RECORD -> "a record";
      default -> "a " + kind.name().toLowerCase(Locale.ROOT);
    };
  }

  private void error(Element element, String message) {
    messager.printMessage(Diagnostic.Kind.ERROR, message, element);
  }
}
