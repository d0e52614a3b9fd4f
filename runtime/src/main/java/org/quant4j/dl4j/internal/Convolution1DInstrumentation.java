package org.quant4j.dl4j.internal;

import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

import com.google.auto.service.AutoService;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code Convolution1DLayer}: in M2.1 it reads its weight with {@code getParam} rather than
 * {@code getParamWithNoise}; its compute methods are bracketed so that {@code getParam} serves the
 * quantized weight only inside them.
 */
@AutoService(QuantInstrumentation.class)
public final class Convolution1DInstrumentation implements QuantInstrumentation {

  @Override
  public List<String> typeNames() {
    return List.of(LayerMapping.CONVOLUTION_1D.className());
  }

  @Override
  public AgentBuilder.Transformer transformer() {
    return (builder, type, loader, module, domain) -> builder.visit(
        Advice.to(ComputeAdvice.class).on(namedOneOf("preOutput", "preOutput4d", "backpropGradient")));
  }

  /** Inlined around the compute methods. */
  public static final class ComputeAdvice {
    private ComputeAdvice() {}

    /**
     * Enters the compute scope.
     *
     * @param layer the layer
     */
    @Advice.OnMethodEnter
    public static void enter(@Advice.This Object layer) {
      LayerHooks.enterCompute(layer);
    }

    /**
     * Leaves the compute scope.
     *
     * @param layer the layer
     */
    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(@Advice.This Object layer) {
      LayerHooks.exitCompute(layer);
    }
  }
}
