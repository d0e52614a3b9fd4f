package org.quant4j.onnx.ptq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.calib.HistogramCalibrator;
import org.quant4j.calib.MaxCalibrator;
import org.quant4j.data.ImageSet;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantSpec;

/**
 * Why quant4j's entropy calibration of the PyTorch-exported Fashion-MNIST CNN does not give the
 * reference's top-1, and what does hold.
 *
 * <p>The reference collected its activations with the network in train mode: BatchNorm on each batch's
 * statistics and dropout active. The exported graph is the eval-mode network (BatchNorm folded, dropout
 * removed), so its activations differ slightly everywhere (the reference's max amax are 1 to 2 % larger)
 * and by the dropout factor after dropout. For max, percentile and MSE that changes little. For entropy it
 * changes the input of {@code c2.0}: in eval mode every image's zero background leaves the same constant
 * in each channel of {@code c1}'s ReLU output, so its histogram holds exact spikes, and the KL divergence
 * has its minimum right after one of them (bin 170, amax 0.64, which clips the layer); with BatchNorm on
 * batch statistics those constants move from batch to batch, the spikes spread, and the minimum is in
 * the broad basin around 4.6 where the reference's 4.64 lies. The tests emulate the two train-mode
 * effects on the exported graph's activations and check that they move quant4j's amax to the
 * reference's, and that with the reference's amax for that one quantizer quant4j's entropy model is
 * within 0.3 points of the reference's top-1.
 */
class CnnFashionEntropyTest {

  private static final String C1_CONV = "/c1/c1.0/Conv_output_0";
  private static final String HEAD2_RELU = "/head/head.2/Relu_output_0";
  private static final int BATCH = 256;

  private static JsonNode reference;
  private static List<Map<String, float[]>> calibration;

  @TempDir static Path dir;

  @BeforeAll
  static void load() throws Exception {
    reference = new ObjectMapper().readTree(FashionResources.referenceJson().toFile());
    calibration = FashionResources.batches(FashionResources.calibrationImages(), BATCH);
  }

  /**
   * {@code c1}'s BatchNorm as in train mode: each batch's convolution output, per channel, standardised
   * with the batch's own mean and variance and mapped to the mean and standard deviation of that output
   * over the 1,024 images (which stand for BatchNorm's beta and gamma, since its running statistics are
   * those of the training data). The reference's entropy amax of {@code c2.0}'s input follows; the
   * eval-mode activations give the clipping 0.64.
   */
  @Test
  void c2InputEntropyAmaxIsTheReferencesWhenTheFirstBatchNormUsesBatchStatistics() throws Exception {
    List<float[]> conv = activations(C1_CONV);
    int channels = 32;
    int plane = 28 * 28;
    double[] sum = new double[channels];
    double[] squares = new double[channels];
    long perChannel = (long) conv.size() * BATCH * plane;
    for (float[] y : conv) {
      accumulate(y, channels, plane, sum, squares);
    }
    HistogramCalibrator eval = HistogramCalibrator.builder().build();
    HistogramCalibrator batchStatistics = HistogramCalibrator.builder().build();
    for (float[] y : conv) {
      double[] bSum = new double[channels];
      double[] bSquares = new double[channels];
      accumulate(y, channels, plane, bSum, bSquares);
      long n = (long) BATCH * plane;
      float[] relu = new float[y.length];
      float[] train = new float[y.length];
      for (int i = 0; i < y.length; i++) {
        int c = (i / plane) % channels;
        double popMean = sum[c] / perChannel;
        double popStd = Math.sqrt(squares[c] / perChannel - popMean * popMean);
        double mean = bSum[c] / n;
        double var = bSquares[c] / n - mean * mean;
        relu[i] = Math.max(0f, y[i]);
        train[i] = (float) Math.max(0, popMean + popStd * (y[i] - mean) / Math.sqrt(var + 1e-5));
      }
      eval.collect(Nd4j.createFromArray(relu));
      batchStatistics.collect(Nd4j.createFromArray(train));
    }
    float ref = reference.at("/amax/w8a8_entropy/c2.0._input_quantizer/0").floatValue();
    assertEquals(0.6396841f, entropy(eval), 1e-6f, "eval mode: the KL minimum right after a spike");
    float emulated = entropy(batchStatistics);
    assertEquals(ref, emulated, 0.02 * ref, "BatchNorm on batch statistics, reference " + ref);
  }

