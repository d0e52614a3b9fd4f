package org.quant4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.ImageSet;
import org.quant4j.onnx.ptq.OnnxQuantizer;
import org.quant4j.onnx.ptq.OrtSessions;
import org.quant4j.onnx.ptq.QuantizationReport;

/**
 * ONNX-in calibration against its anchor, one ONNX Runtime FP32 inference pass over the same images:
 * the PyTorch-exported Fashion-MNIST CNN of the onnx-ptq tests, the reference's recipe (the first 1,024
 * training images in batches of 256). {@code calibrateEntropy} is {@code OnnxQuantizer.calibrate()}
 * with histogram calibrators and the entropy method (collect in ONNX Runtime + computeAmax, the weights'
 * amax included, nothing written); {@code ortFp32Pass} runs the FP32 model over the same four batches in
 * an open session. Target: calibrateEntropy ≤ 1.5 × ortFp32Pass.
 *
 * <p>The files are read from {@code onnx-ptq/src/test/resources/org/quant4j/onnx/ptq} under the working
 * directory ({@code benchmarks/run.sh} runs from the repository root), or from the directory named by
 * {@code -Dquant4j.onnxptq.resources=...}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class OnnxCalibrationBenchmark {

  private static final int BATCH = 256;

  private List<Map<String, float[]>> batches;
  private OrtSession fp32;
  private OnnxQuantizer entropy;

  /**
   * Reads the model and the images, opens the FP32 session and builds the quantizer.
   *
   * @throws IOException if a file is missing
   * @throws OrtException if ONNX Runtime rejects the model
   */
  @Setup
  public void setUp() throws IOException, OrtException {
    Path dir = Path.of(System.getProperty("quant4j.onnxptq.resources", "onnx-ptq/src/test/resources/org/quant4j/onnx/ptq"));
    Path model = dir.resolve("cnn_fashion_fp32.onnx");
    ImageSet images = ImageSet.fromIdx(dir.resolve("fashion/train-images-first1024-idx3-ubyte.gz"), null, 255f);
    batches = new ArrayList<>();
    int item = images.imageSize();
    for (int from = 0; from < images.size(); from += BATCH) {
      batches.add(Map.of("input", Arrays.copyOfRange(images.pixels(), from * item, (from + BATCH) * item)));
    }
    fp32 = OrtSessions.open(Files.readAllBytes(model), OrtSessions.Mode.DEFAULT);
    entropy = OnnxQuantizer.builder().model(model).calibrationData(batches).method(AmaxMethod.ENTROPY).build();
  }

  /**
   * Closes the FP32 session.
   *
   * @throws OrtException if ONNX Runtime fails to close it
   */
  @TearDown
  public void tearDown() throws OrtException {
    fp32.close();
  }

  /**
   * The anchor: one FP32 inference pass over the 1,024 images.
   *
   * @return a value of the logits, so the work is not dropped
   * @throws OrtException if ONNX Runtime fails
   */
  @Benchmark
  public float ortFp32Pass() throws OrtException {
    float sum = 0;
    for (Map<String, float[]> b : batches) {
      try (OnnxTensor x = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(b.get("input")),
              new long[] {BATCH, 1, 28, 28});
          OrtSession.Result r = fp32.run(Map.of("input", x))) {
        sum += ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
      }
    }
    return sum;
  }

  /**
   * Entropy calibration over the same images: collect in ONNX Runtime, then computeAmax.
   *
   * @return the report
   */
  @Benchmark
  public QuantizationReport calibrateEntropy() {
    return entropy.calibrate();
  }
}
