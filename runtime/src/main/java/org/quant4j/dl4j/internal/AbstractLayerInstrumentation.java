package org.quant4j.dl4j.internal;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import com.google.auto.service.AutoService;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code AbstractLayer}: layer construction (quantizers are created as soon as DL4J instantiates a
 * layer, so they exist after {@code init()}) and {@code setInput} (the input is quantized and a new
 * forward pass begins).
 */
@AutoService(QuantInstrumentation.class)
public final class AbstractLayerInstrumentation implements QuantInstrumentation {

  static final String TYPE = "org.deeplearning4j.nn.layers.AbstractLayer";

  @Override
  public List<String> typeNames() {
    return List.of(TYPE);
  }

  @Override
  public AgentBuilder.Transformer transformer() {
    return (builder, type, loader, module, domain) -> builder
        .visit(Advice.to(ConstructorAdvice.class).on(isConstructor()))
        .visit(Advice.to(SetInputAdvice.class).on(named("setInput").and(takesArguments(2))));
  }

  /** Inlined at the end of every AbstractLayer constructor. */
  public static final class ConstructorAdvice {
    private ConstructorAdvice() {}

    /**
     * Registers the new layer.
     *
     * @param layer the layer under construction
     */
    @Advice.OnMethodExit
    public static void exit(@Advice.This Object layer) {
      LayerHooks.onLayerCreated(layer);
    }
  }

  /** Inlined at the end of {@code AbstractLayer.setInput(INDArray, LayerWorkspaceMgr)}. */
  public static final class SetInputAdvice {
    private SetInputAdvice() {}

    /**
     * Replaces the stored input with its quantized value.
     *
     * @param layer the layer
     * @param workspaceMgr the workspace manager argument
     * @param input the layer's {@code input} field
     */
    @Advice.OnMethodExit
    public static void exit(
        @Advice.This Object layer,
        @Advice.Argument(1) Object workspaceMgr,
        @Advice.FieldValue(value = "input", readOnly = false) INDArray input) {
      input = LayerHooks.onSetInput(layer, input, workspaceMgr);
    }
  }
}
