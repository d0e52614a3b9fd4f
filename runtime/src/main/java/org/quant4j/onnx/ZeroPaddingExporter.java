package org.quant4j.onnx;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;

/**
 * ZeroPaddingLayer (NCHW, padding [top, bottom, left, right]) as ONNX {@code Pad} with constant zeros:
 * pads {@code [0, 0, top, left, 0, 0, bottom, right]}, an input from opset 11, an attribute before.
 */
final class ZeroPaddingExporter implements LayerExporter {

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    ZeroPaddingLayer conf = (ZeroPaddingLayer) step.conf();
    if (conf.getDataFormat() != CNN2DFormat.NCHW) {
      throw new IllegalArgumentException(step.describe() + ": only NCHW data is exported, got " + conf.getDataFormat());
    }
    int[] p = conf.getPadding();
    long[] pads = {0, 0, p[0], p[2], 0, 0, p[1], p[3]};
    if (ctx.opset() >= 11) {
      return ctx.node(step.name(), "Pad", List.of(step.input(), ctx.int64s(step.name(), pads)));
    }
    return ctx.node(step.name(), "Pad", List.of(step.input()), OnnxGraph.ints("pads", pads));
  }
}
