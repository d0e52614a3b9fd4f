package org.quant4j.onnx;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;

/**
 * RnnOutputLayer (NCW) as DL4J computes it: the same dense layer at every time step. The input
 * {@code [N, C, T]} goes through its quantizer, then {@code Transpose [N, T, C]} and
 * {@code Reshape [N·T, C]}, {@code Gemm} with W transposed (as {@link DenseExporter} writes it, with its
 * int32 bias), the activation on {@code [N·T, nOut]} (softmax over the classes of each step), then
 * {@code Reshape [N, T, nOut]} and {@code Transpose [N, nOut, T]}. The loss plays no part in inference.
 */
final class RnnOutputExporter implements LayerExporter {

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    RnnOutputLayer conf = (RnnOutputLayer) step.conf();
    String name = step.name();
    if (conf.getRnnDataFormat() != RNNFormat.NCW) {
      throw new IllegalArgumentException(step.describe() + ": only NCW data is exported, got " + conf.getRnnDataFormat());
    }
    if (!(step.inputType() instanceof InputType.InputTypeRecurrent in) || in.getTimeSeriesLength() <= 0) {
      throw new IllegalArgumentException(
          step.describe() + ": expects a [batch, features, time] input with a known length, got " + step.inputType());
    }
    long steps = in.getTimeSeriesLength();
    String x = ctx.quantize(name + ExportContext.INPUT, step.input());
    String rows = ctx.reshape(name, ctx.transpose(name, x, 0, 2, 1), -1, in.getSize());
    String w = ctx.weight(name + ".weight", name + ExportContext.WEIGHT, step.param("W"),
        new WeightLayout(v -> v.transpose(), 0));
    List<String> inputs = new ArrayList<>(List.of(rows, w));
    String b = ConvolutionExporter.bias(ctx, step, conf.hasBias(), x, w);
    if (b != null) {
      inputs.add(b);
    }
    String out = ctx.node(name, "Gemm", inputs,
        OnnxGraph.attr("alpha", 1f), OnnxGraph.attr("beta", 1f), OnnxGraph.attr("transB", 1L));
    String activated = ActivationExporter.apply(ctx, name, step.describe(), conf.getActivationFn(), out, 2);
    return ctx.transpose(name, ctx.reshape(name, activated, -1, steps, conf.getNOut()), 0, 2, 1);
  }
}
