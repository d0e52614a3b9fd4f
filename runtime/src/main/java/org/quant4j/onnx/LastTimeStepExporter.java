package org.quant4j.onnx;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;

/**
 * LastTimeStep: its wrapped recurrent layer (written by that layer's exporter under the wrapper's name,
 * which DL4J also gives the wrapped layer and its quantizers), then the last step of the
 * {@code [N, C, T]} output, {@code Slice} on axis 2 and {@code Squeeze}, giving {@code [N, C]}. Without a
 * mask every sequence ends at step T-1, which is the step DL4J takes; masks are not exported.
 */
final class LastTimeStepExporter implements LayerExporter {

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    LastTimeStep conf = (LastTimeStep) step.conf();
    LayerStep inner = new LayerStep(step.name(), conf.getUnderlying(), step.params(), step.input(), step.inputType());
    String sequence = LayerExporters.of(inner).export(ctx, inner);
    String scope = step.name();
    String last = ctx.node(scope, "Slice", List.of(sequence, ctx.int64s(scope, -1), ctx.int64s(scope, Integer.MAX_VALUE),
        ctx.int64s(scope, 2)));
    return ctx.squeeze(scope, last, 2);
  }
}
