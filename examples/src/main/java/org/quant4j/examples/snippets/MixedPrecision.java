package org.quant4j.examples.snippets;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.examples.data.DigitsFixture;
import org.quant4j.examples.data.TrainTest;
import org.quant4j.report.AmaxChoice;
import org.quant4j.tune.Format;
import org.quant4j.tune.MixedPrecisionSearch;
import org.quant4j.tune.SearchResult;
import org.quant4j.tune.Sensitivity;
import org.quant4j.tune.SensitivityResult;

/**
 * The Java example of docs/tune.md as a whole program: automatic mixed precision for the float LeNet-5 that
 * {@link Quickstart} saved, on the bundled 8x8 digits, then the sensitivity of the network its configuration
 * builds.
 *
 * <p>Run: {@code java -cp <the examples' class path> org.quant4j.examples.snippets.MixedPrecision [FP32_ZIP]}
 * (default {@code quickstart/lenet-fp32.zip}, written by Quickstart); it writes {@code config.yaml}.
 */
public final class MixedPrecision {

  private MixedPrecision() {}

  /**
   * Runs the example.
   *
   * @param args the float model zip, optional
   * @throws Exception if the data or the model cannot be read, or the config cannot be written
   */
  public static void main(String[] args) throws Exception {
    TrainTest digits = DigitsFixture.load();
    File fp32 = new File(args.length > 0 ? args[0] : "quickstart/lenet-fp32.zip");

    // [tune]
    MultiLayerNetwork floatNet = ModelSerializer.restoreMultiLayerNetwork(fp32, false);   // no quantizers
    SearchResult r = MixedPrecisionSearch.of(floatNet)
        .formats(List.of(Format.W4A4, Format.W4A8, Format.W8A8, Format.FLOAT))
        .calibration(digits.train(), 256, 4, AmaxChoice.parse("percentile:99.99"))
        .data(digits.test(), 256)
        .maxDrop(0.005)                                       // at most half a point of top-1 below FP32
        .run();
    System.out.println(r.table().toText());                  // a format per layer, the top-1, effective bits
    Files.writeString(Path.of("config.yaml"), r.config().toYaml());

    QuantModules.initialize(QuantConfig.load(Path.of("config.yaml")));   // as any other JVM would
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(fp32, false);
    SensitivityResult s = Sensitivity.of(net).data(digits.test(), 256).run();
    System.out.println(s.table().toText());                  // which quantized layers hurt, most first
    // [tune]
  }
}
