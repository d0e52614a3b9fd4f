package org.quant4j.dl4j.internal;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import com.google.auto.service.AutoService;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code backpropGradient(INDArray, LayerWorkspaceMgr)} of every class in the layer map and of the
 * superclasses that declare it: the outermost call's result gets its gradients masked by the
 * straight-through estimator.
 */
@AutoService(QuantInstrumentation.class)
public final class BackpropInstrumentation implements QuantInstrumentation {

  /** The declaring classes: the layer map plus BaseLayer, BaseOutputLayer and ConvolutionLayer. */
  @Override
  public List<String> typeNames() {
    List<String> names = new ArrayList<>(LayerMapping.classNames());
    names.add(BaseLayerInstrumentation.TYPE);
    names.add("org.deeplearning4j.nn.layers.BaseOutputLayer");
    return names;
  }

  @Override
  public AgentBuilder.Transformer transformer() {
    return (builder, type, loader, module, domain) -> builder.visit(
        Advice.to(BackpropAdvice.class).on(named("backpropGradient").and(takesArguments(2))));
  }

  /** Inlined around {@code backpropGradient}. */
  public static final class BackpropAdvice {
    private BackpropAdvice() {}

    /**
     * Counts the call (overrides call their super method).
     *
     * @param layer the layer
     */
    @Advice.OnMethodEnter
    public static void enter(@Advice.This Object layer) {
      LayerHooks.enterBackprop(layer);
    }

    /**
     * Masks the gradients of the outermost call.
     *
     * @param layer the layer
     * @param result the returned pair, or null when the method threw
     */
    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(@Advice.This Object layer, @Advice.Return Object result) {
      LayerHooks.exitBackprop(layer, result);
    }
  }
}
