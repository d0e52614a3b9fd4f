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

/**
 * The transformer an agent registers before {@code main}: it picks the classes quant4j weaves without Byte Buddy
 * (the instrumentations' type names, and classes whose bytes name {@code @Quantize}), and hands only those to Byte
 * Buddy's transformer, which a daemon thread builds meanwhile.
 *
 * <p>Building Byte Buddy's agent machinery loads and verifies several hundred classes. Built here beside the
 * application's own start (the JVM loading the main class, ND4J loading its native libraries), that cost overlaps
 * the application's instead of coming before it. A class to weave that loads before the weaver is ready waits for
 * it, so no such class ever loads unwoven; every other class passes after a name lookup. If the weaver cannot be
 * built, one line says so and every class loads as it is.
 */
public final class LoadTimeWeaver implements ClassFileTransformer {

  private final Set<String> internalTypeNames;
  private final CompletableFuture<ClassFileTransformer> weaver = new CompletableFuture<>();
  private final Consumer<String> problems;
  private volatile Thread builder;

  private LoadTimeWeaver(Set<String> typeNames, Consumer<String> problems) {
    Set<String> internal = new HashSet<>();
    for (String name : typeNames) {
      internal.add(name.replace('.', '/'));
    }
    this.internalTypeNames = Set.copyOf(internal);
    this.problems = problems;
  }

  /**
   * Registers the filter now and starts building the weaver on a daemon thread.
   *
   * @param instrumentation the JVM's instrumentation
   * @param moreTypeNames binary names of the caller's own woven types, besides {@link QuantInstrumentations}'
   * @param weaver builds Byte Buddy's transformer ({@code AgentBuilder.makeRaw()} of the caller's builder); it runs
   *     on the daemon thread
   * @param problems receives one line when the weaver cannot be built, or when a class to weave could not wait
   *     for it; such classes load unwoven
   * @return the registered filter
   */
  public static LoadTimeWeaver start(Instrumentation instrumentation, Set<String> moreTypeNames,
      Supplier<ClassFileTransformer> weaver, Consumer<String> problems) {
    Set<String> names = new HashSet<>(QuantInstrumentations.typeNames());
    names.addAll(moreTypeNames);
    LoadTimeWeaver filter = new LoadTimeWeaver(names, problems);
    Thread thread = new Thread(() -> filter.build(weaver), "quant4j-weaver");
    thread.setDaemon(true);
    filter.builder = thread;
    instrumentation.addTransformer(filter, false);
    thread.start();
    return filter;
  }

  private void build(Supplier<ClassFileTransformer> supplier) {
    try {
      weaver.complete(supplier.get());
    } catch (RuntimeException | LinkageError e) {
      problems.accept("not started: " + e + "; the application runs unquantized");
      weaver.complete(null);
    }
  }

  /**
   * Passes a class through, or weaves it once the weaver is built.
   *
   * @return the woven class file, or null to leave the class as it is
   */
  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain domain, byte[] classFile) throws IllegalClassFormatException {
    if (className == null || !isWoven(className, loader, domain, classFile)) {
      return null;
    }
    if (Thread.currentThread() == builder && !weaver.isDone()) {
      problems.accept(className.replace('/', '.') + " loaded while the agent was starting; it is left unquantized");
      return null;
    }
    ClassFileTransformer ready = weaver.join();
    return ready == null ? null
        : ready.transform(module, loader, className, classBeingRedefined, domain, classFile);
  }

  private boolean isWoven(String internalName, ClassLoader loader, ProtectionDomain domain, byte[] classFile) {
    if (internalTypeNames.contains(internalName)) {
      return true;
    }
    return QuantizeInstrumentation.mayBeQuantizeClass(internalName.replace('/', '.'), loader, domain)
        && QuantizeClassFile.mentionsQuantize(classFile);
  }
}
