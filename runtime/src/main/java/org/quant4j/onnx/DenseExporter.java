package org.quant4j.onnx;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;

/**
 * DenseLayer and OutputLayer as ONNX {@code Gemm(x, W, b, transB=1)}, then the activation (an output
 * layer's loss function plays no part in inference). DL4J's W [nIn, nOut] is written transposed, as
 * [nOut, nIn], the layout of PyTorch's Linear in {@code golden/onnx_export.json}, so a per-output-channel
 * weight quantizer (DL4J axis 1) becomes ONNX axis 0.
 */
final class DenseExporter implements LayerExporter {

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    FeedForwardLayer conf = (FeedForwardLayer) step.conf();
    String name = step.name();
    if (step.inputRank() != 2) {
      throw new IllegalArgumentException(
          step.describe() + ": expects a 2-D [batch, features] input, got " + step.inputType());
    }
    boolean hasBias;
    if (conf instanceof DenseLayer dense) {
      if (dense.hasLayerNorm()) {
        throw new IllegalArgumentException(step.describe() + ": layer normalization is not exported");
      }
      hasBias = dense.hasBias();
    } else {
      hasBias = ((BaseOutputLayer) conf).hasBias();
    }
    String x = ctx.quantize(name + ExportContext.INPUT, step.input());
    String w = ctx.weight(name + ".weight", name + ExportContext.WEIGHT, step.param("W"),
        new WeightLayout(v -> v.transpose(), 0));
    List<String> inputs = new ArrayList<>(List.of(x, w));
    String b = ConvolutionExporter.bias(ctx, step, hasBias, x, w);
    if (b != null) {
      inputs.add(b);
    }
    String out =
        ctx.node(name, "Gemm", inputs,
            OnnxGraph.attr("alpha", 1f), OnnxGraph.attr("beta", 1f), OnnxGraph.attr("transB", 1L));
    return ActivationExporter.apply(ctx, name, step.describe(), conf.getActivationFn(), out, 2);
  }
}
