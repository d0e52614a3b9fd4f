package org.quant4j.agent;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * The agent's own advice, beside the layer advice of {@code org.quant4j.dl4j}: it tells the agent when a network is
 * initialised (to give it its name prefix) and when it starts each forward pass (to set its quantizers up, once,
 * for the agent's mode). Both network classes in DL4J 1.0.0-M2.1 route every forward pass, for inference and for
 * training, through the methods named in {@link #FORWARD_METHODS}.
 */
final class NetworkInstrumentation {
  static final String MULTI_LAYER_NETWORK = "org.deeplearning4j.nn.multilayer.MultiLayerNetwork";
  static final String COMPUTATION_GRAPH = "org.deeplearning4j.nn.graph.ComputationGraph";
  /** The network types. */
  static final Set<String> TYPE_NAMES = Set.of(MULTI_LAYER_NETWORK, COMPUTATION_GRAPH);
  static final String[] FORWARD_METHODS = {
    "outputOfLayerDetached", "outputOfLayersDetached",
    "ffToLayerActivationsDetached", "ffToLayerActivationsInWs", "ffToLayerActivationsInWS",
    "activateSelectedLayers", "rnnTimeStep"
  };

  private NetworkInstrumentation() {}


  /**
   * The transformer adding both advices.
   *
   * @return the transformer
   */
  static AgentBuilder.Transformer transformer() {
    return (builder, type, loader, module, domain) -> builder
        .visit(Advice.to(InitAdvice.class).on(named("init").and(takesArguments(2))))
        .visit(Advice.to(ForwardAdvice.class).on(namedOneOf(FORWARD_METHODS)));
  }

  /** Inlined at the end of {@code init(INDArray, boolean)}. */
  public static final class InitAdvice {
    private InitAdvice() {}

    /**
     * Reports the initialised network.
     *
     * @param network the network
     */
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object network) {
      NetworkHooks.afterInit(network);
    }
  }

  /** Inlined at the start of each forward-pass method. */
  public static final class ForwardAdvice {
    private ForwardAdvice() {}

    /**
     * Reports the forward pass.
     *
     * @param network the network
     */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object network) {
      NetworkHooks.beforeForward(network);
    }
  }
}
