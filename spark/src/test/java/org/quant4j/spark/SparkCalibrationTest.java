package org.quant4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.calib.HistogramCalibrator;
import org.quant4j.calib.HistogramGrid;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantState;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;

/** Calibration on Spark local[2] is exact: the same amax bits for any partitioning as on one machine. */
class SparkCalibrationTest {

  /** Tasks that failed on purpose, in this JVM (local mode runs the tasks here). */
  private static final AtomicInteger INJECTED = new AtomicInteger();

  private static final List<DataSet> DATA = TestNetworks.batches(14, 8);

  /** Every quantizer's amax bits after each method, and every histogram's counts. */
  private static Map<String, int[]> amaxBits(MultiLayerNetwork net) {
    Map<String, int[]> out = new LinkedHashMap<>();
    for (AmaxMethod method : new AmaxMethod[] {AmaxMethod.PERCENTILE, AmaxMethod.MSE, AmaxMethod.ENTROPY}) {
      Calibration.computeAmax(net, method, 99.9);
      Quantizers.of(net).forEach((name, q) -> out.put(method + " " + name, bits(q.amax())));
    }
    Quantizers.of(net).forEach((name, q) -> {
      if (q.calibrator() instanceof HistogramCalibrator h) {
        out.put("counts " + name, bits(h.histogram()));
      }
    });
    return out;
  }

  private static int[] bits(INDArray a) {
    float[] v = a.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToIntBits(v[i]);
    }
    return b;
  }

  private static Map<String, int[]> oneMachineFixedGrid() {
    MultiLayerNetwork net = TestNetworks.cnn(TestNetworks.HISTOGRAM);
    Calibration.collectStats(net, new ExistingDataSetIterator(DATA), DATA.size(), HistogramGrid.FIXED);
    return amaxBits(net);
  }

  private static Map<String, int[]> onSpark(JavaRDD<DataSet> data) {
    MultiLayerNetwork net = TestNetworks.cnn(TestNetworks.HISTOGRAM);
    CalibrationSummary summary = SparkCalibration.collectStats(LocalSpark.context(), net, data, TestNetworks.HISTOGRAM);
    assertEquals(new CalibrationSummary(data.getNumPartitions(), DATA.size(), DATA.size() * 8L), summary);
    return amaxBits(net);
  }

  private static void assertSameBits(Map<String, int[]> expected, Map<String, int[]> actual, String what) {
    assertEquals(expected.keySet(), actual.keySet(), what);
    expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), what + ": " + k));
  }

  @Test
  void amaxIsBitIdenticalForOneThreeAndSevenPartitionsAndEqualsOneMachineFixedGrid() {
    Map<String, int[]> expected = oneMachineFixedGrid();
    assertTrue(expected.containsKey("counts layer0._input_quantizer"));
    for (int partitions : new int[] {1, 3, 7}) {
      assertSameBits(expected, onSpark(LocalSpark.context().parallelize(DATA, partitions)),
          partitions + " partition(s)");
    }
  }

  @Test
  void aTaskThatFailsOnceIsRunAgainAndGivesTheSameAmax() {
    INJECTED.set(0);
    JavaRDD<DataSet> failingOnce = LocalSpark.context().parallelize(DATA, 3).map(d -> {
      if (TaskContext.getPartitionId() == 1 && TaskContext.get().attemptNumber() == 0) {
        INJECTED.incrementAndGet();
        throw new RuntimeException("injected executor failure");
      }
      return d;
    });
    assertSameBits(oneMachineFixedGrid(), onSpark(failingOnce), "after a retried task");
    assertEquals(2, INJECTED.get(), "the range job and the histogram job each lost one task attempt");
  }

  @Test
  void theDriversNetworkEndsUpCalibratedAndItsStateSaves(@TempDir Path dir) throws Exception {
    MultiLayerNetwork net = TestNetworks.cnn(TestNetworks.HISTOGRAM);
    SparkCalibration.collectStats(LocalSpark.context(), net, LocalSpark.context().parallelize(DATA, 2),
        TestNetworks.HISTOGRAM);
    Calibration.computeAmax(net, AmaxMethod.ENTROPY);
    for (Map.Entry<String, TensorQuantizer> e : Quantizers.of(net).entrySet()) {
      assertNotNull(e.getValue().amax(), e.getKey());
    }
    QuantState.save(net, dir.resolve("amax.json"));
    assertTrue(Files.readString(dir.resolve("amax.json")).contains("layer0._input_quantizer"));
  }

  @Test
  void dataFrameRowsCalibrateLikeTheSameBatches() {
    JavaSparkContext sc = LocalSpark.context();
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    List<Row> rows = new ArrayList<>();
    for (DataSet d : DATA) {
      for (int i = 0; i < 8; i++) {
        float[] v = d.getFeatures().getRow(i).toFloatVector();
        List<Float> values = new ArrayList<>();
        for (float f : v) {
          values.add(f);
        }
        rows.add(RowFactory.create(values));
      }
    }
    StructType schema = new StructType().add("pixels", DataTypes.createArrayType(DataTypes.FloatType));
    Dataset<Row> frame = spark.createDataFrame(rows, schema).coalesce(1);
    MultiLayerNetwork net = TestNetworks.cnn(TestNetworks.HISTOGRAM);
    CalibrationSummary summary = SparkCalibration.collectStats(sc, net, frame, "pixels", new long[] {64}, 8,
        TestNetworks.HISTOGRAM);
    assertEquals(new CalibrationSummary(1, 14, 112), summary);
    assertSameBits(oneMachineFixedGrid(), amaxBits(net), "rows in batches of 8");
  }
}
