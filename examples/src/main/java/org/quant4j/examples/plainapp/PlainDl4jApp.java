package org.quant4j.examples.plainapp;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.ViewIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A small DL4J application that knows nothing of quant4j: it trains a three-layer classifier on {@link GaussianBlobs}
 * and evaluates it. Its output is meant to be read by a program: one {@code key=value} per line.
 *
 * <pre>
 * PlainDl4jApp train MODEL                 train, save the model (ModelSerializer zip), print accuracy=
 * PlainDl4jApp eval MODEL OUTPUTS [twin]   load, evaluate the test set, write its class probabilities (CSV, one
 *                                          row per sample), print accuracy=; with "twin", evaluate the network and
 *                                          its ComputationGraph twin and average them (two networks in one JVM)
 * PlainDl4jApp tune MODEL TUNED            load, train one more epoch, save it as TUNED, print accuracy=
 * PlainDl4jApp                             train and evaluate in memory
 * </pre>
 */
public final class PlainDl4jApp {
  private static final long SEED = 20261127L;
  private static final int TRAIN_SAMPLES = 2048;
  private static final int TEST_SAMPLES = 1000;
  private static final int EPOCHS = 15;
  private static final int BATCH = 64;

  private PlainDl4jApp() {}

  /**
   * Runs the application.
   *
   * @param args see the class comment
   * @throws IOException if the model or outputs cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    GaussianBlobs task = new GaussianBlobs(SEED);
    DataSet test = testSet();
    if (args.length == 0) {
      MultiLayerNetwork net = train(task);
      report("accuracy", accuracy(net.output(test.getFeatures()), test.getLabels()));
    } else if (args[0].equals("train") && args.length == 2) {
      MultiLayerNetwork net = train(task);
      ModelSerializer.writeModel(net, new File(args[1]), false);
      report("accuracy", accuracy(net.output(test.getFeatures()), test.getLabels()));
    } else if (args[0].equals("tune") && args.length == 3) {
      MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new File(args[1]), false);
      net.fit(new ViewIterator(task.sample(TRAIN_SAMPLES, SEED + 3), BATCH), 1);
      ModelSerializer.writeModel(net, new File(args[2]), false);
      report("accuracy", accuracy(net.output(test.getFeatures()), test.getLabels()));
    } else if (args[0].equals("eval") && (args.length == 3 || args.length == 4 && args[3].equals("twin"))) {
      MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new File(args[1]), false);
      INDArray probabilities = net.output(test.getFeatures());
      if (args.length == 4) {
        ComputationGraph twin = net.toComputationGraph();
        probabilities = probabilities.add(twin.outputSingle(test.getFeatures())).divi(2);
      }
      writeCsv(probabilities, Path.of(args[2]));
      report("accuracy", accuracy(probabilities, test.getLabels()));
    } else {
      System.err.println("usage: PlainDl4jApp [train MODEL | eval MODEL OUTPUTS [twin] | tune MODEL TUNED]");
      System.exit(2);
    }
  }

  /**
   * The test set {@code eval} evaluates, in the order of the rows of its outputs file.
   *
   * @return features [1000, 8] and one-hot labels [1000, 4], the same on every call
   */
  public static DataSet testSet() {
    return new GaussianBlobs(SEED).sample(TEST_SAMPLES, SEED + 2);
  }

  private static MultiLayerNetwork train(GaussianBlobs task) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(SEED)
        .dataType(DataType.FLOAT)
        .updater(new Adam(1e-2))
        .weightInit(WeightInit.XAVIER)
        .list()
        .layer(new DenseLayer.Builder().name("hidden1").nIn(GaussianBlobs.FEATURES).nOut(32)
            .activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().name("hidden2").nIn(32).nOut(16).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nIn(16)
            .nOut(GaussianBlobs.CLASSES).activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    DataSet train = task.sample(TRAIN_SAMPLES, SEED + 1);
    net.fit(new ViewIterator(train, BATCH), EPOCHS);
    return net;
  }

  private static double accuracy(INDArray probabilities, INDArray labels) {
    INDArray predicted = probabilities.argMax(1);
    INDArray actual = labels.argMax(1);
    return predicted.eq(actual).castTo(DataType.DOUBLE).meanNumber().doubleValue();
  }

  private static void writeCsv(INDArray probabilities, Path file) throws IOException {
    float[][] rows = probabilities.toFloatMatrix();
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      for (float[] row : rows) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < row.length; c++) {
          line.append(c == 0 ? "" : ",").append(Float.toString(row[c]));
        }
        out.println(line);
      }
    }
  }

  private static void report(String key, double value) {
    System.out.println(key + "=" + String.format(Locale.ROOT, "%.6f", value));
  }
}
