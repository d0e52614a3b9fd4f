package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.TensorQuant;

/**
 * Every row of DESIGN.md's layer map, on a real DL4J network of that layer followed by a loss layer:
 * the quantized forward equals the plain layer on fake-quantized input and weights, the gradients
 * equal the plain gradients at the fake-quantized point with the input gradient masked where
 * |x| > amax, and after training steps the float weights are off the quantization grid.
 */
class LayerMapCoverageTest {

  /** A layer-map row: the layer, its input, its loss layer, and its weights' channel axes. */
  record Row(String name, Layer layer, InputType inputType, long[] inputShape, Layer loss,
      Map<String, int[]> weightAxes) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Map<String, int[]> axes(Object... keyThenAxes) {
    Map<String, int[]> m = new LinkedHashMap<>();
    for (int i = 0; i < keyThenAxes.length; i += 2) {
      m.put((String) keyThenAxes[i], (int[]) keyThenAxes[i + 1]);
    }
    return m;
  }

  private static Layer mse2d() {
    return new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build();
  }

  private static Layer mseCnn() {
    return new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build();
  }

  private static Layer mseCnn3d() {
    return new Cnn3DLossLayer.Builder(Convolution3D.DataFormat.NCDHW).lossFunction(LossFunctions.LossFunction.MSE)
        .activation(Activation.IDENTITY).build();
  }

