package org.quant4j.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.calib.HistogramCalibrator;

/**
 * Histogram calibration: {@code HistogramCalibrator.collect} of 16M float32 gaussian values (a first
 * batch: range pass plus {@code histc} binning into 2048 bins) against {@code System.arraycopy} of
 * the same bytes in the same run, and {@code computeAmax} by entropy, MSE and percentile on a
 * 2048-bin histogram of gaussian data (start bin 128, stride 1, the reference's defaults).
 *
 * <p>The reference's figures ({@code golden/timings.json}, 2-core machine, 1 thread):
 * collect 148 ms, entropy 1.48 s, MSE 0.20 s, percentile 25 µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class CalibrationBenchmark {

  private static final int N = 256 * 65536;

  private float[] src;
  private float[] dst;
  private INDArray x;
  private HistogramCalibrator histogram;

  /** 16M gaussian values, and a 2048-bin histogram of 1M of them. */
  @Setup
  public void setUp() {
    Random r = new Random(12345);
    src = new float[N];
    for (int i = 0; i < N; i++) {
      src[i] = (float) r.nextGaussian();
    }
    dst = new float[N];
    x = Nd4j.createFromArray(src).reshape(256, 65536);
    histogram = HistogramCalibrator.builder().build();
    histogram.collect(x.getRow(0).dup());
    for (int row = 1; row < 16; row++) {
      histogram.collect(x.getRow(row).dup());
    }
  }

  /**
   * The anchor: copying the same bytes.
   *
   * @return the destination
   */
  @Benchmark
  public float[] copy16M() {
    System.arraycopy(src, 0, dst, 0, N);
    return dst;
  }

  /**
   * A fresh calibrator's first batch of 16M values.
   *
   * @return the calibrator
   */
  @Benchmark
  public HistogramCalibrator histogramCollect16M() {
    HistogramCalibrator c = HistogramCalibrator.builder().build();
    c.collect(x);
    return c;
  }

  /**
   * Entropy (KL) amax on the 2048-bin histogram.
   *
   * @return the amax
   */
  @Benchmark
  public float computeAmaxEntropy2048() {
    return histogram.computeAmaxValue(AmaxMethod.ENTROPY, 1, 128, 0);
  }

  /**
   * MSE amax on the 2048-bin histogram.
   *
   * @return the amax
   */
  @Benchmark
  public float computeAmaxMse2048() {
    return histogram.computeAmaxValue(AmaxMethod.MSE, 1, 128, 0);
  }

  /**
   * Percentile (99.99) amax on the 2048-bin histogram.
   *
   * @return the amax
   */
  @Benchmark
  public float computeAmaxPercentile2048() {
    return histogram.computeAmaxValue(AmaxMethod.PERCENTILE, 1, 128, 99.99);
  }
}
