package org.quant4j.onnx;

import java.util.ArrayList;
import java.util.List;
import onnx.Onnx.AttributeProto;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Convolutions as ONNX {@code Conv}, channels first:
 *
 * <ul>
 *   <li>ConvolutionLayer: W [nOut, nIn, kH, kW] is ONNX's layout; per-channel axis 0.
 *   <li>Convolution1DLayer: DL4J reads its W [nOut, nIn, k, 1] as [k, nIn, nOut] by a reshape; that
 *       kernel, permuted to [nOut, nIn, k], is the 1-D Conv's weight on [N, C, T].
 *   <li>Convolution3D (NCDHW): W [nOut, nIn, kD, kH, kW] is ONNX's layout.
 *   <li>DepthwiseConvolution2D: W [kH, kW, nIn, mult] becomes a grouped Conv (group nIn) with weight
 *       [nIn·mult, 1, kH, kW]; output channel c·mult + m, as DL4J orders them.
 *   <li>SeparableConvolution2D: the depthwise W [mult, nIn, kH, kW] as above without bias, then a 1×1
 *       Conv with pW [nOut, nIn·mult, 1, 1] and the bias. The input quantizer sits before the first,
 *       the weight quantizers on each weight; nothing is quantized between the two, as in DL4J.
 * </ul>
 *
 * Each is followed by the layer's activation.
 */
final class ConvolutionExporter implements LayerExporter {

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    ConvolutionLayer conf = (ConvolutionLayer) step.conf();
    String name = step.name();
    boolean oneD = conf instanceof Convolution1DLayer;
    boolean threeD = conf instanceof Convolution3D;
    requireChannelsFirst(conf, step);
    ConvGeometry.Window win = window(conf, oneD ? 1 : threeD ? 3 : 2);
    long[] pads = ConvGeometry.forward(conf.getConvolutionMode(), win, ConvGeometry.spatial(step.inputType()),
        ConvGeometry.spatial(conf.getOutputType(-1, step.inputType())));
    String x = ctx.quantize(name + ExportContext.INPUT, step.input());
    INDArray w = step.param("W");
    String out;
    if (conf instanceof DepthwiseConvolution2D) {
      long nIn = w.size(2);
      String weight = ctx.weight(name + ".weight", name + ExportContext.WEIGHT, w, depthwise(w.size(3), 2, 3, 0, 1));
      out = conv(ctx, name, x, weight, bias(ctx, step, conf.hasBias(), x, weight), attributes(win, nIn, pads));
    } else if (conf instanceof SeparableConvolution2D) {
      long nIn = w.size(1);
      String weight = ctx.weight(name + ".weight", name + ExportContext.WEIGHT, w, depthwise(w.size(0), 1, 0, 2, 3));
      String depthwiseOut = conv(ctx, name, x, weight, null, attributes(win, nIn, pads));
      String pointwise =
          ctx.weight(name + ".pointwise_weight", name + ExportContext.POINTWISE_WEIGHT, step.param("pW"), WeightLayout.same(0));
      out = conv(ctx, name, depthwiseOut, pointwise, bias(ctx, step, conf.hasBias(), depthwiseOut, pointwise),
          attributes(new ConvGeometry.Window(new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}), 1,
              new long[4]));
    } else {
      WeightLayout layout = oneD ? conv1d(w.ordering()) : WeightLayout.same(0);
      String weight = ctx.weight(name + ".weight", name + ExportContext.WEIGHT, w, layout);
      out = conv(ctx, name, x, weight, bias(ctx, step, conf.hasBias(), x, weight), attributes(win, 1, pads));
    }
    return ActivationExporter.apply(ctx, name, step.describe(), conf.getActivationFn(), out, step.inputRank());
  }

  /**
   * The layout of a Convolution1DLayer weight. DL4J M2.1 hands libnd4j's conv1d (weights [k, nIn, nOut])
   * its [nOut, nIn, k, 1] parameter reshaped, not permuted, in the parameter's own ordering
   * ({@code Convolution1DUtils.reshapeWeightArrayOrGradientForFormat}); the export takes that same
   * reshape and permutes it to ONNX's [nOut, nIn, k].
   */
  private static WeightLayout conv1d(char ordering) {
    return new WeightLayout(v -> v.reshape(ordering, v.size(2), v.size(1), v.size(0)).permute(2, 1, 0), 0);
  }

  /**
   * The layout of a depthwise weight: permuted to [nIn, mult, kH, kW], then merged to
   * [nIn·mult, 1, kH, kW].
   */
  private static WeightLayout depthwise(long mult, int inAxis, int multAxis, int hAxis, int wAxis) {
    return new WeightLayout(
        v -> {
          INDArray p = v.permute(inAxis, multAxis, hAxis, wAxis).dup('c');
          return p.reshape('c', p.size(0) * mult, 1, p.size(2), p.size(3));
        },
        0);
  }

  private static String conv(ExportContext ctx, String scope, String x, String w, String b, AttributeProto[] attrs) {
    List<String> inputs = new ArrayList<>(List.of(x, w));
    if (b != null) {
      inputs.add(b);
    }
    return ctx.node(scope, "Conv", inputs, attrs);
  }

  /**
   * The bias of an operator reading {@code input} and {@code weight}: int32 through DequantizeLinear
   * or float, as {@link ExportContext#bias} decides; null when the layer has none.
   */
  static String bias(ExportContext ctx, LayerStep step, boolean hasBias, String input, String weight) {
    if (!hasBias) {
      return null;
    }
    INDArray b = step.param("b");
    return ctx.bias(step.name() + ".bias", b.reshape(b.length()), input, weight);
  }

  /** The attributes of Conv and ConvTranspose, in the order PyTorch's exporter writes them. */
  static AttributeProto[] attributes(ConvGeometry.Window win, long group, long[] pads) {
    return new AttributeProto[] {
      OnnxGraph.ints("dilations", ConvGeometry.longs(win.dilation())),
      OnnxGraph.attr("group", group),
      OnnxGraph.ints("kernel_shape", ConvGeometry.longs(win.kernel())),
      OnnxGraph.ints("pads", pads),
      OnnxGraph.ints("strides", ConvGeometry.longs(win.stride()))
    };
  }

  /** A convolution layer's window, cut to its spatial rank. */
  static ConvGeometry.Window window(ConvolutionLayer conf, int n) {
    return ConvGeometry.Window.of(conf.getKernelSize(), conf.getStride(), conf.getPadding(), conf.getDilation(), n);
  }

  private static void requireChannelsFirst(ConvolutionLayer conf, LayerStep step) {
    if (conf instanceof Convolution1DLayer c1 && c1.getRnnDataFormat() != RNNFormat.NCW) {
      throw new IllegalArgumentException(step.describe() + ": only NCW data is exported, got " + c1.getRnnDataFormat());
    }
    if (conf instanceof Convolution3D c3 && c3.getDataFormat() != Convolution3D.DataFormat.NCDHW) {
      throw new IllegalArgumentException(step.describe() + ": only NCDHW data is exported, got " + c3.getDataFormat());
    }
    if (!(conf instanceof Convolution1DLayer) && !(conf instanceof Convolution3D)
        && conf.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
      throw new IllegalArgumentException(step.describe() + ": only NCHW data is exported, got " + conf.getCnn2dDataFormat());
    }
  }
}
