package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantState;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.onnx.ExportOptions;
import org.quant4j.onnx.OnnxExport;
import picocli.CommandLine;

/** {@code quant4j export} on a ModelSerializer zip and a QuantState file. */
class ExportCommandTest {

  @Test
  void exportWritesTheSameModelAsTheApiFromAZipAndAnAmaxFile(@TempDir Path dir) throws Exception {
    MultiLayerNetwork net;
    QuantModules.initialize(QuantConfig.DEFAULT);
    try {
      net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
          .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(2).activation(Activation.RELU).build())
          .layer(new OutputLayer.Builder().name("out").nOut(3).activation(Activation.SOFTMAX)
              .lossFunction(LossFunctions.LossFunction.MCXENT).build())
          .setInputType(InputType.convolutional(5, 5, 1)).build());
      net.init();
    } finally {
      QuantModules.deactivate();
    }
    float amax = 1f;
    for (TensorQuantizer q : Quantizers.of(net).values()) {
      q.setAmax(amax += 0.5f);
    }
    Path zip = dir.resolve("model.zip");
    Path state = dir.resolve("amax.json");
    Path onnx = dir.resolve("model.onnx");
    ModelSerializer.writeModel(net, new File(zip.toString()), false);
    QuantState.save(net, state);
    int status = new CommandLine(new Quant4jCommand()).execute("export", "--model", zip.toString(), "--amax",
        state.toString(), "--input-shape", "1,1,5,5", "--out", onnx.toString());
    assertEquals(0, status);
    assertArrayEquals(
        OnnxExport.toBytes(net, OnnxExport.quantizersOf(net), new long[] {1, 1, 5, 5}, ExportOptions.defaults()),
        Files.readAllBytes(onnx));
  }

  @Test
  void exportReportsAMissingModelAsBadInput(@TempDir Path dir) {
    int status = Quant4jCommand.commandLine().execute("export", "--model", dir.resolve("none.zip").toString(),
        "--input-shape", "1,4", "--out", dir.resolve("x.onnx").toString());
    assertEquals(2, status);
    assertTrue(Files.notExists(dir.resolve("x.onnx")));
  }
}
