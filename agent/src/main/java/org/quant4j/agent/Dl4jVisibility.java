package org.quant4j.agent;

import java.net.URL;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Whether the agent's classes can serve DL4J classes loaded by a class loader. The advice woven into a DL4J class
 * calls quant4j classes, which the JVM loaded from the agent jar through the system class loader; those in turn use
 * DL4J and ND4J types, resolved through the system class loader too. So a DL4J class can be woven only when the
 * system class loader sees the very same DL4J: true for an application started with {@code -cp} or
 * {@code -jar app.jar} whose libraries are on its manifest class path; false for a launcher with its own class
 * loader (a Spring Boot fat jar, an application server), whose DL4J classes are then left as they are, with one line
 * saying so.
 */
final class Dl4jVisibility implements ElementMatcher<ClassLoader> {
  /** The class file whose presence says a class loader sees DL4J. */
  static final String PROBE = "org/deeplearning4j/nn/api/Model.class";

  private final ClassLoader agentLoader;
  private final Map<ClassLoader, Boolean> known = new WeakHashMap<>();

  /**
   * A matcher for the class loader that loaded the agent's classes.
   *
   * @param agentLoader the loader of the quant4j classes the advice calls (the system class loader for an agent)
   */
  Dl4jVisibility(ClassLoader agentLoader) {
    this.agentLoader = agentLoader;
  }

  /**
   * Whether the system class loader, which loads the agent's classes, sees DL4J: without it (an application that
   * does not use DL4J, or loads it through a class loader of its own) the agent's classes cannot even load.
   *
   * @return true if DL4J is on the application class path
   */
  static boolean onApplicationClassPath() {
    return ClassLoader.getSystemResource(PROBE) != null;
  }

  /**
   * Whether classes of {@code loader} can be woven.
   *
   * @param loader the loader of a class about to be woven (null for the bootstrap loader)
   * @return true if it sees the same DL4J as the agent's classes (or is the agent's own loader)
   */
  @Override
  public synchronized boolean matches(ClassLoader loader) {
    if (loader == null || loader == agentLoader) {
      return true;
    }
    return known.computeIfAbsent(loader, this::seesSameDl4j);
  }

  private boolean seesSameDl4j(ClassLoader loader) {
    URL theirs = loader.getResource(PROBE);
    boolean same = theirs == null || Objects.equals(theirs, agentLoader.getResource(PROBE));
    if (!same) {
      AgentLog.warn("DL4J is loaded by " + loader.getClass().getName() + " (" + theirs + "), a class loader the "
          + "agent's classes cannot reach; its classes are left unquantized (put DL4J on the application class "
          + "path to quantize them)");
    }
    return same;
  }
}
