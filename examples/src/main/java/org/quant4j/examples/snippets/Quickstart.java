package org.quant4j.examples.snippets;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.CsvImages;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.data.LabelColumn;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantState;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.onnx.OnnxExport;

/**
 * The README's quickstart as a whole program that needs only {@code quant4j-runtime} (and what it brings:
 * DL4J and ND4J): a plain DL4J network, a small LeNet-style CNN, trained on scikit-learn's 8×8 digits and
 * saved once (a later run loads the saved model), then {@code QuantModules.initialize()}, calibration,
 * one epoch of quantization-aware training, the quantizer state and a QDQ ONNX export. It needs no JVM
 * option: without {@code --add-modules=jdk.incubator.vector} quant4j says once that it runs its scalar
 * kernels, and gives the same bits.
 *
 * <p>The digits are the class-path resource {@value #DIGITS} (in the quant4j-examples jar; a project of
 * its own puts the file among its resources). Run: {@code java -cp <class path> Quickstart [OUT_DIR]}
 * (default {@code quickstart}); it writes {@code fp32.zip}, {@code amax.json} and {@code model.onnx}
 * there, and prints the top-1 accuracy of each step.
 */
public final class Quickstart {

  /** The class-path resource holding the digits: 1,797 rows of 64 pixels (0..16) and a label. */
  public static final String DIGITS = "/org/quant4j/examples/data/digits.csv.gz";

  private static final long SEED = 42;
  private static final int TRAIN_SIZE = 1437;
  private static final int BATCH = 64;
  private static final int FP32_EPOCHS = 10;

  private Quickstart() {}

  /**
   * Runs the quickstart.
   *
   * @param args the output directory, optional
   * @throws Exception if the data cannot be read or a file cannot be written
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "quickstart");
    Files.createDirectories(dir);
    ImageSet digits = readDigits();
    ImageSet train = digits.subset(0, TRAIN_SIZE);
    ImageSet test = digits.subset(TRAIN_SIZE, digits.size());
    File fp32 = dir.resolve("fp32.zip").toFile();
    if (!fp32.isFile()) {
      // A plain DL4J model, as the user already has one: built and trained without quant4j.
      MultiLayerNetwork plain = new MultiLayerNetwork(plainCnn());
      plain.init();
      plain.fit(ImageSetIterator.shuffled(train, BATCH, SEED), FP32_EPOCHS);
      ModelSerializer.writeModel(plain, fp32, true);
    }

    // [quickstart]
    QuantModules.initialize();                        // before the network is built or loaded
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(fp32, true);
    ImageSetIterator testData = ImageSetIterator.inOrder(test, 500);
    System.out.printf("fp32 (quantizers dynamic) top-1 %.2f%%%n", 100 * net.evaluate(testData).accuracy());

    Calibration.collectStats(net, ImageSetIterator.inOrder(train, 256), 4);  // calibrators collect, quantizers pass through
    Calibration.computeAmax(net, AmaxMethod.PERCENTILE, 99.99);
    Quantizers.of(net).forEach((name, q) -> System.out.println(name + " : " + q));
    System.out.printf("w8a8 PTQ top-1 %.2f%%%n", 100 * net.evaluate(testData).accuracy());

    net.fit(ImageSetIterator.shuffled(train, BATCH, SEED), 1);   // QAT, one epoch
    System.out.printf("w8a8 QAT top-1 %.2f%%%n", 100 * net.evaluate(testData).accuracy());

    QuantState.save(net, dir.resolve("amax.json"));
    OnnxExport.export(net, new long[] {1, 1, 8, 8}, dir.resolve("model.onnx"));   // QDQ for TensorRT
    // [quickstart]
  }

  /**
   * A LeNet-style CNN for 1×8×8 inputs: conv 1→8 3×3 + ReLU → max-pool 2×2/2 → dense 72→32 + ReLU →
   * dense 32→10 + softmax.
   */
  private static MultiLayerConfiguration plainCnn() {
    return new NeuralNetConfiguration.Builder()
        .seed(SEED)
        .updater(new Adam(1e-2))
        .weightInit(WeightInit.XAVIER)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).name("conv1").nIn(1).nOut(8).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).name("pool1").kernelSize(2, 2).stride(2, 2).build())
        .layer(new DenseLayer.Builder().name("fc1").nOut(32).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("fc2").nOut(10)
            .activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(8, 8, 1))
        .build();
  }

  private static ImageSet readDigits() throws IOException {
    try (InputStream raw = Quickstart.class.getResourceAsStream(DIGITS)) {
      if (raw == null) {
        throw new IOException("class-path resource " + DIGITS + " is missing, expected scikit-learn's digits.csv.gz");
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
      return CsvImages.read(in, DIGITS, 1, 8, 8, 16f, LabelColumn.LAST);
    }
  }
}
