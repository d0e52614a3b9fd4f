package org.quant4j.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx.AttributeProto;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * Pooling, channels first. Subsampling (1-D, 2-D, 3-D): MAX → MaxPool (with dilations), AVG →
 * AveragePool ({@code count_include_pad} from {@code avgPoolIncludePadInDivisor}), PNORM → LpPool.
 * GlobalPooling over all spatial axes: MAX → GlobalMaxPool, AVG → GlobalAveragePool, PNORM →
 * GlobalLpPool, SUM → ReduceSum; then Flatten when DL4J collapses the result to [batch, channels].
 * The input quantizer, if the layer has one, comes first.
 */
final class PoolingExporter implements LayerExporter {

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    String x = ctx.quantize(step.name() + ExportContext.INPUT, step.input());
    if (step.conf() instanceof GlobalPoolingLayer global) {
      return global(ctx, step, global, x);
    }
    if (step.conf() instanceof Subsampling3DLayer pool3) {
      if (pool3.getDataFormat() != Convolution3D.DataFormat.NCDHW) {
        throw new IllegalArgumentException(step.describe() + ": only NCDHW data is exported");
      }
      return window(ctx, step, x, pool3.getPoolingType(), pool3.getConvolutionMode(), ConvGeometry.Window.of(
          pool3.getKernelSize(), pool3.getStride(), pool3.getPadding(), pool3.getDilation(), 3), 2, false);
    }
    SubsamplingLayer pool = (SubsamplingLayer) step.conf();
    boolean oneD = pool instanceof Subsampling1DLayer;
    if (!oneD && pool.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
      throw new IllegalArgumentException(step.describe() + ": only NCHW data is exported, got " + pool.getCnn2dDataFormat());
    }
    return window(ctx, step, x, pool.getPoolingType(), pool.getConvolutionMode(), ConvGeometry.Window.of(
        pool.getKernelSize(), pool.getStride(), pool.getPadding(), pool.getDilation(), oneD ? 1 : 2),
        pool.getPnorm(), pool.isAvgPoolIncludePadInDivisor());
  }

  private static String window(ExportContext ctx, LayerStep step, String x, PoolingType type, ConvolutionMode mode,
      ConvGeometry.Window win, int pnorm, boolean includePad) {
    long[] pads = ConvGeometry.forward(mode, win, ConvGeometry.spatial(step.inputType()),
        ConvGeometry.spatial(step.conf().getOutputType(-1, step.inputType())));
    boolean dilated = win.dilated();
    List<AttributeProto> attrs = new ArrayList<>();
    String op;
    switch (type) {
      case MAX -> {
        op = "MaxPool";
        if (dilated) {
          attrs.add(OnnxGraph.ints("dilations", ConvGeometry.longs(win.dilation())));
        }
      }
      case AVG -> {
        op = "AveragePool";
        attrs.add(OnnxGraph.attr("count_include_pad", includePad ? 1L : 0L));
      }
      case PNORM -> {
        op = "LpPool";
        attrs.add(OnnxGraph.attr("p", (long) pnorm));
      }
      default -> throw new IllegalArgumentException(step.describe() + ": pooling type " + type + " is not exported");
    }
    if (dilated && type != PoolingType.MAX) {
      throw new IllegalArgumentException(step.describe() + ": dilated " + type + " pooling is not exported");
    }
    attrs.add(OnnxGraph.ints("kernel_shape", ConvGeometry.longs(win.kernel())));
    attrs.add(OnnxGraph.ints("pads", pads));
    attrs.add(OnnxGraph.ints("strides", ConvGeometry.longs(win.stride())));
    return ctx.node(step.name(), op, List.of(x), attrs.toArray(AttributeProto[]::new));
  }

  private static String global(ExportContext ctx, LayerStep step, GlobalPoolingLayer conf, String x) {
    int rank = step.inputRank();
    int[] dims = conf.getPoolingDimensions();
    long[] spatial = new long[rank - 2];
    for (int i = 0; i < spatial.length; i++) {
      spatial[i] = i + 2;
    }
    if (rank < 3 || (dims != null && !Arrays.equals(ConvGeometry.longs(dims), spatial))) {
      throw new IllegalArgumentException(
          step.describe() + ": only pooling over all spatial axes of a channels-first input is exported, got dims "
              + Arrays.toString(dims) + " on " + step.inputType());
    }
    String pooled =
        switch (conf.getPoolingType()) {
          case MAX -> ctx.node(step.name(), "GlobalMaxPool", List.of(x));
          case AVG -> ctx.node(step.name(), "GlobalAveragePool", List.of(x));
          case PNORM -> ctx.node(step.name(), "GlobalLpPool", List.of(x), OnnxGraph.attr("p", (long) conf.getPnorm()));
          case SUM -> ctx.reduceSum(step.name(), x, spatial);
          default -> throw new IllegalArgumentException(
              step.describe() + ": pooling type " + conf.getPoolingType() + " is not exported");
        };
    return conf.isCollapseDimensions()
        ? ctx.node(step.name(), "Flatten", List.of(pooled), OnnxGraph.attr("axis", 1L))
        : pooled;
  }
}
