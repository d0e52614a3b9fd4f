package org.quant4j.onnx;

import org.quant4j.conformance.OnnxRuntimeRunner;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.*;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Float networks (no quantizers) exported and run in ONNX Runtime: every operator mapping must
 * reproduce DL4J's own output to float32 rounding (the measured differences are below 1e-7).
 */
class OnnxFloatExportTest {

  /** Float paths agree to accumulation-order rounding; 1e-6 leaves a margin over the measured 6e-8. */
  static final double FLOAT_TOLERANCE = 1e-6;

  static void assertOrtMatches(Model net, long[] shape, double tol) throws Exception {
    Nd4j.getRandom().setSeed(7);
    INDArray x = Nd4j.randn(DataType.FLOAT, shape);
    INDArray expected = net instanceof MultiLayerNetwork m ? m.output(x.dup()) : ((ComputationGraph) net).outputSingle(x.dup());
    byte[] model = OnnxExport.toBytes(net, Map.of(), shape, ExportOptions.defaults());
    INDArray actual = OnnxRuntimeRunner.run(model, "input", x);
    assertArrayEquals(expected.shape(), actual.shape());
    double diff = expected.sub(actual).amaxNumber().doubleValue();
    assertTrue(diff <= tol, "max |dl4j - ort| = " + diff);
  }

  @Test
  void lenetWithFlatInputMatchesDl4j() throws Exception {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
        .layer(new ConvolutionLayer.Builder(5, 5).nOut(6).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build())
        .layer(new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder().nOut(10).activation(Activation.SOFTMAX).lossFunction(LossFunctions.LossFunction.MCXENT).build())
        .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
    net.init();
    assertOrtMatches(net, new long[] {2, 784}, FLOAT_TOLERANCE);
  }

  @Test
  void depthwiseSeparableDeconvolutionAndBatchNormMatchDl4j() throws Exception {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same).activation(Activation.TANH).build())
        .layer(new BatchNormalization.Builder().build())
        .layer(new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2).activation(Activation.LEAKYRELU).build())
        .layer(new SeparableConvolution2D.Builder(3, 3).depthMultiplier(2).nOut(3).convolutionMode(ConvolutionMode.Same).activation(Activation.SIGMOID).build())
        .layer(new Deconvolution2D.Builder(3, 3).stride(2, 2).nOut(3).activation(Activation.IDENTITY).build())
        .layer(new Deconvolution2D.Builder(2, 2).stride(2, 2).nOut(2).convolutionMode(ConvolutionMode.Same).activation(Activation.ELU).build())
        .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
        .layer(new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).lossFunction(LossFunctions.LossFunction.MCXENT).build())
        .setInputType(InputType.convolutional(9, 9, 2)).build());
    net.init();
    assertOrtMatches(net, new long[] {2, 2, 9, 9}, FLOAT_TOLERANCE);
  }

  @Test
  void convolution1dLstmAnd3dLayersMatchDl4j() throws Exception {
    MultiLayerNetwork rnn = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
        .layer(new Convolution1DLayer.Builder().nOut(4).kernelSize(3).convolutionMode(ConvolutionMode.Causal).activation(Activation.RELU).build())
        .layer(new Subsampling1DLayer.Builder().kernelSize(2).stride(2).build())
        .layer(new LSTM.Builder().nOut(5).activation(Activation.TANH).build())
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
        .layer(new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).lossFunction(LossFunctions.LossFunction.MCXENT).build())
        .setInputType(InputType.recurrent(2, 10)).build());
    rnn.init();
    assertOrtMatches(rnn, new long[] {2, 2, 10}, FLOAT_TOLERANCE);
    MultiLayerNetwork c3 = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
        .layer(new Convolution3D.Builder(2, 2, 2).nOut(4).activation(Activation.RELU).build())
        .layer(new Deconvolution3D.Builder().kernelSize(2, 2, 2).stride(2, 2, 2).nOut(3).activation(Activation.IDENTITY).build())
        .layer(new Subsampling3DLayer.Builder().kernelSize(2, 2, 2).stride(2, 2, 2).build())
        .layer(new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).lossFunction(LossFunctions.LossFunction.MCXENT).build())
        .setInputType(InputType.convolutional3D(5, 5, 5, 2)).build());
    c3.init();
    assertOrtMatches(c3, new long[] {1, 2, 5, 5, 5}, FLOAT_TOLERANCE);
  }

  @Test
  void residualGraphWithMergeMatchesDl4j() throws Exception {
    ComputationGraph cg = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
        .addInputs("in")
        .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "in")
        .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), "conv1")
        .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv2", "conv1")
        .addLayer("conv3", new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.IDENTITY).build(), "add")
        .addVertex("merge", new MergeVertex(), "add", "conv3")
        .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "merge")
        .addLayer("out", new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).lossFunction(LossFunctions.LossFunction.MCXENT).build(), "pool")
        .setOutputs("out").setInputTypes(InputType.convolutional(6, 6, 3)).build());
    cg.init();
    assertOrtMatches(cg, new long[] {2, 3, 6, 6}, FLOAT_TOLERANCE);
  }
}
