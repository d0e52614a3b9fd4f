package org.quant4j.agent.it;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.ViewIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantState;

/**
 * A small convolutional application for the state-file round trips ({@code StateRoundTripIT}): 8x8 one-channel
 * images through conv, max-pool and a softmax layer. Without quant4j on its class path it is an application the
 * agent quantizes; with quant4j it also runs the API side ({@code api-*}).
 *
 * <pre>
 * CnnHost make MODEL IMAGES.csv           build (seeded weights) and save the model; write 64 calibration images
 * CnnHost eval MODEL OUTPUTS [twin]       restore, run the fixed batch, write its outputs (CSV); with "twin" also
 *                                         run the ComputationGraph twin (two networks)
 * CnnHost api-eval MODEL STATE OUTPUTS    QuantModules.initialize(), restore, QuantState.load(STATE), as eval
 * CnnHost api-save MODEL IMAGES.csv STATE QuantModules.initialize(), restore, calibrate (max) on the images,
 *                                         QuantState.save(STATE)
 * </pre>
 */
public final class CnnHost {
  private static final long SEED = 20261207L;
  private static final int SIDE = 8;

  private CnnHost() {}

  /**
   * Runs a command.
   *
   * @param args see the class comment
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    switch (args[0]) {
      case "make" -> make(Path.of(args[1]), Path.of(args[2]));
      case "eval" -> eval(Path.of(args[1]), Path.of(args[2]), args.length > 3 && args[3].equals("twin"));
      case "api-eval" -> ApiSide.eval(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
      case "api-save" -> ApiSide.save(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  private static void make(Path model, Path images) throws IOException {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(SEED)
        .dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).list()
        .layer(new ConvolutionLayer.Builder(3, 3).name("conv1").nOut(4).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool1").kernelSize(2, 2)
            .stride(2, 2).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
            .activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(SIDE, SIDE, 1))
        .build());
    net.init();
    ModelSerializer.writeModel(net, model.toFile(), false);
    Random random = new Random(SEED);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(images, StandardCharsets.UTF_8))) {
      for (int n = 0; n < 64; n++) {
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < SIDE * SIDE; i++) {
          row.append(i == 0 ? "" : ",").append(random.nextInt(256));
        }
        out.println(row);
      }
    }
  }

  /** The batch every eval runs: 16 images in [0, 1], the same on every call. */
  static INDArray batch() {
    Random random = new Random(SEED + 1);
    float[] pixels = new float[16 * SIDE * SIDE];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat();
    }
    return Nd4j.create(pixels, new long[] {16, 1, SIDE, SIDE}, 'c');
  }

  static void eval(Path model, Path outputs, boolean twin) throws IOException {
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), false);
    INDArray out = net.output(batch());
    if (twin) {
      ComputationGraph graph = net.toComputationGraph();
      out = out.add(graph.outputSingle(batch())).divi(2);
    }
    writeCsv(out, outputs);
  }

  static void writeCsv(INDArray probabilities, Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    for (float[] row : probabilities.toFloatMatrix()) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        line.append(c == 0 ? "" : ",").append(Float.toString(row[c]));
      }
      lines.add(line.toString());
    }
    Files.write(file, lines);
  }

  /** The images of {@code make}'s CSV, scaled to [0, 1] as {@code quant4j calibrate} scales them. */
  static ViewIterator images(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    float[] pixels = new float[lines.size() * SIDE * SIDE];
    int p = 0;
    for (String line : lines) {
      for (String cell : line.split(",")) {
        pixels[p++] = Float.parseFloat(cell) / 255f;
      }
    }
    INDArray features = Nd4j.create(pixels, new long[] {lines.size(), 1, SIDE, SIDE}, 'c');
    return new ViewIterator(new DataSet(features, Nd4j.zeros(DataType.FLOAT, lines.size(), 3)), 16);
  }

  /** The commands that use quant4j's API; this class is loaded only when one of them runs. */
  private static final class ApiSide {
    private ApiSide() {}

    static void eval(Path model, Path state, Path outputs) throws IOException {
      QuantModules.initialize();
      Model net = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), false);
      QuantState.load(net, state);
      writeCsv(((MultiLayerNetwork) net).output(batch()), outputs);
    }

    static void save(Path model, Path images, Path state) throws IOException {
      QuantModules.initialize();
      MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), false);
      Calibration.collectStats(net, images(images), 4);
      Calibration.computeAmax(net, AmaxMethod.MAX);
      QuantState.save(net, state);
    }
  }
}
