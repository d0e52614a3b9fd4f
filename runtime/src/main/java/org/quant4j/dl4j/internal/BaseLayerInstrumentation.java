package org.quant4j.dl4j.internal;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import com.google.auto.service.AutoService;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code BaseLayer}: the parameter reads. {@code getParamWithNoise(String, boolean, LayerWorkspaceMgr)}
 * is how every layer in the map reads W, pW and RW for compute; {@code getParam(String)} is how
 * Convolution1DLayer does (served quantized only inside its compute methods).
 */
@AutoService(QuantInstrumentation.class)
public final class BaseLayerInstrumentation implements QuantInstrumentation {

  static final String TYPE = "org.deeplearning4j.nn.layers.BaseLayer";

  @Override
  public List<String> typeNames() {
    return List.of(TYPE);
  }

  @Override
  public AgentBuilder.Transformer transformer() {
    return (builder, type, loader, module, domain) -> builder
        .visit(Advice.to(ParamWithNoiseAdvice.class).on(named("getParamWithNoise").and(takesArguments(3))))
        .visit(Advice.to(GetParamAdvice.class).on(named("getParam").and(takesArguments(1))));
  }

  /** Inlined at the end of {@code getParamWithNoise}. */
  public static final class ParamWithNoiseAdvice {
    private ParamWithNoiseAdvice() {}

    /**
     * Replaces the returned parameter with its quantized value.
     *
     * @param layer the layer
     * @param key the parameter key
     * @param value the returned parameter
     */
    @Advice.OnMethodExit
    public static void exit(
        @Advice.This Object layer,
        @Advice.Argument(0) String key,
        @Advice.Return(readOnly = false) INDArray value) {
      value = LayerHooks.onWeight(layer, key, value);
    }
  }

  /** Inlined at the end of {@code getParam}. */
  public static final class GetParamAdvice {
    private GetParamAdvice() {}

    /**
     * Replaces the returned parameter with its quantized value inside compute methods that read
     * weights this way.
     *
     * @param layer the layer
     * @param key the parameter key
     * @param value the returned parameter
     */
    @Advice.OnMethodExit
    public static void exit(
        @Advice.This Object layer,
        @Advice.Argument(0) String key,
        @Advice.Return(readOnly = false) INDArray value) {
      value = LayerHooks.onGetParam(layer, key, value);
    }
  }
}
