package org.quant4j.dl4j.internal;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.utility.JavaModule;

/**
 * In-place weaving of {@code @Quantize} classes, the load-time twin of the annotation processor's
 * {@code Quant<Name>}: a method with {@code @QuantInput} parameters gets them replaced by the instance's input
 * quantizer applied to them on entry, a {@code @QuantWeight} accessor returns its result through the weight
 * quantizer. The quantizers live beside the instance ({@link WovenQuantizers#of}).
 *
 * <p>The annotations have CLASS retention, so classes are matched by reading their class files
 * ({@link QuantizeClassFile}), after a name filter that skips the JDK's and the big libraries' packages. Nothing is
 * added to a class, so classes already loaded can be retransformed.
 */
final class QuantizeInstrumentation {

  private static final List<String> SKIPPED_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
      "org.nd4j.", "org.deeplearning4j.", "org.bytedeco.", "net.bytebuddy.", "org.slf4j.", "com.fasterxml.",
      "org.yaml.", "org.knowm.", "org.junit.", "org.opentest4j.", "org.apache.", "com.google.",
      "org.quant4j.shaded.");

  /**
   * Where quant4j's own classes are loaded from (this jar, or the agent jar that shades it): they carry no
   * {@code @Quantize}, so their class files are never read.
   */
  private static final String OWN_LOCATION = location(QuantizeInstrumentation.class.getProtectionDomain());

  private QuantizeInstrumentation() {}

  /**
   * Matches the classes annotated {@code @Quantize}, by their class files.
   *
   * @return the matcher
   */
  static AgentBuilder.RawMatcher types() {
    return QuantizeInstrumentation::isQuantizeClass;
  }

  /**
   * Weaves the advice into the annotated methods of a matched class and registers its descriptors.
   *
   * @return the transformer
   */
  static AgentBuilder.Transformer transformer() {
    return QuantizeInstrumentation::weave;
  }

  private static boolean isQuantizeClass(TypeDescription type, ClassLoader loader, JavaModule module,
      Class<?> classBeingRedefined, ProtectionDomain domain) {
    String name = type.getName();
    if (!mayBeQuantizeClass(name, loader, domain)) {
      return false;
    }
    byte[] classFile = classFile(name, loader);
    return classFile != null && QuantizeClassFile.mentionsQuantize(classFile);
  }

  /**
   * Whether a class may carry {@code @Quantize}, by its name and origin alone: not a bootstrap class, not in a
   * package of the JDK or of the big libraries, not one of quant4j's own.
   *
   * @param name the class's binary name
   * @param loader its class loader (null for the bootstrap loader)
   * @param domain its protection domain, or null
   * @return false if its class file need not be read
   */
  static boolean mayBeQuantizeClass(String name, ClassLoader loader, ProtectionDomain domain) {
    return loader != null && !inSkippedPackage(name)
        && (OWN_LOCATION == null || !OWN_LOCATION.equals(location(domain)));
  }

  /** Whether a class is in a package without {@code @Quantize} classes (a loop: no stream per loading class). */
  private static boolean inSkippedPackage(String name) {
    for (String p : SKIPPED_PACKAGES) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  private static DynamicType.Builder<?> weave(DynamicType.Builder<?> builder, TypeDescription type,
      ClassLoader loader, JavaModule module, ProtectionDomain domain) {
    byte[] classFile = classFile(type.getName(), loader);
    QuantizeClassFile annotations = classFile == null ? null : QuantizeClassFile.read(classFile);
    if (annotations == null) {
      return builder;
    }
    WovenHooks.register(loader, annotations);
    for (QuantizeClassFile.QuantizedMethod m : annotations.methods()) {
      var method = named(m.name()).and(hasDescriptor(m.descriptor()));
      if (m.quantizedArguments() != 0) {
        builder = builder.visit(Advice.withCustomMapping()
            .bind(QuantizedArguments.class, m.quantizedArguments())
            .to(InputAdvice.class).on(method));
      }
      if (m.quantizedResult()) {
        builder = builder.visit(WeightAdviceHolder.ADVICE.on(method));
      }
    }
    return builder;
  }

  /** The code source of a protection domain as a string (no URL equality, which may resolve host names). */
  private static String location(ProtectionDomain domain) {
    CodeSource source = domain == null ? null : domain.getCodeSource();
    return source == null || source.getLocation() == null ? null : source.getLocation().toString();
  }

  private static byte[] classFile(String name, ClassLoader loader) {
    try {
      ClassFileLocator.Resolution resolution = ClassFileLocator.ForClassLoader.of(loader).locate(name);
      return resolution.isResolved() ? resolution.resolve() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The constant bound into {@link InputAdvice}: which arguments of the woven method are quantized. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  @interface QuantizedArguments {}

  /** Inlined at the start of a method with {@code @QuantInput} parameters. */
  public static final class InputAdvice {
    private InputAdvice() {}

    /**
     * Replaces the {@code @QuantInput} arguments by their quantized values.
     *
     * @param self the instance
     * @param quantized bit {@code i} set when argument {@code i} is quantized
     * @param arguments all arguments
     */
    @Advice.OnMethodEnter
    public static void enter(
        @Advice.This Object self,
        @QuantizedArguments long quantized,
        @Advice.AllArguments(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object[] arguments) {
      arguments = WovenHooks.quantizeArguments(self, quantized, arguments);
    }
  }

  /** The weight advice, resolved when the first {@code @QuantWeight} method is woven (not at start-up). */
  private static final class WeightAdviceHolder {
    static final Advice ADVICE = Advice.to(WeightAdvice.class);
  }

  /** Inlined at the normal return of a {@code @QuantWeight} accessor. */
  public static final class WeightAdvice {
    private WeightAdvice() {}

    /**
     * Replaces the returned weight by its quantized value.
     *
     * @param self the instance
     * @param result the returned weight
     */
    @Advice.OnMethodExit
    public static void exit(
        @Advice.This Object self,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result) {
      result = WovenHooks.quantizeResult(self, result);
    }
  }
}
