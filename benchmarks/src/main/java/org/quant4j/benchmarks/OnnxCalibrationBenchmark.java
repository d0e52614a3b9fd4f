package org.quant4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Level;
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
 * an open session. Target: calibrateEntropy ≤ 1.5 × ortFp32Pass. {@code ortFp32FreshSession} opens a session on
 * the FP32 model, runs the same pass and closes it, as a calibration must do with its own graph: ONNX Runtime's
 * first runs in a session are the slow ones.
 *
 * <p>Sampled times give the median beside the mean, which a loaded machine moves less; the
 * {@link CpuTime} counters give the CPU time per call, the work itself, which other processes on the
 * machine inflate far less than the wall-clock time.
 *
 * <p>The files are read from {@code onnx-ptq/src/test/resources/org/quant4j/onnx/ptq} under the working
 * directory ({@code benchmarks/run.sh} runs from the repository root), or from the directory named by
 * {@code -Dquant4j.onnxptq.resources=...}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class OnnxCalibrationBenchmark {

  private static final int BATCH = 256;

  /**
   * The process's CPU time (every thread: ONNX Runtime's, the background collector's, the caller's)
   * spent in the calls, and the number of calls; JMH sums both over the measured iterations, so
   * {@code cpuMs / calls} is the CPU time per call.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class CpuTime {
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    /** CPU milliseconds spent in the calls of this iteration. */
    public double cpuMs;
    /** Calls in this iteration. */
    public long calls;
    private long start;

    /** Starts a new iteration's count. */
    @Setup(Level.Iteration)
    public void reset() {
      cpuMs = 0;
      calls = 0;
    }

    void begin() {
      start = OS.getProcessCpuTime();
    }

    void end() {
      cpuMs += (OS.getProcessCpuTime() - start) / 1e6;
      calls++;
    }
  }

  private List<Map<String, float[]>> batches;
  private byte[] fp32Model;
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
    fp32Model = Files.readAllBytes(model);
    fp32 = OrtSessions.open(fp32Model, OrtSessions.Mode.DEFAULT);
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
   * @param cpu the CPU time counter
   * @return a value of the logits, so the work is not dropped
   * @throws OrtException if ONNX Runtime fails
   */
  @Benchmark
  public float ortFp32Pass(CpuTime cpu) throws OrtException {
    cpu.begin();
    float sum = pass(fp32);
    cpu.end();
    return sum;
  }

  /**
   * The same pass in a session opened for it, as a calibration opens one on its own graph.
   *
   * @param cpu the CPU time counter
   * @return a value of the logits, so the work is not dropped
   * @throws OrtException if ONNX Runtime fails
   */
  @Benchmark
  public float ortFp32FreshSession(CpuTime cpu) throws OrtException {
    cpu.begin();
    float sum;
    try (OrtSession session = OrtSessions.open(fp32Model, OrtSessions.Mode.DEFAULT)) {
      sum = pass(session);
    }
    cpu.end();
    return sum;
  }

  private float pass(OrtSession session) throws OrtException {
    float sum = 0;
    for (Map<String, float[]> b : batches) {
      try (OnnxTensor x = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(b.get("input")),
              new long[] {BATCH, 1, 28, 28});
          OrtSession.Result r = session.run(Map.of("input", x))) {
        sum += ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
      }
    }
    return sum;
  }

  /**
   * Entropy calibration over the same images: collect in ONNX Runtime, then computeAmax.
   *
   * @param cpu the CPU time counter
   * @return the report
   */
  @Benchmark
  public QuantizationReport calibrateEntropy(CpuTime cpu) {
    cpu.begin();
    QuantizationReport report = entropy.calibrate();
    cpu.end();
    return report;
  }
}