  /**
   * Dropout (p = 0.25) before {@code head.4}, as in train mode: the percentile amax of its input moves
   * from a quarter below the reference's to within 2 % of it.
   */
  @Test
  void head4InputPercentileAmaxIsTheReferencesWithDropoutActive() throws Exception {
    SplittableRandom random = new SplittableRandom(20261207L);
    HistogramCalibrator eval = HistogramCalibrator.builder().build();
    HistogramCalibrator dropout = HistogramCalibrator.builder().build();
    MaxCalibrator evalMax = new MaxCalibrator(8, new int[0], false);
    for (float[] x : activations(HEAD2_RELU)) {
      float[] dropped = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        dropped[i] = random.nextDouble() < 0.25 ? 0f : x[i] / 0.75f;
      }
      eval.collect(Nd4j.createFromArray(x));
      evalMax.collect(Nd4j.createFromArray(x));
      dropout.collect(Nd4j.createFromArray(dropped));
    }
    JsonNode ref = reference.at("/amax");
    float refMax = ref.at("/w8a8_max/head.4._input_quantizer/0").floatValue();
    float refPercentile = ref.at("/w8a8_percentile_99.99/head.4._input_quantizer/0").floatValue();
    float max = evalMax.computeAmax().getFloat(0);
    assertEquals(1 / 0.75, refMax / max, 0.01, "reference max " + refMax + " over eval-mode max " + max);
    float evalPercentile = eval.computeAmaxValue(AmaxMethod.PERCENTILE, 1, 128, 99.99);
    assertTrue(evalPercentile < 0.8 * refPercentile, "eval mode " + evalPercentile + " vs reference " + refPercentile);
    assertEquals(refPercentile, dropout.computeAmaxValue(AmaxMethod.PERCENTILE, 1, 128, 99.99), 0.02 * refPercentile);
  }

  /**
   * quant4j's entropy amax everywhere but {@code c2.0}'s input, which takes the reference's (the one
   * the exported graph cannot reproduce): within 0.3 points of the reference's entropy top-1 in every
   * session kind.
   */
  @Test
  void withTheReferencesC2InputAmaxEntropyIsWithinThreeTenthsOfTheReference() throws Exception {
    float c2 = reference.at("/amax/w8a8_entropy/c2.0._input_quantizer/0").floatValue();
    QuantConfig config = QuantConfig.builder()
        .override("c2.0._input_quantizer", QuantSpec.builder().amax(c2).build()).build();
    Path out = dir.resolve("entropy-c2-reference.onnx");
    QuantizationReport report = OnnxQuantizer.builder().model(FashionResources.model()).calibrationData(calibration)
        .method(AmaxMethod.ENTROPY).config(config).build().quantize(out);
    assertEquals(Float.floatToIntBits(c2), Float.floatToIntBits(report.amax("c2.0._input_quantizer")[0]));
    ImageSet test = FashionResources.testImages();
    byte[] qdq = Files.readAllBytes(out);
    double ref = reference.at("/accuracy/w8a8_entropy").asDouble();
    for (OrtSessions.Mode mode : OrtSessions.Mode.values()) {
      double top1 = OnnxClassifier.top1(OnnxClassifier.predict(qdq, mode, "input", test, 2000), test.labels());
      System.out.printf("entropy with the reference's c2.0 input amax, %s session: %.2f (reference %.2f)%n",
          mode.label(), top1, ref);
      assertEquals(ref, top1, 0.3, mode.label() + " session");
    }
  }

  private static float entropy(HistogramCalibrator h) {
    return h.computeAmaxValue(AmaxMethod.ENTROPY, 1, HistogramCalibrator.DEFAULT_START_BIN, 99.99);
  }

  private static void accumulate(float[] y, int channels, int plane, double[] sum, double[] squares) {
    for (int i = 0; i < y.length; i++) {
      int c = (i / plane) % channels;
      sum[c] += y[i];
      squares[c] += (double) y[i] * y[i];
    }
  }

  /** One tensor of the exported graph for each calibration batch, read as an extra graph output. */
  private static List<float[]> activations(String tensor) throws Exception {
    List<float[]> out = new ArrayList<>();
    try (OrtSession session = OrtSessions.open(
        OrtRuns.withOutput(OnnxModel.read(FashionResources.model()).proto(), tensor), OrtSessions.Mode.DEFAULT)) {
      for (Map<String, float[]> batch : calibration) {
        out.add(OrtRuns.output(session, "input", batch.get("input"), new long[] {1, 28, 28}, tensor));
      }
    }
    return out;
  }
}
