package org.quant4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.L2NormalizeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SpaceToDepthLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.conformance.OnnxRuntimeRunner;
import org.quant4j.dl4j.QuantConfig;

/**
 * The layers the DL4J zoo needs beyond the basic table, each in a small network: quantized ones
 * (LSTM with RnnOutputLayer, LastTimeStep, GravesLSTM, CenterLossOutputLayer) match DL4J's fake-quant
 * output within the one-step bound of docs/onnx.md; the others (SpaceToDepth, L2NormalizeVertex,
 * CnnLossLayer and RnnLossLayer softmax, also at opset 11) match DL4J's float output to float rounding.
 * A layer the export cannot write is refused, naming it, before any file exists.
 */
class OnnxZooLayersTest {

  @TempDir
  Path dir;

  private static RnnOutputLayer rnnOut(int nOut) {
    return new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(nOut)
        .activation(Activation.SOFTMAX).build();
  }

  @Test
  void lstmWithRnnOutputLayerMatchesDl4jFakeQuant() throws Exception {
    MultiLayerNetwork net = OnnxQuantizedNetworkTest.quantized(QuantConfig.DEFAULT, () -> {
      MultiLayerNetwork m = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(41).list()
          .layer(new LSTM.Builder().name("lstm").nOut(8).activation(Activation.TANH).build())
          .layer(rnnOut(5)).setInputType(InputType.recurrent(6, 7)).build());
      m.init();
      return m;
    });
    OnnxQuantizedNetworkTest.calibrateExportAndCompare("LSTM + RnnOutputLayer", net, new long[] {3, 6, 7}, "out");
  }

  @Test
  void gravesLstmWithPeepholesAndLastTimeStepMatchDl4jFakeQuant() throws Exception {
    MultiLayerNetwork net = OnnxQuantizedNetworkTest.quantized(QuantConfig.DEFAULT, () -> {
      MultiLayerNetwork m = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(42).list()
          .layer(new GravesLSTM.Builder().name("graves").nOut(8).activation(Activation.TANH).build())
          .layer(new LastTimeStep(new LSTM.Builder().name("last").nOut(6).activation(Activation.TANH).build()))
          .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).name("out").nOut(4)
              .activation(Activation.IDENTITY).build())
          .setInputType(InputType.recurrent(5, 9)).build());
      m.init();
      // peepholes are initialised to zero-ish values; make them matter
      m.getLayer(0).getParam("RW").muli(3);
      return m;
    });
    OnnxQuantizedNetworkTest.calibrateExportAndCompare("GravesLSTM + LastTimeStep(LSTM)", net, new long[] {2, 5, 9},
        "out");
  }

  @Test
  void centerLossOutputLayerAfterL2NormalizeMatchesDl4jFakeQuant() throws Exception {
    ComputationGraph net = OnnxQuantizedNetworkTest.quantized(QuantConfig.DEFAULT, () -> {
      ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(43).graphBuilder()
          .addInputs("input")
          .addLayer("fc", new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build(), "input")
          .addVertex("l2", new L2NormalizeVertex(), "fc")
          .addLayer("out", new CenterLossOutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX)
              .lossFunction(LossFunctions.LossFunction.MCXENT).build(), "l2")
          .setOutputs("out").setInputTypes(InputType.feedForward(10)).build());
      g.init();
      return g;
    });
    OnnxQuantizedNetworkTest.calibrateExportAndCompare("L2Normalize + CenterLossOutputLayer", net, new long[] {4, 10},
        "out");
  }

  @Test
  void spaceToDepthL2NormalizeAndChannelSoftmaxMatchDl4jAtOpsets11And13() throws Exception {
    ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(44).graphBuilder()
        .addInputs("input")
        .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
            .activation(Activation.RELU).build(), "input")
        .addLayer("s2d", new SpaceToDepthLayer.Builder().blocks(2).build(), "conv")
        .addVertex("l2", new L2NormalizeVertex(), "s2d")
        .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
            .build(), "l2")
        .setOutputs("loss").setInputTypes(InputType.convolutional(6, 8, 2)).build());
    net.init();
    INDArray x = Nd4j.randn(DataType.FLOAT, 2, 2, 6, 8);
    INDArray want = net.outputSingle(x.dup());
    for (int opset : new int[] {11, 13}) {
      INDArray got = OnnxRuntimeRunner.run(OnnxExport.toBytes(net, Map.of(), new long[] {2, 2, 6, 8},
          ExportOptions.builder().opset(opset).build()), "input", x);
      assertArrayEquals(want.shape(), got.shape());
      double diff = want.sub(got).amaxNumber().doubleValue();
      assertTrue(diff < 1e-6, "opset " + opset + ": max |DL4J - ORT| = " + diff);
    }
  }

  @Test
  void rnnLossLayerSoftmaxRunsPerTimeStep() throws Exception {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(45).list()
        .layer(new LSTM.Builder().nOut(5).activation(Activation.TANH).build())
        .layer(new RnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.recurrent(3, 4)).build());
    net.init();
    INDArray x = Nd4j.randn(DataType.FLOAT, 2, 3, 4);
    INDArray got = OnnxRuntimeRunner.run(OnnxExport.toBytes(net, Map.of(), new long[] {2, 3, 4},
        ExportOptions.builder().opset(11).build()), "input", x);
    assertTrue(net.output(x.dup()).sub(got).amaxNumber().doubleValue() < 1e-6);
  }

  @Test
  void aLayerTheExportCannotWriteIsRefusedByNameBeforeAnyFileExists() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(46).list()
        .layer(new SimpleRnn.Builder().nOut(4).build())
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
        .setInputType(InputType.recurrent(3, 5)).build());
    net.init();
    Path out = dir.resolve("refused.onnx");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExport.export(net, new long[] {1, 3, 5}, out));
    assertTrue(e.getMessage().contains("layer 'layer0'") && e.getMessage().contains("SimpleRnn"), e.getMessage());
    assertTrue(!Files.exists(out), "nothing is written");
  }
}
