package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A torch quant module of a {@code modules} case as the DL4J layer of DESIGN.md's layer map that
 * computes the same function: QuantLinear → DenseLayer, QuantConv1d/2d/3d → Convolution1DLayer /
 * ConvolutionLayer (DepthwiseConvolution2D when {@code groups == in_channels}) / Convolution3D,
 * QuantConvTranspose2d/3d → Deconvolution2D/3D, QuantMax/AvgPool1d/2d/3d → Subsampling1DLayer /
 * SubsamplingLayer / Subsampling3DLayer, QuantAdaptiveAvgPool to size 1 → GlobalPoolingLayer. Torch
 * arguments DL4J has no counterpart for (groups other than depth-wise, circular padding, output
 * padding, ceil mode, returned indices, a divisor override, adaptive pooling to other sizes, instance
 * norm) make the case {@link Mapping#notReplayed not replayed}, with the reason.
 *
 * <p>Weight layouts: torch Linear {@code [out, in]} is DL4J's {@code [in, out]} transposed; torch
 * convolution weights {@code [out, in, k...]} are DL4J's as they are (Convolution1D gains a trailing
 * 1); a depth-wise torch weight {@code [in·m, 1, kH, kW]} is DL4J's {@code [kH, kW, in, m]}; torch
 * ConvTranspose2d {@code [in, out, kH, kW]} is Deconvolution2D's as it is, and ConvTranspose3d
 * {@code [in, out, kD, kH, kW]} is Deconvolution3D's {@code [kD, kH, kW, out, in]}. Biases become a
 * row {@code [1, out]}.
 *
 * @param layout how the torch tensors map onto the layer's
 * @param layer the DL4J layer configuration
 * @param params the DL4J parameters by key, in DL4J's layout
 * @param torchWeightShape the torch weight's shape, or null for a layer without weights
 * @param weightPerChannel whether the case quantizes the weight per output channel
 * @param fanIn the number of terms summed into one output element (products and bias), for the bound
 * @param exact whether the layer does no arithmetic on its quantized input (max pooling)
 */
