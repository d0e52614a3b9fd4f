package org.quant4j.onnx;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;

/**
 * LocalResponseNormalization (NCHW) as ONNX {@code LRN}. DL4J's built-in implementation divides by
 * {@code (k + alpha · Σ x_j²)^beta}, the sum over channels {@code c - n/2 .. c + n/2} with
 * {@code n/2} rounded down; ONNX's LRN sums over a window of {@code size} channels centred on c and
 * scales by {@code alpha / size}. So {@code size = 2·⌊n/2⌋ + 1}, ONNX alpha = DL4J alpha × size,
 * {@code bias = k}, same beta. When ND4J runs with oneDNN, DL4J hands the layer to oneDNN's helper,
 * which reads n as the window's half-width; that computation is refused rather than exported as the
 * other.
 */
final class LrnExporter implements LayerExporter {

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    LocalResponseNormalization conf = (LocalResponseNormalization) step.conf();
    if (conf.getDataFormat() != CNN2DFormat.NCHW) {
      throw new IllegalArgumentException(step.describe() + ": only NCHW data is exported, got " + conf.getDataFormat());
    }
    if (BaseMKLDNNHelper.mklDnnEnabled()) {
      throw new IllegalArgumentException(step.describe() + ": ND4J runs LocalResponseNormalization through oneDNN"
          + " here, whose window (n = " + conf.getN() + " channels each side) ONNX LRN does not match; export"
          + " with a CPU backend without oneDNN");
    }
    long size = 2L * ((int) conf.getN() / 2) + 1;
    String x = ctx.quantize(step.name() + ExportContext.INPUT, step.input());
    return ctx.node(step.name(), "LRN", List.of(x),
        OnnxGraph.attr("alpha", (float) (conf.getAlpha() * size)),
        OnnxGraph.attr("beta", (float) conf.getBeta()),
        OnnxGraph.attr("bias", (float) conf.getK()),
        OnnxGraph.attr("size", size));
  }
}
