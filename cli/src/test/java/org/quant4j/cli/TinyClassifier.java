package org.quant4j.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.dl4j.QuantModules;

/**
 * A small seeded float classifier of 1x5x5 images (conv 3x3 to 4 channels, dense 16, output 4) saved as a model
 * zip, and CSV images in [-1, 1) labelled in the last column with the network's own predictions (so FP32 top-1
 * is 100%).
 */
final class TinyClassifier {

  static final int IMAGES = 128;
  private static final long SEED = 31L;

  private TinyClassifier() {}

  static MultiLayerNetwork network() {
    QuantModules.deactivate();
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(SEED).list()
        .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(4).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().name("dense").nOut(16).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder().name("out").nOut(4).activation(Activation.SOFTMAX)
            .lossFunction(LossFunctions.LossFunction.MCXENT).build())
        .setInputType(InputType.convolutional(5, 5, 1)).build());
    net.init();
    return net;
  }

  /** Writes the zip and the labelled CSV into a directory. */
  static void write(Path zip, Path csv) throws IOException {
    MultiLayerNetwork net = network();
    ModelSerializer.writeModel(net, new File(zip.toString()), false);
    SplittableRandom r = new SplittableRandom(SEED);
    float[] px = new float[IMAGES * 25];
    for (int i = 0; i < px.length; i++) {
      px[i] = (float) (2 * r.nextDouble() - 1);
    }
    INDArray out = net.output(Nd4j.create(px, new long[] {IMAGES, 1, 5, 5}), false);
    int[] labels = Nd4j.argMax(out, 1).toIntVector();
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < IMAGES; i++) {
      for (int k = 0; k < 25; k++) {
        s.append(px[i * 25 + k]).append(',');
      }
      s.append(labels[i]).append('\n');
    }
    Files.writeString(csv, s.toString());
  }
}
