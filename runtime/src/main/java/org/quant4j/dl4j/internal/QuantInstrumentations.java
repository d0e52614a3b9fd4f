package org.quant4j.dl4j.internal;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one set of advice quant4j weaves into DL4J, and its installer. {@link QuantModules#initialize()}
 * (self-attach, retransforming classes already loaded) and the {@code -javaagent} premain (weaving at
 * load time) are two thin callers of {@link #install}.
 */
public final class QuantInstrumentations {

  private static final Logger LOG = LoggerFactory.getLogger(QuantInstrumentations.class);

  /** Types that no instrumentation here applies to, by name alone (see {@link #install}). */
  private static final ElementMatcher.Junction<TypeDescription> NEVER_WOVEN = nameStartsWith("net.bytebuddy.")
      .or(nameStartsWith("java.")).or(nameStartsWith("jdk.")).or(nameStartsWith("sun."))
      .or(nameStartsWith("com.sun.")).or(nameStartsWith("org.quant4j.shaded.")).or(nameContains("$Proxy"))
      .or(nameContains("$$Lambda"));

  private QuantInstrumentations() {}

  /**
   * Every instrumentation: the {@link QuantInstrumentation}s listed in this jar's
   * {@code META-INF/services} (each class carries {@code @AutoService}), in class-name order so that the
   * weaving order never depends on the class path.
   *
   * @return the instrumentations
   */
  public static List<QuantInstrumentation> all() {
    List<QuantInstrumentation> all = new ArrayList<>();
    ServiceLoader.load(QuantInstrumentation.class, QuantInstrumentation.class.getClassLoader()).forEach(all::add);
    all.sort(Comparator.comparing(i -> i.getClass().getName()));
    return all;
  }

  /**
   * The binary names of every type an instrumentation of {@link #all()} weaves ({@code @Quantize} classes are
   * found by their class files instead).
   *
   * @return the names
   */
  public static Set<String> typeNames() {
    Set<String> names = new TreeSet<>();
    for (QuantInstrumentation i : all()) {
      names.addAll(i.typeNames());
    }
    return names;
  }

  /**
   * Installs every instrumentation, and the in-place weaving of {@code @Quantize} classes
   * ({@link QuantizeInstrumentation}): classes not yet loaded are woven when they load, classes already
   * loaded are retransformed. No field or method is added, so retransformation is always allowed.
   * A class that cannot be transformed is reported on one line and stays as DL4J wrote it.
   *
   * @param instrumentation the JVM's instrumentation (from premain/agentmain or self-attach)
   * @param builder the agent builder, from {@link #agentBuilder(ElementMatcher)} (a listener may be added)
   * @return the installed transformer, which can be reset
   */
  public static ResettableClassFileTransformer install(Instrumentation instrumentation, AgentBuilder builder) {
    if (instrumentation == null) {
      throw new IllegalArgumentException("instrumentation must not be null");
    }
    return withEveryInstrumentation(builder).installOn(instrumentation);
  }

  /**
   * The transformer {@link #install} would register, not registered: for {@link LoadTimeWeaver}, which hands it
   * the classes to weave. It retransforms nothing.
   *
   * @param builder the agent builder, from {@link #agentBuilder(ElementMatcher)}
   * @return the transformer
   */
  public static ClassFileTransformer transformer(AgentBuilder builder) {
    return withEveryInstrumentation(builder).makeRaw();
  }

  private static AgentBuilder withEveryInstrumentation(AgentBuilder builder) {
    if (builder == null) {
      throw new IllegalArgumentException("builder must not be null");
    }
    AgentBuilder.Identified.Extendable extendable = null;
    for (QuantInstrumentation i : all()) {
      extendable = (extendable == null ? builder : extendable)
          .type(namedOneOf(i.typeNames().toArray(new String[0]))).transform(i.transformer());
    }
    return extendable.type(QuantizeInstrumentation.types()).transform(QuantizeInstrumentation.transformer());
  }

  /**
   * The one agent builder every quant4j transformation is installed with, in-process and by the agent:
   * retransformation without class-format changes, types described from their class files, a name-only
   * ignore matcher, and each type that cannot be transformed reported on one line.
   *
   * @param wovenLoaders the class loaders whose classes may be woven (the agent passes those that can see its
   *     hooks; in-process every loader can)
   * @return a new builder
   */
  public static AgentBuilder agentBuilder(ElementMatcher<? super ClassLoader> wovenLoaders) {
    return new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
        // Every transformation only adds advice (an ASM visitor): decorating the class file is enough, and it spares
        // the method graph of the whole type hierarchy that a redefinition builds for each woven class.
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        // Describe types from their class files, never by reflection: reflecting on a loaded DL4J
        // class can load the classes it names (ComputationGraph, say) before they are woven.
        .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
        // Every matcher here needs only a type's name, so the ignore matcher must too: Byte Buddy's default
        // one asks whether a type is synthetic, which POOL_ONLY can only answer from a class file, and a
        // proxy (jdk.proxyN.$ProxyK) or other generated class has none: retransforming would log each one.
        .ignore(NEVER_WOVEN, any())
        .or(any(), isBootstrapClassLoader())
        .or(any(), not(wovenLoaders))
        .with(new ErrorLogger());
  }

  /** Reports a type that could not be transformed, on one line ({@link HookFailures#notTransformed}). */
  private static final class ErrorLogger extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
        Throwable throwable) {
      HookFailures.notTransformed(typeName, throwable);
    }

    @Override
    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
        DynamicType dynamicType) {
      LOG.debug("quant4j: woven {}", type.getName());
    }
  }
}
