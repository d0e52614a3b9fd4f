package org.quant4j.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.examples.lenet.LeNet5;
import org.quant4j.tune.Sensitivity;
import org.quant4j.tune.SensitivityResult;
import org.quant4j.tune.Top1;

/**
 * The cost of a whole sensitivity table against plain evaluations in the same run: LeNet-5 (7 DL4J layers, all
 * quantized, the pooling layers on their input as the reference's {@code QuantMaxPool2d}; w8a8, max-calibrated) on
 * 10 000 seeded 1x28x28 images ({@link #images}), batches of 256. {@code plainEvaluation} is one top-1 pass
 * ({@code output()}), {@code sensitivityTable} is {@code Sensitivity.run()}, whose 2 + 2 x 7 configurations share
 * their layer prefixes. The bar: sensitivity at most (layers / 2 + 2) plain evaluations. The figures do not depend
 * on the weights being trained (the same operations run either way), so the network is the seeded untrained one and
 * the images are seeded noise. Two warm-up runs: the first two tables of a JVM take about 1.5 x as long as the later
 * ones, and after one warm-up the first measured table is still one of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class SensitivityBenchmark {

  private static final int BATCH = 256;

  /** How many images (10 000, MNIST's test set; fewer on a loaded machine, the ratio is per batch). */
  @Param("10000")
  public int images;

  private Model net;
  private ImageSet data;

  /** Builds and calibrates the network, and draws the images and their labels. */
  @Setup
  public void setUp() {
    SplittableRandom r = new SplittableRandom(20261207L);
    float[] px = new float[images * 28 * 28];
    for (int i = 0; i < px.length; i++) {
      px[i] = (float) r.nextDouble();
    }
    int[] labels = new int[images];
    for (int i = 0; i < images; i++) {
      labels[i] = r.nextInt(10);
    }
    data = new ImageSet(px, labels, 1, 28, 28, 10);
    QuantModules.initialize();
    MultiLayerNetwork lenet;
    try {
      lenet = LeNet5.build(new FixedSchedule(1e-3), 1);
    } finally {
      QuantModules.deactivate();
    }
    Calibration.collectStats(lenet, ImageSetIterator.inOrder(data, BATCH), 4);
    Calibration.computeAmax(lenet, AmaxMethod.MAX);
    net = lenet;
  }

  /**
   * One plain evaluation: top-1 of the quantized network on the 10 000 images.
   *
   * @return top-1
   */
  @Benchmark
  public double plainEvaluation() {
    return Top1.of(net, data, BATCH);
  }

  /**
   * The whole sensitivity table.
   *
   * @return the table
   */
  @Benchmark
  public SensitivityResult sensitivityTable() {
    return Sensitivity.of(net).data(data, BATCH).run();
  }
}
