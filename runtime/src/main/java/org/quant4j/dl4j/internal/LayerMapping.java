package org.quant4j.dl4j.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.quant4j.dl4j.QuantRole;

/**
 * The DL4J layer map, the Java counterpart of the reference's {@code _DEFAULT_QUANT_MAP}: which DL4J
 * 1.0.0-M2.1 layer implementations get quantizers, and for each weight parameter its role and the
 * axes of its output channels (the per-channel amax axes).
 *
 * <p>Weight layouts (M2.1): Dense/Output/RnnOutput/CenterLossOutput {@code [nIn, nOut]}; Convolution1D {@code [nOut, nIn, k, 1]};
 * Convolution 2D/3D {@code [nOut, nIn, k...]}; Deconvolution2D {@code [nIn, nOut, kH, kW]};
 * Deconvolution3D {@code [kD, kH, kW, nOut, nIn]}; DepthwiseConvolution2D {@code [kH, kW, nIn, mult]};
 * SeparableConvolution2D depth-wise {@code [mult, nIn, kH, kW]} and point-wise
 * {@code [nOut, nIn*mult, 1, 1]}; LSTM input {@code [nIn, 4*nOut]} and recurrent {@code [nOut, 4*nOut]};
 * GravesLSTM the same with three peephole columns appended to the recurrent weight,
 * {@code [nOut, 4*nOut + 3]} (each its own channel when per-channel).
 */
enum LayerMapping {
  DENSE("org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer", false, weight("W", QuantRole.WEIGHT, 1)),
  OUTPUT("org.deeplearning4j.nn.layers.OutputLayer", false, weight("W", QuantRole.WEIGHT, 1)),
  RNN_OUTPUT("org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer", false, weight("W", QuantRole.WEIGHT, 1)),
  CENTER_LOSS_OUTPUT("org.deeplearning4j.nn.layers.training.CenterLossOutputLayer", false,
      weight("W", QuantRole.WEIGHT, 1)),
  CONVOLUTION_1D("org.deeplearning4j.nn.layers.convolution.Convolution1DLayer", true,
      weight("W", QuantRole.WEIGHT, 0)),
  CONVOLUTION_2D("org.deeplearning4j.nn.layers.convolution.ConvolutionLayer", false,
      weight("W", QuantRole.WEIGHT, 0)),
  CONVOLUTION_3D("org.deeplearning4j.nn.layers.convolution.Convolution3DLayer", false,
      weight("W", QuantRole.WEIGHT, 0)),
  DECONVOLUTION_2D("org.deeplearning4j.nn.layers.convolution.Deconvolution2DLayer", false,
      weight("W", QuantRole.WEIGHT, 1)),
  DECONVOLUTION_3D("org.deeplearning4j.nn.layers.convolution.Deconvolution3DLayer", false,
      weight("W", QuantRole.WEIGHT, 3)),
  DEPTHWISE_CONVOLUTION_2D("org.deeplearning4j.nn.layers.convolution.DepthwiseConvolution2DLayer", false,
      weight("W", QuantRole.WEIGHT, 2, 3)),
  SEPARABLE_CONVOLUTION_2D("org.deeplearning4j.nn.layers.convolution.SeparableConvolution2DLayer", false,
      weight("W", QuantRole.WEIGHT, 0, 1), weight("pW", QuantRole.POINTWISE_WEIGHT, 0)),
  SUBSAMPLING("org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer", false),
  SUBSAMPLING_1D("org.deeplearning4j.nn.layers.convolution.subsampling.Subsampling1DLayer", false),
  SUBSAMPLING_3D("org.deeplearning4j.nn.layers.convolution.subsampling.Subsampling3DLayer", false),
  GLOBAL_POOLING("org.deeplearning4j.nn.layers.pooling.GlobalPoolingLayer", false),
  LSTM("org.deeplearning4j.nn.layers.recurrent.LSTM", false,
      weight("W", QuantRole.WEIGHT, 1), weight("RW", QuantRole.RECURRENT_WEIGHT, 1)),
  GRAVES_LSTM("org.deeplearning4j.nn.layers.recurrent.GravesLSTM", false,
      weight("W", QuantRole.WEIGHT, 1), weight("RW", QuantRole.RECURRENT_WEIGHT, 1));

  /** The fully qualified name of DL4J's ElementWiseVertex, which gets the residual quantizer. */
  static final String ELEMENT_WISE_VERTEX = "org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex";

  /**
   * One quantized weight parameter.
   *
   * @param paramKey the DL4J parameter key
   * @param role the quantizer role
   * @param channelAxes the output-channel axes of the parameter array
   */
  record WeightParam(String paramKey, QuantRole role, int[] channelAxes) {
    /**
     * Copies the axes.
     */
    WeightParam {
      channelAxes = channelAxes.clone();
    }

    @Override
    public int[] channelAxes() {
      return channelAxes.clone();
    }
  }

  private static final Map<String, LayerMapping> BY_CLASS =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(m -> m.className, Function.identity()));

  private final String className;
  private final boolean weightsViaGetParam;
  private final List<WeightParam> weights;

  LayerMapping(String className, boolean weightsViaGetParam, WeightParam... weights) {
    this.className = className;
    this.weightsViaGetParam = weightsViaGetParam;
    this.weights = List.of(weights);
  }

  private static WeightParam weight(String key, QuantRole role, int... axes) {
    return new WeightParam(key, role, axes);
  }

  /**
   * The row for a layer implementation class, matched by exact name (a subclass the map does not
   * name is not quantized, as in the reference).
   *
   * @param layerClassName the runtime class name of the layer
   * @return the row, or null when the layer is not in the map
   */
  static LayerMapping forClassName(String layerClassName) {
    return BY_CLASS.get(layerClassName);
  }

  /**
   * The fully qualified name of the DL4J layer implementation.
   *
   * @return the class name
   */
  String className() {
    return className;
  }

  /**
   * Whether the layer reads its weights through {@code getParam} rather than
   * {@code getParamWithNoise} (Convolution1DLayer in M2.1).
   *
   * @return true when the getParam hook must serve the quantized weight during compute
   */
  boolean weightsViaGetParam() {
    return weightsViaGetParam;
  }

  /**
   * The quantized weight parameters, in the order their quantizers are named.
   *
   * @return the weights (empty for input-only layers)
   */
  List<WeightParam> weights() {
    return weights;
  }

  /**
   * All layer implementation class names in the map.
   *
   * @return the class names
   */
  static List<String> classNames() {
    return Arrays.stream(values()).map(LayerMapping::className).collect(Collectors.toList());
  }
}
