package org.quant4j.onnx;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;

/**
 * Transposed convolutions as ONNX {@code ConvTranspose}, whose weight is [C_in, C_out, k...]:
 * Deconvolution2D's W [nIn, nOut, kH, kW] already is (per-channel axis 1); Deconvolution3D's
 * W [kD, kH, kW, nOut, nIn] is permuted to [nIn, nOut, kD, kH, kW] (DL4J's axis 3 becomes ONNX's 1).
 * Followed by the layer's activation.
 */
final class DeconvolutionExporter implements LayerExporter {

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    ConvolutionLayer conf = (ConvolutionLayer) step.conf();
    String name = step.name();
    boolean threeD = conf instanceof Deconvolution3D;
    if (threeD && ((Deconvolution3D) conf).getDataFormat() != Convolution3D.DataFormat.NCDHW) {
      throw new IllegalArgumentException(step.describe() + ": only NCDHW data is exported");
    }
    if (!threeD && conf.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
      throw new IllegalArgumentException(step.describe() + ": only NCHW data is exported, got " + conf.getCnn2dDataFormat());
    }
    ConvGeometry.Window win = ConvolutionExporter.window(conf, threeD ? 3 : 2);
    long[] pads = ConvGeometry.transposed(conf.getConvolutionMode(), win, ConvGeometry.spatial(step.inputType()),
        ConvGeometry.spatial(conf.getOutputType(-1, step.inputType())), step.describe());
    String x = ctx.quantize(name + ExportContext.INPUT, step.input());
    WeightLayout layout =
        threeD ? new WeightLayout(v -> v.permute(4, 3, 0, 1, 2), 1) : WeightLayout.same(1);
    String weight = ctx.weight(name + ".weight", name + ExportContext.WEIGHT, step.param("W"), layout);
    List<String> inputs = new ArrayList<>(List.of(x, weight));
    // float bias: ONNX Runtime has no integer ConvTranspose kernel to hand an int32 bias to
    String bias = ConvolutionExporter.bias(ctx, step, conf.hasBias(), null, null);
    if (bias != null) {
      inputs.add(bias);
    }
    String out =
        ctx.node(name, "ConvTranspose", inputs, ConvolutionExporter.attributes(win, 1, pads));
    return ActivationExporter.apply(ctx, name, step.describe(), conf.getActivationFn(), out, step.inputRank());
  }
}
