package org.quant4j.dl4j.internal;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import com.google.auto.service.AutoService;
import java.io.File;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * {@code ModelSerializer}: quantizer state survives {@code writeModel} / {@code restore*} on files as
 * a sibling file {@code <model file>.quant4j.json} (the model zip itself is left exactly as DL4J
 * writes it, so any DL4J reader still opens it). Stream overloads have no file name and carry no
 * state; use {@link QuantState} for those.
 */
@AutoService(QuantInstrumentation.class)
public final class ModelSerializerInstrumentation implements QuantInstrumentation {

  @Override
  public List<String> typeNames() {
    return List.of("org.deeplearning4j.util.ModelSerializer");
  }

  @Override
  public AgentBuilder.Transformer transformer() {
    return (builder, type, loader, module, domain) -> builder
        .visit(Advice.to(WriteAdvice.class).on(named("writeModel")
            .and(takesArguments(4).and(takesArgument(1, File.class))
                .or(takesArguments(3).and(takesArgument(1, String.class))))))
        .visit(Advice.to(RestoreAdvice.class).on(
            namedOneOf("restoreMultiLayerNetwork", "restoreComputationGraph")
                .and(takesArguments(2)).and(takesArgument(0, File.class))));
  }

  /** Inlined at the end of {@code writeModel(Model, File|String, boolean[, DataNormalization])}. */
  public static final class WriteAdvice {
    private WriteAdvice() {}

    /**
     * Writes the sibling state file.
     *
     * @param model the model
     * @param file the file or path
     */
    @Advice.OnMethodExit
    public static void exit(@Advice.Argument(0) Object model, @Advice.Argument(1) Object file) {
      ModelSerializerHooks.afterModelWritten(model, file);
    }
  }

  /** Inlined at the end of {@code restoreMultiLayerNetwork/restoreComputationGraph(File, boolean)}. */
  public static final class RestoreAdvice {
    private RestoreAdvice() {}

    /**
     * Loads the sibling state file.
     *
     * @param file the model file
     * @param model the restored model
     */
    @Advice.OnMethodExit
    public static void exit(@Advice.Argument(0) Object file, @Advice.Return Object model) {
      ModelSerializerHooks.afterModelRestored(model, file);
    }
  }
}
