package org.quant4j.onnx;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.SpaceToDepthLayer;

/**
 * SpaceToDepthLayer (NCHW) as ONNX {@code SpaceToDepth}. DL4J's block order is ONNX's: output channel
 * {@code (by · b + bx) · C + c} holds input channel c at offset (by, bx) of each b×b block (measured on
 * DL4J 1.0.0-M2.1, and checked against ONNX Runtime by the tests).
 */
final class SpaceToDepthExporter implements LayerExporter {

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    SpaceToDepthLayer conf = (SpaceToDepthLayer) step.conf();
    if (conf.getDataFormat() != CNN2DFormat.NCHW) {
      throw new IllegalArgumentException(
          step.describe() + ": only NCHW data is exported, got " + conf.getDataFormat());
    }
    return ctx.node(step.name(), "SpaceToDepth", List.of(step.input()),
        OnnxGraph.attr("blocksize", (long) conf.getBlockSize()));
  }
}
