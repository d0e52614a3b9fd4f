package org.quant4j.dl4j.internal;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The transformer an agent registers before {@code main}: it picks the classes quant4j weaves without Byte Buddy
 * (the instrumentations' type names, and classes whose bytes name {@code @Quantize}), serves those woven when the
 * agent was built ({@link PrewovenClassFiles}), and hands only the others to Byte Buddy's transformer.
 *
 * <p>Building Byte Buddy's agent machinery loads, verifies and runs several hundred classes, and weaving a class
 * costs tens of milliseconds more: together they doubled the start of a small DL4J application. An application on
 * the DL4J the agent was built against needs none of it. The first class that does (another DL4J build, a
 * {@code @Quantize} class, a class loader of its own) starts the build on a daemon thread and waits for it, so no
 * such class ever loads unwoven; every other class passes after a name lookup. If the weaver cannot be built, one
 * line says so and every class loads as it is.
 */
public final class LoadTimeWeaver implements ClassFileTransformer {

  private final Set<String> internalTypeNames;
  private final PrewovenClassFiles prewoven;
  private final Supplier<ClassFileTransformer> weaverFactory;
  private final CompletableFuture<ClassFileTransformer> weaver = new CompletableFuture<>();
  private final Consumer<String> problems;
  private Thread builder;

  private LoadTimeWeaver(Set<String> typeNames, PrewovenClassFiles prewoven,
      Supplier<ClassFileTransformer> weaverFactory, Consumer<String> problems) {
    Set<String> internal = new HashSet<>();
    for (String name : typeNames) {
      internal.add(name.replace('.', '/'));
    }
    this.internalTypeNames = Set.copyOf(internal);
    this.prewoven = prewoven;
    this.weaverFactory = weaverFactory;
    this.problems = problems;
  }

  /**
   * Registers the filter; Byte Buddy's transformer is built when the first class needs it.
   *
   * @param instrumentation the JVM's instrumentation
   * @param moreTypeNames binary names of the caller's own woven types, besides {@link QuantInstrumentations}'
   * @param prewoven the class files woven ahead of time by the very transformer {@code weaver} builds;
   *     {@link PrewovenClassFiles#none()} to weave everything with Byte Buddy
   * @param weaver builds Byte Buddy's transformer ({@code AgentBuilder.makeRaw()} of the caller's builder); it runs
   *     on a daemon thread
   * @param problems receives one line when the weaver cannot be built, or when a class to weave could not wait
   *     for it; such classes load unwoven
   * @return the registered filter
   */
  public static LoadTimeWeaver start(Instrumentation instrumentation, Set<String> moreTypeNames,
      PrewovenClassFiles prewoven, Supplier<ClassFileTransformer> weaver, Consumer<String> problems) {
    Set<String> names = new HashSet<>(QuantInstrumentations.typeNames());
    names.addAll(moreTypeNames);
    LoadTimeWeaver filter = new LoadTimeWeaver(names, prewoven, weaver, problems);
    instrumentation.addTransformer(filter, false);
    return filter;
  }

  /**
   * Passes a class through, serves its prewoven form, or weaves it once Byte Buddy's transformer is built.
   *
   * @return the woven class file, or null to leave the class as it is
   */
  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain domain, byte[] classFile) throws IllegalClassFormatException {
    if (className == null) {
      return null;
    }
    if (internalTypeNames.contains(className)) {
      byte[] woven = prewoven.woven(loader, className, classFile);
      if (woven != null) {
        LoggerFactory.getLogger(LoadTimeWeaver.class).debug("quant4j: woven {} (as when the agent was built)",
            className.replace('/', '.'));
        return woven;
      }
    } else if (!QuantizeInstrumentation.mayBeQuantizeClass(className.replace('/', '.'), loader, domain)
        || !QuantizeClassFile.mentionsQuantize(classFile)) {
      return null;
    }
    if (isBuilding()) {
      problems.accept(className.replace('/', '.') + " loaded while the agent was starting; it is left unquantized");
      return null;
    }
    ClassFileTransformer ready = weaver().join();
    return ready == null ? null
        : ready.transform(module, loader, className, classBeingRedefined, domain, classFile);
  }

  /** Whether this thread is the one building the weaver (a class it loads cannot wait for itself). */
  private synchronized boolean isBuilding() {
    return Thread.currentThread() == builder && !weaver.isDone();
  }

  /** The weaver, its build started by the first caller. */
  private synchronized CompletableFuture<ClassFileTransformer> weaver() {
    if (builder == null) {
      builder = new Thread(this::build, "quant4j-weaver");
      builder.setDaemon(true);
      builder.start();
    }
    return weaver;
  }

  private void build() {
    try {
      weaver.complete(weaverFactory.get());
    } catch (RuntimeException | LinkageError e) {
      problems.accept("not started: " + e + "; the application runs unquantized");
      weaver.complete(null);
    }
  }
}