  private static Layer mseRnn() {
    return new RnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build();
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row("DenseLayer", new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build(),
            InputType.feedForward(6), new long[] {4, 6}, mse2d(), axes("W", new int[] {1})),
        new Row("OutputLayer", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
            .activation(Activation.IDENTITY).build(),
            InputType.feedForward(6), new long[] {4, 6}, null, axes("W", new int[] {1})),
        // NCW: the layer computes with its [nOut, nIn, k, 1] buffer reshaped to [k, nIn, nOut], so the output
        // channel of element f is f mod nOut: the last axis of the buffer seen as [k * nIn, nOut] (NCW_CHANNELS)
        new Row("Convolution1DLayer", new Convolution1DLayer.Builder().kernelSize(3).nOut(3)
            .activation(Activation.IDENTITY).build(),
            InputType.recurrent(2, 7), new long[] {2, 2, 7}, mseRnn(), axes("W", NCW_CHANNELS)),
        new Row("ConvolutionLayer", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.IDENTITY).build(),
            InputType.convolutional(6, 6, 2), new long[] {2, 2, 6, 6}, mseCnn(), axes("W", new int[] {0})),
        new Row("Convolution3DLayer", new Convolution3D.Builder().kernelSize(2, 2, 2).nOut(3)
            .activation(Activation.IDENTITY).build(),
            InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 4, 4, 4, 2), new long[] {2, 2, 4, 4, 4},
            mseCnn3d(), axes("W", new int[] {0})),
        new Row("Deconvolution2DLayer", new Deconvolution2D.Builder().kernelSize(2, 2).stride(2, 2).nOut(3)
            .activation(Activation.IDENTITY).build(),
            InputType.convolutional(4, 4, 2), new long[] {2, 2, 4, 4}, mseCnn(), axes("W", new int[] {1})),
        new Row("Deconvolution3DLayer", new Deconvolution3D.Builder().kernelSize(2, 2, 2).stride(2, 2, 2).nOut(3)
            .dataFormat(Convolution3D.DataFormat.NCDHW).activation(Activation.IDENTITY).build(),
            InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 3, 3, 3, 2), new long[] {2, 2, 3, 3, 3},
            mseCnn3d(), axes("W", new int[] {3})),
        new Row("DepthwiseConvolution2DLayer", new DepthwiseConvolution2D.Builder().kernelSize(2, 2).depthMultiplier(2)
            .nOut(4).activation(Activation.IDENTITY).build(),
            InputType.convolutional(5, 5, 2), new long[] {2, 2, 5, 5}, mseCnn(), axes("W", new int[] {2, 3})),
        new Row("SeparableConvolution2DLayer", new SeparableConvolution2D.Builder().kernelSize(2, 2).depthMultiplier(2)
            .nOut(3).activation(Activation.IDENTITY).build(),
            InputType.convolutional(5, 5, 2), new long[] {2, 2, 5, 5}, mseCnn(),
            axes("W", new int[] {0, 1}, "pW", new int[] {0})),
        new Row("SubsamplingLayer", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(),
            InputType.convolutional(6, 6, 2), new long[] {2, 2, 6, 6}, mseCnn(), axes()),
        new Row("Subsampling1DLayer", new Subsampling1DLayer.Builder(PoolingType.AVG).kernelSize(2).stride(2).build(),
            InputType.recurrent(2, 8), new long[] {2, 2, 8}, mseRnn(), axes()),
        new Row("Subsampling3DLayer", new Subsampling3DLayer.Builder(PoolingType.MAX).kernelSize(2, 2, 2)
            .stride(2, 2, 2).build(),
            InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 4, 4, 4, 2), new long[] {2, 2, 4, 4, 4},
            mseCnn3d(), axes()),
        new Row("GlobalPoolingLayer", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(),
            InputType.convolutional(4, 4, 3), new long[] {2, 3, 4, 4}, mse2d(), axes()),
        new Row("LSTM", new LSTM.Builder().nOut(4).activation(Activation.TANH).build(),
            InputType.recurrent(3, 5), new long[] {2, 3, 5}, mseRnn(),
            axes("W", new int[] {1}, "RW", new int[] {1})));
  }

  private static MultiLayerConfiguration conf(Row row) {
    NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(42)
        .dataType(DataType.FLOAT).updater(new Sgd(0.1)).list().layer(row.layer().clone());
    if (row.loss() != null) {
      b.layer(row.loss().clone());
    }
    return b.setInputType(row.inputType()).build();
  }

  private static INDArray input(Row row) {
    Nd4j.getRandom().setSeed(11);
    return Nd4j.randn(DataType.FLOAT, row.inputShape()).muli(2);
  }

  /** max|x| * 0.6: clips the largest inputs so the gradient mask is exercised. */
  private static float inputAmax(INDArray x) {
    return Transforms.maxAbs(x) * 0.6f;
  }

  /** Marks a Convolution1D weight in NCW, whose output channel is its flat index modulo nOut. */
  private static final int[] NCW_CHANNELS = {};

  private static INDArray fakeQuantPerChannel(INDArray w, int[] channelAxes) {
    if (channelAxes == NCW_CHANNELS) {
      long nOut = w.size(0);
      INDArray seen = w.dup('c').reshape('c', w.length() / nOut, nOut);
      return fakeQuantPerChannel(seen, new int[] {1}).reshape('c', w.shape());
    }
    int[] reduce = IntStream.range(0, w.rank()).filter(d -> IntStream.of(channelAxes).noneMatch(a -> a == d))
        .toArray();
    INDArray amax = TensorQuant.reduceAmax(w, reduce, true);
    return TensorQuant.fakeTensorQuant(w, amax, 8, false, false);
  }

  /** The quantized network and the plain one holding fake-quantized weights, same parameters. */
  private record Pairing(MultiLayerNetwork quantized, MultiLayerNetwork plainAtQuantizedPoint, INDArray x,
      INDArray xq, float amax) {}

  private static Pairing pair(Row row) {
    MultiLayerNetwork q = Networks.quantized(conf(row));
    MultiLayerNetwork plain = Networks.plain(conf(row));
    plain.setParams(q.params().dup());
    INDArray x = input(row);
    float amax = inputAmax(x);
    Quantizers.of(q).get("layer0._input_quantizer").setAmax(amax);
    row.weightAxes().forEach((key, axes) ->
        plain.getLayer(0).setParam(key, fakeQuantPerChannel(plain.getLayer(0).getParam(key), axes)));
    INDArray xq = TensorQuant.fakeTensorQuant(x, Nd4j.scalar(amax), 8, false, false);
    return new Pairing(q, plain, x, xq, amax);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void layerGetsItsQuantizers(Row row) {
    MultiLayerNetwork q = Networks.quantized(conf(row));
    List<String> expected = new ArrayList<>(List.of("layer0._input_quantizer"));
    row.weightAxes().keySet().forEach(k -> expected.add("layer0." + switch (k) {
      case "W" -> "_weight_quantizer";
      case "pW" -> "_pointwise_weight_quantizer";
      default -> "_recurrent_weight_quantizer";
    }));
    assertEquals(expected, List.copyOf(Quantizers.of(q).keySet()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void forwardEqualsPlainLayerOnFakeQuantizedInputAndWeights(Row row) {
    Pairing p = pair(row);
    INDArray expected = p.plainAtQuantizedPoint().output(p.xq());
    INDArray actual = p.quantized().output(p.x());
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(expected.dup('c').data().asFloat(), actual.dup('c').data().asFloat(), 1e-6f);
    assertTrue(bitsDiffer(p.x(), p.xq()) > 0, "the input grid must change the input");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void gradientsEqualPlainGradientsAtTheQuantizedPointWithTheInputGradientMasked(Row row) {
    Pairing p = pair(row);
    INDArray labels = Nd4j.rand(DataType.FLOAT, p.plainAtQuantizedPoint().output(p.xq()).shape());
    Pair<Gradient, INDArray> expected =
        p.plainAtQuantizedPoint().calculateGradients(p.xq(), labels, null, null);
    Pair<Gradient, INDArray> actual = p.quantized().calculateGradients(p.x(), labels, null, null);
    for (Map.Entry<String, INDArray> e : expected.getFirst().gradientForVariable().entrySet()) {
      INDArray a = actual.getFirst().gradientForVariable().get(e.getKey());
      assertNotNull(a, e.getKey());
      assertArrayEquals(e.getValue().dup('c').data().asFloat(), a.dup('c').data().asFloat(), 1e-5f, e.getKey());
    }
    INDArray mask = Transforms.abs(p.x()).lte(p.amax()).castTo(DataType.FLOAT);
    INDArray expectedEps = expected.getSecond().mul(mask);
    assertTrue(mask.minNumber().floatValue() == 0f, "some inputs must be clipped");
    assertArrayEquals(expectedEps.dup('c').data().asFloat(), actual.getSecond().dup('c').data().asFloat(), 1e-5f);
  }

  /** The rows whose layer has weights (the pooling rows have none to train). */
  static Stream<Row> weightedRows() {
    return rows().filter(r -> !r.weightAxes().isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("weightedRows")
  void floatWeightsStayOffTheGridAfterTraining(Row row) {
    Pairing p = pair(row);
    INDArray labels = Nd4j.rand(DataType.FLOAT, p.quantized().output(p.x()).shape());
    for (int i = 0; i < 3; i++) {
      p.quantized().fit(p.x(), labels);
    }
    Map<String, TensorQuantizer> q = Quantizers.of(p.quantized());
    row.weightAxes().forEach((key, axes) -> {
      INDArray w = p.quantized().getLayer(0).getParam(key);
      INDArray onGrid = fakeQuantPerChannel(w, axes);
      long off = bitsDiffer(w, onGrid);
      assertTrue(off > w.length() / 2, key + ": " + off + " of " + w.length() + " weights off the grid");
    });
    assertEquals(row.weightAxes().size() + 1, q.size());
  }

  /** How many elements of two same-shaped float arrays differ in their bits. */
  private static long bitsDiffer(INDArray a, INDArray b) {
    float[] x = a.dup('c').data().asFloat();
    float[] y = b.dup('c').data().asFloat();
    return IntStream.range(0, x.length)
        .filter(i -> Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])).count();
  }

  /** Small helpers over ND4J transforms. */
  private static final class Transforms {
    static float maxAbs(INDArray x) {
      return org.nd4j.linalg.ops.transforms.Transforms.abs(x, true).maxNumber().floatValue();
    }

    static INDArray abs(INDArray x) {
      return org.nd4j.linalg.ops.transforms.Transforms.abs(x, true);
    }
  }
}