record ModuleLayer(Layout layout, Layer layer, Map<String, INDArray> params, long[] torchWeightShape,
    boolean weightPerChannel, long fanIn, boolean exact) {

  /** How a module's torch tensors map onto its DL4J layer's. */
  enum Layout {
    /** DenseLayer: weight transposed, leading input dimensions folded into the batch. */
    DENSE(1),
    /**
     * Convolution1DLayer: the weight buffer read as [k, nIn, nOut]; its quantizer sees it as [k·nIn, nOut] and
     * quantizes along axis 1 (see {@link #quantizerView}).
     */
    CONVOLUTION_1D(1),
    /** ConvolutionLayer, Convolution3D, Deconvolution2D: the weight as it is. */
    AS_IS(0),
    /** Deconvolution2D: the weight as it is, output channels on axis 1. */
    DECONVOLUTION_2D(1),
    /** Deconvolution3D: torch [in, out, k...] as [k..., out, in]. */
    DECONVOLUTION_3D(3),
    /** DepthwiseConvolution2D: torch [in·m, 1, kH, kW] as [kH, kW, in, m]. */
    DEPTHWISE(2, 3),
    /** Pooling: no weight. */
    NO_WEIGHT();

    private final int[] channelAxes;

    Layout(int... channelAxes) {
      this.channelAxes = channelAxes;
    }
  }

  /**
   * The axes of the DL4J weight that hold its output channels, as the layer map quantizes them.
   *
   * @return the axes
   */
  int[] weightChannelAxes() {
    return layout.channelAxes.clone();
  }

  /**
   * A torch input as the layer takes it.
   *
   * @param x the torch input
   * @return the DL4J input
   */
  INDArray layerInput(INDArray x) {
    return layout == Layout.DENSE && x.rank() > 2 ? x.dup('c').reshape(-1, x.size(x.rank() - 1)) : x;
  }

  /**
   * A DL4J output (or quantized input) in the torch tensor's shape.
   *
   * @param y the DL4J array
   * @param torchShape the torch shape
   * @return y reshaped, or y when it has that shape already
   */
  static INDArray torchShaped(INDArray y, long[] torchShape) {
    return java.util.Arrays.equals(y.shape(), torchShape) ? y : y.dup('c').reshape(torchShape);
  }

  /**
   * The DL4J weight as the layer's weight quantizer sees it: a Convolution1D weight {@code [nOut, nIn, k, 1]},
   * whose buffer the layer reads as {@code [k, nIn, nOut]}, as {@code [k·nIn, nOut]}; any other weight as it is.
   *
   * @param w the DL4J weight parameter
   * @return the view the quantizer works on
   */
  INDArray quantizerView(INDArray w) {
    return layout == Layout.CONVOLUTION_1D ? w.reshape(w.ordering(), w.length() / w.size(0), w.size(0)) : w;
  }

  /**
   * A quantized {@link #quantizerView} back in the DL4J weight's shape.
   *
   * @param seen the quantized view
   * @param w the DL4J weight parameter
   * @return the values in {@code w}'s shape
   */
  INDArray fromQuantizerView(INDArray seen, INDArray w) {
    return seen.reshape(w.ordering(), w.shape());
  }

  /**
   * A DL4J weight in torch's layout.
   *
   * @param w the DL4J weight
   * @return the torch-layout weight
   */
  INDArray torchWeight(INDArray w) {
    long[] t = torchWeightShape;
    return switch (layout) {
      case DENSE -> w.transpose().dup('c');
      case CONVOLUTION_1D -> w.dup('c').reshape(t[2], t[1], t[0]).permute(2, 1, 0).dup('c');
      case DEPTHWISE -> w.permute(2, 3, 0, 1).dup('c').reshape(t);
      case DECONVOLUTION_3D -> w.permute(4, 3, 0, 1, 2).dup('c');
      default -> w.dup('c').reshape(t);
    };
  }

  /**
   * A case's module as a DL4J layer, or why it has none.
   *
   * @param layer the layer, or null
   * @param notReplayed why there is no layer, or null
   */
  record Mapping(ModuleLayer layer, String notReplayed) {}

  /**
   * Maps a module call onto its DL4J layer.
   *
   * @param call the module call
   * @param params the case's torch parameters ({@code weight}, {@code bias})
   * @param inputShape the shape of the case's input
   * @param weightPerChannel whether the weight descriptor quantizes per output channel
   * @return the mapping
   */
  static Mapping of(ModuleCall call, JsonNode params, long[] inputShape, boolean weightPerChannel) {
    String cls = call.className();
    String torchOnly = torchOnlyArgument(call);
    if (torchOnly != null) {
      return new Mapping(null, torchOnly);
    }
    INDArray w = params.has("weight") ? GoldenTensors.decode(params.get("weight")) : null;
    INDArray b = params.has("bias") ? GoldenTensors.decode(params.get("bias")) : null;
    int rank = inputShape.length - 2;
    if (cls.equals("QuantLinear")) {
      return linear(w, b, weightPerChannel);
    }
    if (cls.startsWith("QuantConvTranspose")) {
      return deconvolution(call, w, b, rank, weightPerChannel);
    }
    if (cls.startsWith("QuantConv")) {
      return convolution(call, w, b, rank, weightPerChannel);
    }
    if (cls.startsWith("QuantMaxPool") || cls.startsWith("QuantAvgPool")) {
      return pooling(call, rank);
    }
    if (cls.startsWith("QuantAdaptiveAvgPool")) {
      int[] size = call.ints(0, "output_size", rank, 1);
      if (Arrays.stream(size).anyMatch(s -> s != 1)) {
        return new Mapping(null, "DL4J has no adaptive pooling to an output size other than 1 (got "
            + Arrays.toString(size) + ")");
      }
      long window = Arrays.stream(inputShape, 2, inputShape.length).reduce(1, (a, c) -> a * c);
      return new Mapping(new ModuleLayer(Layout.NO_WEIGHT, new GlobalPoolingLayer.Builder(PoolingType.AVG)
          .collapseDimensions(false).build(), Map.of(), null, false, window + 1, false), null);
    }
    if (cls.startsWith("QuantInstanceNorm")) {
      return new Mapping(null, "the DL4J layer map has no instance normalization layer");
    }
    return new Mapping(null, "the DL4J layer map has no layer for " + cls);
  }

  /** A torch argument with no DL4J counterpart, as a reason; null when there is none. */
  private static String torchOnlyArgument(ModuleCall call) {
    String mode = call.text("padding_mode", "zeros");
    if (!mode.equals("zeros")) {
      return "DL4J convolutions pad only with zeros (padding_mode='" + mode + "')";
    }
    if (call.keywords().containsKey("output_padding")
        && Arrays.stream(call.ints(-1, "output_padding", 1, 0)).anyMatch(p -> p != 0)) {
      return "DL4J deconvolutions have no output_padding";
    }
    if (call.flag("ceil_mode", false)) {
      return "DL4J pooling has no ceil_mode";
    }
    if (call.flag("return_indices", false)) {
      return "DL4J pooling does not return indices";
    }
    if (!call.text("divisor_override", "None").equals("None")) {
      return "DL4J average pooling has no divisor_override";
    }
    String padding = call.keywords().get("padding");
    if (padding != null && padding.matches("['\"].*")) {
      return "padding given as a string (" + padding + ")";
    }
    return null;
  }

  private static Mapping linear(INDArray w, INDArray b, boolean perChannel) {
    Map<String, INDArray> p = new LinkedHashMap<>();
    p.put("W", w.transpose().dup('c'));
    if (b != null) {
      p.put("b", b.reshape(1, b.length()));
    }
    Layer layer = new DenseLayer.Builder().nIn(w.size(1)).nOut(w.size(0)).hasBias(b != null)
        .activation(Activation.IDENTITY).build();
    return new Mapping(new ModuleLayer(Layout.DENSE, layer, p, w.shape(), perChannel, w.size(1) + 1, false), null);
  }

  private static Mapping convolution(ModuleCall call, INDArray w, INDArray b, int rank, boolean perChannel) {
    long out = w.size(0);
    long inPerGroup = w.size(1);
    int groups = call.ints(6, "groups", 1, 1)[0];
    int[] k = Arrays.stream(Arrays.copyOfRange(w.shape(), 2, w.rank())).mapToInt(Math::toIntExact).toArray();
    int[] stride = call.ints(3, "stride", rank, 1);
    int[] padding = call.ints(4, "padding", rank, 0);
    int[] dilation = call.ints(5, "dilation", rank, 1);
    long in = inPerGroup * groups;
    long fanIn = w.length() / out + 1;
    Map<String, INDArray> p = new LinkedHashMap<>();
    Layer layer;
    Layout layout = Layout.AS_IS;
    if (groups != 1) {
      if (rank != 2 || inPerGroup != 1 || out % in != 0) {
        return new Mapping(null, "DL4J convolutions have no groups (groups=" + groups
            + "); only a 2-D depth-wise convolution (groups == in_channels) maps, onto DepthwiseConvolution2D");
      }
      long mult = out / in;
      layout = Layout.DEPTHWISE;
      p.put("W", w.reshape(in, mult, k[0], k[1]).permute(2, 3, 0, 1).dup('c'));
      layer = new DepthwiseConvolution2D.Builder().kernelSize(k).stride(stride).padding(padding).dilation(dilation)
          .depthMultiplier(Math.toIntExact(mult)).nIn(in).nOut(out).hasBias(b != null)
          .convolutionMode(ConvolutionMode.Truncate).dataFormat(CNN2DFormat.NCHW)
          .activation(Activation.IDENTITY).build();
    } else if (rank == 1) {
      // Convolution1DLayer (NCW) reads its [nOut, nIn, k, 1] parameter buffer as [k, nIn, nOut] (a
      // reshape, not a permute), so torch's [out, in, k] goes in as that buffer.
      layout = Layout.CONVOLUTION_1D;
      p.put("W", w.permute(2, 1, 0).dup('c').reshape(out, in, k[0], 1));
      layer = new Convolution1DLayer.Builder().kernelSize(k[0]).stride(stride[0]).padding(padding[0])
          .dilation(dilation[0]).nIn(in).nOut(out).hasBias(b != null).convolutionMode(ConvolutionMode.Truncate)
          .rnnDataFormat(RNNFormat.NCW).activation(Activation.IDENTITY).build();
    } else if (rank == 2) {
      p.put("W", w.dup('c'));
      layer = new ConvolutionLayer.Builder().kernelSize(k).stride(stride).padding(padding).dilation(dilation)
          .nIn(in).nOut(out).hasBias(b != null).convolutionMode(ConvolutionMode.Truncate)
          .dataFormat(CNN2DFormat.NCHW).activation(Activation.IDENTITY).build();
    } else {
      p.put("W", w.dup('c'));
      layer = new Convolution3D.Builder().kernelSize(k).stride(stride).padding(padding).dilation(dilation)
          .nIn(in).nOut(out).hasBias(b != null).convolutionMode(ConvolutionMode.Truncate)
          .dataFormat(Convolution3D.DataFormat.NCDHW).activation(Activation.IDENTITY).build();
    }
    if (b != null) {
      p.put("b", b.reshape(1, out));
    }
    return new Mapping(new ModuleLayer(layout, layer, p, w.shape(), perChannel, fanIn, false), null);
  }

  private static Mapping deconvolution(ModuleCall call, INDArray w, INDArray b, int rank, boolean perChannel) {
    int groups = call.ints(-1, "groups", 1, 1)[0];
    if (groups != 1) {
      return new Mapping(null, "DL4J deconvolutions have no groups (groups=" + groups + ")");
    }
    if (rank == 1) {
      return new Mapping(null, "the DL4J layer map has no 1-D deconvolution");
    }
    long in = w.size(0);
    long out = w.size(1);
    int[] k = Arrays.stream(Arrays.copyOfRange(w.shape(), 2, w.rank())).mapToInt(Math::toIntExact).toArray();
    int[] stride = call.ints(-1, "stride", rank, 1);
    int[] padding = call.ints(-1, "padding", rank, 0);
    int[] dilation = call.ints(-1, "dilation", rank, 1);
    Map<String, INDArray> p = new LinkedHashMap<>();
    Layer layer;
    Layout layout;
    if (rank == 2) {
      layout = Layout.DECONVOLUTION_2D;
      p.put("W", w.dup('c'));
      layer = new Deconvolution2D.Builder().kernelSize(k).stride(stride).padding(padding).dilation(dilation)
          .nIn(in).nOut(out).hasBias(b != null).convolutionMode(ConvolutionMode.Truncate)
          .dataFormat(CNN2DFormat.NCHW).activation(Activation.IDENTITY).build();
    } else {
      layout = Layout.DECONVOLUTION_3D;
      p.put("W", w.permute(2, 3, 4, 1, 0).dup('c'));
      layer = new Deconvolution3D.Builder().kernelSize(k).stride(stride).padding(padding).dilation(dilation)
          .nIn(in).nOut(out).hasBias(b != null).convolutionMode(ConvolutionMode.Truncate)
          .dataFormat(Convolution3D.DataFormat.NCDHW).activation(Activation.IDENTITY).build();
    }
    if (b != null) {
      p.put("b", b.reshape(1, out));
    }
    // Each output element sums at most in * prod(k) products, plus the bias.
    return new Mapping(new ModuleLayer(layout, layer, p, w.shape(), perChannel, w.length() / out + 1, false),
        null);
  }

  private static Mapping pooling(ModuleCall call, int rank) {
    boolean max = call.className().startsWith("QuantMaxPool");
    int[] k = call.ints(0, "kernel_size", rank, 1);
    int[] stride = call.keywords().containsKey("stride") || call.positional().size() > 1
        ? call.ints(1, "stride", rank, 1) : k;
    int[] padding = call.ints(2, "padding", rank, 0);
    int[] dilation = max ? call.ints(3, "dilation", rank, 1) : new int[] {1, 1, 1};
    boolean includePad = call.flag("count_include_pad", true);
    PoolingType type = max ? PoolingType.MAX : PoolingType.AVG;
    Layer layer;
    if (rank == 1) {
      if (dilation[0] != 1) {
        return new Mapping(null, "DL4J's Subsampling1DLayer has no dilation");
      }
      if (padding[0] != 0) {
        return new Mapping(null, "DL4J's Subsampling1DLayer pads its unit second dimension too (padding="
            + padding[0] + " gives an output of width 2 there)");
      }
      layer = new Subsampling1DLayer.Builder(type).kernelSize(k[0]).stride(stride[0]).padding(padding[0])
          .avgPoolIncludePadInDivisor(includePad).convolutionMode(ConvolutionMode.Truncate).build();
    } else if (rank == 2) {
      layer = new SubsamplingLayer.Builder(type).kernelSize(k).stride(stride).padding(padding)
          .dilation(dilation[0], dilation[1]).avgPoolIncludePadInDivisor(includePad)
          .convolutionMode(ConvolutionMode.Truncate).dataFormat(CNN2DFormat.NCHW).build();
    } else {
      if (!max && Arrays.stream(padding).anyMatch(p -> p != 0)) {
        return new Mapping(null, "DL4J's 3-D average pooling does not say how it counts padding");
      }
      layer = new Subsampling3DLayer.Builder(type).kernelSize(k).stride(stride).padding(padding)
          .dilation(dilation[0], dilation[1], dilation[2]).convolutionMode(ConvolutionMode.Truncate)
          .dataFormat(Convolution3D.DataFormat.NCDHW).build();
    }
    long window = Arrays.stream(k).asLongStream().reduce(1, (a, c) -> a * c);
    return new Mapping(new ModuleLayer(Layout.NO_WEIGHT, layer, Map.of(), null, false, window + 1, max), null);
  }
}
