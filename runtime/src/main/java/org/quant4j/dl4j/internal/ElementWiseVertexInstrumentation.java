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
 * {@code ElementWiseVertex}: construction (an Add gets a residual quantizer when configured),
 * {@code doForward} (identity inputs quantized for the add, restored after) and {@code doBackward}
 * (their gradients masked).
 */
@AutoService(QuantInstrumentation.class)
public final class ElementWiseVertexInstrumentation implements QuantInstrumentation {

  @Override
  public List<String> typeNames() {
    return List.of(LayerMapping.ELEMENT_WISE_VERTEX);
  }

  @Override
  public AgentBuilder.Transformer transformer() {
    return (builder, type, loader, module, domain) -> builder
        .visit(Advice.to(ConstructorAdvice.class).on(isConstructor()))
        .visit(Advice.to(ForwardAdvice.class).on(named("doForward").and(takesArguments(2))))
        .visit(Advice.to(BackwardAdvice.class).on(named("doBackward").and(takesArguments(2))));
  }

  /** Inlined at the end of the constructors. */
  public static final class ConstructorAdvice {
    private ConstructorAdvice() {}

    /**
     * Registers the new vertex.
     *
     * @param vertex the vertex
     * @param op its {@code op} field
     */
    @Advice.OnMethodExit
    public static void exit(@Advice.This Object vertex, @Advice.FieldValue("op") Object op) {
      VertexHooks.onVertexCreated(vertex, op);
    }
  }

  /** Inlined around {@code doForward}. */
  public static final class ForwardAdvice {
    private ForwardAdvice() {}

    /**
     * Quantizes the identity inputs.
     *
     * @param vertex the vertex
     * @param graph its {@code graph} field
     * @param inputs its {@code inputs} field
     */
    @Advice.OnMethodEnter
    public static void enter(
        @Advice.This Object vertex,
        @Advice.FieldValue("graph") Object graph,
        @Advice.FieldValue("inputs") INDArray[] inputs) {
      VertexHooks.beforeVertexForward(vertex, graph, inputs);
    }

    /**
     * Restores the float identity inputs.
     *
     * @param vertex the vertex
     * @param inputs its {@code inputs} field
     */
    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(@Advice.This Object vertex, @Advice.FieldValue("inputs") INDArray[] inputs) {
      VertexHooks.afterVertexForward(vertex, inputs);
    }
  }

  /** Inlined at the end of {@code doBackward}. */
  public static final class BackwardAdvice {
    private BackwardAdvice() {}

    /**
     * Masks the identity inputs' gradients.
     *
     * @param vertex the vertex
     * @param result the returned pair
     */
    @Advice.OnMethodExit
    public static void exit(@Advice.This Object vertex, @Advice.Return Object result) {
      VertexHooks.afterVertexBackward(vertex, result);
    }
  }
}
