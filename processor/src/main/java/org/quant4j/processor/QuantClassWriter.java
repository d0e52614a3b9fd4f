package org.quant4j.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.TypeVariableName;
import java.lang.annotation.ElementType;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Generated;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Writes the {@code Quant<Name>} source for a checked {@code @Quantize} class, as a person would
 * write the reference's custom quantized module: default descriptors, one {@code TensorQuantizer}
 * field per role, mirrored constructors with descriptor overloads, overrides that quantize and
 * delegate to {@code super}, the quantizer accessors and {@code quantizers()}.
 */
final class QuantClassWriter {

  /** The value of {@code @Generated} on every generated class. */
  static final String GENERATOR = "org.quant4j.processor.QuantizeProcessor";

  private static final String ANNOTATIONS_PACKAGE = "org.quant4j.annotations";

  private final Elements elements;
  private final Types types;

  QuantClassWriter(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  /**
   * The generated source file for a class.
   *
   * @param model the checked class
   * @return the file, ready to write to the Filer
   */
  JavaFile write(QuantizedClass model) {
    TypeElement type = model.type();
    ClassName original = ClassName.get(type);
    List<TypeVariableName> typeVariables =
        type.getTypeParameters().stream().map(TypeVariableName::get).toList();
    TypeName superclass =
        typeVariables.isEmpty()
            ? original
            : ParameterizedTypeName.get(original, typeVariables.toArray(TypeName[]::new));

    TypeSpec.Builder quant =
        TypeSpec.classBuilder(model.generatedName())
            .addOriginatingElement(type)
            .addJavadoc(classJavadoc(model, original))
            .addAnnotation(
                AnnotationSpec.builder(Generated.class).addMember("value", "$S", GENERATOR).build())
            .addTypeVariables(typeVariables)
            .superclass(superclass)
            .addSuperinterface(RuntimeTypes.QUANT_MODULE);
    if (type.getModifiers().contains(Modifier.PUBLIC)) {
      quant.addModifiers(Modifier.PUBLIC);
    }
    if (type.getModifiers().contains(Modifier.ABSTRACT)) {
      quant.addModifiers(Modifier.ABSTRACT);
    }

    for (Role role : model.roles()) {
      quant.addField(defaultDescriptor(role, model.descriptors().get(role)));
    }
    for (Role role : model.roles()) {
      quant.addField(
          FieldSpec.builder(
                  RuntimeTypes.TENSOR_QUANTIZER, role.fieldName(), Modifier.PRIVATE, Modifier.FINAL)
              .build());
    }
    for (ExecutableElement constructor : model.constructors()) {
      List<String> descriptorNames = descriptorParameterNames(constructor, model.roles());
      quant.addMethod(defaultsConstructor(constructor, original, model.roles()));
      quant.addMethod(descriptorConstructor(constructor, original, model.roles(), descriptorNames));
    }
    for (ExecutableElement method : model.inputMethods()) {
      quant.addMethod(inputOverride(method, original));
    }
    for (ExecutableElement method : model.weightMethods()) {
      quant.addMethod(weightOverride(method, original));
    }
    for (Role role : model.roles()) {
      quant.addMethod(accessor(role));
    }
    quant.addMethod(quantizers(model.roles()));

    return JavaFile.builder(original.packageName(), quant.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  private static CodeBlock classJavadoc(QuantizedClass model, ClassName original) {
    List<String> what = new ArrayList<>();
    if (!model.inputMethods().isEmpty()) {
      what.add("{@code @QuantInput} parameters");
    }
    if (!model.weightMethods().isEmpty()) {
      what.add("{@code @QuantWeight} weights");
    }
    return CodeBlock.builder()
        .add("{@link $T} with its $L\n", original, String.join(" and ", what))
        .add("fake-quantized by {@link $T}s before its own code runs.\n", RuntimeTypes.TENSOR_QUANTIZER)
        .add("\n<p>Generated from {@link $T} by the quant4j annotation processor.\n", original)
        .build();
  }

  private static FieldSpec defaultDescriptor(Role role, DescriptorValue value) {
    return FieldSpec.builder(
            RuntimeTypes.QUANT_DESCRIPTOR,
            role.defaultConstant(),
            Modifier.PUBLIC,
            Modifier.STATIC,
            Modifier.FINAL)
        .addJavadoc(
            "How {@code $L} $L are quantized unless a constructor is given a\ndescriptor.\n",
            role.annotation(),
            role == Role.INPUT ? "parameters" : "weights")
        .initializer(value.toCode())
        .build();
  }

  private MethodSpec defaultsConstructor(
      ExecutableElement constructor, ClassName original, List<Role> roles) {
    List<String> arguments = new ArrayList<>(parameterNames(constructor));
    for (Role role : roles) {
      arguments.add(role.defaultConstant());
    }
    return constructorHead(constructor)
        .addJavadoc(
            "Mirrors {@link $L},\nquantizing with the default descriptors.\n",
            link(constructor, original))
        .addParameters(parameters(constructor))
        .varargs(constructor.isVarArgs())
        .addStatement("this($L)", String.join(", ", arguments))
        .build();
  }

  private MethodSpec descriptorConstructor(
      ExecutableElement constructor,
      ClassName original,
      List<Role> roles,
      List<String> descriptorNames) {
    MethodSpec.Builder builder =
        constructorHead(constructor)
            .addJavadoc(
                "Mirrors {@link $L},\nquantizing with the given descriptors.\n\n",
                link(constructor, original))
            .addParameters(parameters(constructor));
    for (int i = 0; i < roles.size(); i++) {
      builder.addJavadoc(
          "@param $L how {@code $L} $L are quantized\n",
          descriptorNames.get(i),
          roles.get(i).annotation(),
          roles.get(i) == Role.INPUT ? "parameters" : "weights");
      builder.addParameter(RuntimeTypes.QUANT_DESCRIPTOR, descriptorNames.get(i));
    }
    builder.addStatement("super($L)", String.join(", ", parameterNames(constructor)));
    for (int i = 0; i < roles.size(); i++) {
      builder.addStatement(
          "this.$L = $T.newQuantizer($S, $L)",
          roles.get(i).fieldName(),
          RuntimeTypes.QUANT_MODULE,
          descriptorNames.get(i),
          descriptorNames.get(i));
    }
    return builder.build();
  }

  private MethodSpec.Builder constructorHead(ExecutableElement constructor) {
    MethodSpec.Builder builder =
        MethodSpec.constructorBuilder()
            .addModifiers(access(constructor))
            .addTypeVariables(
                constructor.getTypeParameters().stream().map(TypeVariableName::get).toList());
    for (var thrown : constructor.getThrownTypes()) {
      builder.addException(TypeName.get(thrown));
    }
    if (elements.isDeprecated(constructor)) {
      builder.addAnnotation(Deprecated.class);
    }
    return builder;
  }

  private MethodSpec inputOverride(ExecutableElement method, ClassName original) {
    List<String> quantized = new ArrayList<>();
    List<CodeBlock> arguments = new ArrayList<>();
    for (VariableElement parameter : method.getParameters()) {
      String name = parameter.getSimpleName().toString();
      if (!QuantizeChecker.hasAnnotation(parameter, QuantizeChecker.QUANT_INPUT)) {
        arguments.add(CodeBlock.of("$L", name));
      } else if (parameter.asType().getKind() == TypeKind.ARRAY) {
        quantized.add("{@code " + name + "}");
        arguments.add(
            CodeBlock.of(
                "$T.stream($L).map($L).toArray($T[]::new)",
                Arrays.class,
                name,
                Role.INPUT.fieldName(),
                RuntimeTypes.INDARRAY));
      } else {
        quantized.add("{@code " + name + "}");
        arguments.add(CodeBlock.of("$L.apply($L)", Role.INPUT.fieldName(), name));
      }
    }
    CodeBlock call =
        CodeBlock.of(
            "super.$L($L)",
            method.getSimpleName(),
            CodeBlock.join(arguments, ",$W"));
    MethodSpec.Builder builder =
        overrideHead(method)
            .addJavadoc(
                "Quantizes $L with {@link #$L()}, then runs\n{@link $L}.\n",
                String.join(", ", quantized),
                Role.INPUT.fieldName(),
                link(method, original));
    if (method.getReturnType().getKind() == TypeKind.VOID) {
      builder.addStatement("$L", call);
    } else {
      builder.addStatement("return $L", call);
    }
    return builder.build();
  }

  private MethodSpec weightOverride(ExecutableElement method, ClassName original) {
    return overrideHead(method)
        .addJavadoc(
            "Returns the result of {@link $L}\nquantized by {@link #$L()}.\n",
            link(method, original),
            Role.WEIGHT.fieldName())
        .addStatement(
            "return $L.apply(super.$L())", Role.WEIGHT.fieldName(), method.getSimpleName())
        .build();
  }

  private MethodSpec.Builder overrideHead(ExecutableElement method) {
    MethodSpec.Builder builder =
        MethodSpec.methodBuilder(method.getSimpleName().toString())
            .addAnnotation(Override.class)
            .addAnnotations(copiedAnnotations(method))
            .addModifiers(access(method))
            .addTypeVariables(method.getTypeParameters().stream().map(TypeVariableName::get).toList())
            .returns(TypeName.get(method.getReturnType()))
            .addParameters(parameters(method))
            .varargs(method.isVarArgs());
    for (var thrown : method.getThrownTypes()) {
      builder.addException(TypeName.get(thrown));
    }
    return builder;
  }

  private static MethodSpec accessor(Role role) {
    return MethodSpec.methodBuilder(role.fieldName())
        .addJavadoc(
            "The quantizer of the {@code $L} $L, named {@code $L} in\n{@link #quantizers()}.\n\n",
            role.annotation(),
            role == Role.INPUT ? "parameters" : "weights",
            role.referenceName())
        .addJavadoc("@return the $L quantizer\n", role.attribute())
        .addModifiers(Modifier.PUBLIC)
        .returns(RuntimeTypes.TENSOR_QUANTIZER)
        .addStatement("return $L", role.fieldName())
        .build();
  }

  private static MethodSpec quantizers(List<Role> roles) {
    ClassName map = ClassName.get(Map.class);
    TypeName byName =
        ParameterizedTypeName.get(map, ClassName.get(String.class), RuntimeTypes.TENSOR_QUANTIZER);
    MethodSpec.Builder builder =
        MethodSpec.methodBuilder("quantizers")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(byName)
            .addStatement("$T quantizers = new $T<>()", byName, LinkedHashMap.class);
    for (Role role : roles) {
      builder.addStatement("quantizers.put($S, $L)", role.referenceName(), role.fieldName());
    }
    return builder.addStatement("return $T.unmodifiableMap(quantizers)", Collections.class).build();
  }

  private List<ParameterSpec> parameters(ExecutableElement executable) {
    List<ParameterSpec> parameters = new ArrayList<>();
    for (VariableElement parameter : executable.getParameters()) {
      parameters.add(
          ParameterSpec.builder(
                  TypeName.get(parameter.asType()), parameter.getSimpleName().toString())
              .addModifiers(
                  parameter.getModifiers().contains(Modifier.FINAL)
                      ? new Modifier[] {Modifier.FINAL}
                      : new Modifier[0])
              .addAnnotations(copiedAnnotations(parameter))
              .build());
    }
    return parameters;
  }

  /**
   * The annotations worth repeating on the generated declaration: everything but quant4j's own
   * (which would mark the generated class for processing again), {@code @Override} (added where
   * it applies) and type-use annotations (already part of the copied type).
   */
  private static List<AnnotationSpec> copiedAnnotations(Element element) {
    List<AnnotationSpec> copied = new ArrayList<>();
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement annotationType = (TypeElement) mirror.getAnnotationType().asElement();
      String name = annotationType.getQualifiedName().toString();
      Target target = annotationType.getAnnotation(Target.class);
      boolean typeUse =
          target != null && Arrays.asList(target.value()).contains(ElementType.TYPE_USE);
      if (!name.startsWith(ANNOTATIONS_PACKAGE + ".")
          && !name.equals(Override.class.getCanonicalName())
          && !typeUse) {
        copied.add(AnnotationSpec.get(mirror));
      }
    }
    return copied;
  }

  private static List<String> parameterNames(ExecutableElement executable) {
    return executable.getParameters().stream().map(p -> p.getSimpleName().toString()).toList();
  }

  /** The descriptor parameters' names, made distinct from the mirrored parameters' names. */
  private static List<String> descriptorParameterNames(
      ExecutableElement constructor, List<Role> roles) {
    Set<String> taken = Set.copyOf(parameterNames(constructor));
    List<String> names = new ArrayList<>();
    for (Role role : roles) {
      String name = role.descriptorParameter();
      while (taken.contains(name)) {
        name = name + "_";
      }
      names.add(name);
    }
    return names;
  }

  private static Modifier[] access(ExecutableElement executable) {
    for (Modifier m : List.of(Modifier.PUBLIC, Modifier.PROTECTED)) {
      if (executable.getModifiers().contains(m)) {
        return new Modifier[] {m};
      }
    }
    return new Modifier[0];
  }

  /** A javadoc link to a method or constructor with its erased parameter types. */
  private CodeBlock link(ExecutableElement executable, ClassName original) {
    String name =
        executable.getKind() == ElementKind.CONSTRUCTOR
            ? original.simpleName()
            : executable.getSimpleName().toString();
    CodeBlock parameterTypes =
        executable.getParameters().stream()
            .map(p -> CodeBlock.of("$T", TypeName.get(types.erasure(p.asType()))))
            .collect(CodeBlock.joining(", "));
    return CodeBlock.of("$T#$L($L)", original, name, parameterTypes);
  }
}
