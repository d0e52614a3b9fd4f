package org.quant4j.dl4j.internal;

import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * One DL4J type (or set of types) that quant4j weaves advice into: the types' names and the transformer that adds
 * the advice. Types are chosen by name alone, so that a class can be let through before any of its bytes are read
 * and without loading anything. The advice never adds fields or methods, so it can be applied by retransforming
 * loaded classes as well as at load time.
 */
public interface QuantInstrumentation {

  /**
   * The types to transform.
   *
   * @return their fully qualified binary names ({@code org.deeplearning4j.nn.layers.BaseLayer})
   */
  List<String> typeNames();

  /**
   * The transformer that weaves this instrumentation's advice.
   *
   * @return the transformer
   */
  AgentBuilder.Transformer transformer();
}
