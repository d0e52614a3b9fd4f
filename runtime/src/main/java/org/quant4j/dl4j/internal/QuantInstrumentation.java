package org.quant4j.dl4j.internal;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One DL4J type (or set of types) that quant4j weaves advice into: a name-only type matcher and the
 * transformer that adds the advice. The advice never adds fields or methods, so it can be applied by
 * retransforming loaded classes as well as at load time.
 */
public interface QuantInstrumentation {

  /**
   * The types to transform, matched by name only (no class loading).
   *
   * @return the type matcher
   */
  ElementMatcher<TypeDescription> types();

  /**
   * The transformer that weaves this instrumentation's advice.
   *
   * @return the transformer
   */
  AgentBuilder.Transformer transformer();
}
