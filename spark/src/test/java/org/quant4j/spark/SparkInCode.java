package org.quant4j.spark;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantState;
import org.quant4j.tune.SensitivityResult;

/** docs/spark.md's "In code", compiled with the module's tests so that the doc's block keeps compiling. */
final class SparkInCode {

  private SparkInCode() {}

  static void calibrateAndEvaluate(JavaSparkContext sc, File fp32, JavaRDD<DataSet> batches,
      JavaRDD<DataSet> testBatches, JavaRDD<DataSet> sample) throws IOException {
    // [spark]
    QuantConfig config = QuantConfig.parse("input: {calib_method: histogram}");
    QuantModules.initialize(config);                                   // before the network is built or restored
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(fp32, false);

    batches.cache();                                                   // one DataSet (a batch) per element, read twice
    SparkCalibration.collectStats(sc, net, batches, config);           // the driver's calibrators now hold all of it
    Calibration.computeAmax(net, AmaxMethod.ENTROPY);                  // as on one machine
    QuantState.save(net, Path.of("amax.json"));

    EvaluationResult r = SparkEvaluation.evaluate(sc, net, testBatches, config);
    System.out.printf("FP32 %.2f%%, quantized %.2f%%%n", 100 * r.fp32Top1(), 100 * r.quantizedTop1());

    List<SweepResult> sweep = SparkSweep.evaluate(sc, net, sample, config, SweepConfiguration.eachLayerInFloat(net));
    sweep.forEach(s -> System.out.printf("%-14s %.2f%%%n", s.label(), 100 * s.top1()));

    SensitivityResult sensitivity = SparkSensitivity.run(sc, net, sample, config);  // one machine's table, by Spark
    System.out.println(sensitivity.table().toText());
    // [spark]
  }
}
