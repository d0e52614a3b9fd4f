package org.quant4j.examples.snippets;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantState;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.examples.data.DigitsFixture;
import org.quant4j.examples.data.TrainTest;
import org.quant4j.examples.lenet.Accuracy;
import org.quant4j.examples.lenet.LeNet5;
import org.quant4j.examples.lenet.Training;
import org.quant4j.onnx.OnnxExport;

/**
 * The README's quickstart as a whole program: a trained LeNet-5 (trained here on the bundled 8×8 digits and
 * saved once; a later run loads the saved model), then {@code QuantModules.initialize()}, calibration,
 * one epoch of quantization-aware training, the quantizer state and a QDQ ONNX export. It needs no JVM
 * option: without {@code --add-modules=jdk.incubator.vector} quant4j says once that it runs its scalar
 * kernels, and gives the same bits.
 *
 * <p>Run: {@code java -cp <the examples' class path> org.quant4j.examples.snippets.Quickstart [OUT_DIR]}
 * (default {@code quickstart}); it writes {@code lenet-fp32.zip}, {@code amax.json} and {@code lenet.onnx}
 * there, and prints the top-1 accuracy of each step.
 */
public final class Quickstart {

  private static final long SEED = 42;

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
    TrainTest digits = DigitsFixture.load();
    File fp32 = dir.resolve("lenet-fp32.zip").toFile();
    if (!fp32.isFile()) {
      // A plain DL4J model, as the user already has one: trained without quant4j, with a DL4J schedule.
      MultiLayerNetwork plain = LeNet5.build(new MapSchedule(ScheduleType.ITERATION, Map.of(0, 1e-3)), SEED);
      Training.fit(plain, digits.train(), 3, SEED, "fp32");
      ModelSerializer.writeModel(plain, fp32, true);
    }

    // [quickstart]
    QuantModules.initialize();                        // before the network is built or loaded
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(fp32, true);
    System.out.printf("fp32 (quantizers dynamic) top-1 %.2f%%%n", 100 * Accuracy.top1(net, digits.test()));

    ImageSetIterator calibration = ImageSetIterator.inOrder(digits.train(), 256);
    Calibration.collectStats(net, calibration, 4);    // calibrators collect, quantizers pass through
    Calibration.computeAmax(net, AmaxMethod.PERCENTILE, 99.99);
    Quantizers.of(net).forEach((name, q) -> System.out.println(name + " : " + q));
    System.out.printf("w8a8 PTQ top-1 %.2f%%%n", 100 * Accuracy.top1(net, digits.test()));

    net.fit(ImageSetIterator.shuffled(digits.train(), LeNet5.BATCH_SIZE, SEED), 1);   // QAT, one epoch
    System.out.printf("w8a8 QAT top-1 %.2f%%%n", 100 * Accuracy.top1(net, digits.test()));

    QuantState.save(net, dir.resolve("amax.json"));
    OnnxExport.export(net, new long[] {1, 1, 28, 28}, dir.resolve("lenet.onnx"));   // QDQ for TensorRT
    // [quickstart]
  }
}
