package org.quant4j.onnx;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;

/**
 * Upsampling2D (NCHW), which repeats each pixel {@code size[0]} times down and {@code size[1]} times
 * across, as ONNX {@code Resize} in nearest mode with scales {@code [1, 1, size[0], size[1]]},
 * {@code asymmetric} coordinates and {@code floor} rounding: output pixel (y, x) reads input pixel
 * (⌊y / size[0]⌋, ⌊x / size[1]⌋), exactly DL4J's repetition. Those attributes exist from opset 11.
 */
final class UpsamplingExporter implements LayerExporter {

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    Upsampling2D conf = (Upsampling2D) step.conf();
    if (conf.getFormat() != CNN2DFormat.NCHW) {
      throw new IllegalArgumentException(step.describe() + ": only NCHW data is exported, got " + conf.getFormat());
    }
    if (ctx.opset() < 11) {
      throw new IllegalArgumentException(step.describe() + ": Resize with floor rounding needs opset 11 or later, got "
          + ctx.opset());
    }
    int[] size = conf.getSize();
    String scope = step.name();
    String scales = ctx.graph().constant(scope,
        OnnxTensors.floats("", new long[] {4}, new float[] {1f, 1f, size[0], size[1]}));
    return ctx.node(scope, "Resize", List.of(step.input(), "", scales),
        OnnxGraph.string("coordinate_transformation_mode", "asymmetric"),
        OnnxGraph.string("mode", "nearest"),
        OnnxGraph.string("nearest_mode", "floor"));
  }
}
