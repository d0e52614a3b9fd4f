package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.nn.Clip;
import org.quant4j.nn.TensorQuantizer;

/**
 * Quantization-aware training through DL4J's own {@code fit}: learned amax moves with the layer's
 * learning rate, and on a small generated task a 4-bit PTQ model loses accuracy that one QAT epoch
 * recovers in part. The task is a fixed random teacher network's labels, so the float model (the
 * teacher itself) is exactly right and every point lost is lost to quantization: with 4-bit weights
 * the PTQ model loses about 8 points, and one QAT epoch (60 steps) wins back more than half of them.
 */
class QuantAwareTrainingTest {

  /** 4-bit weights (one amax per layer) and 8-bit inputs, calibrated with max. */
  private static final String W4A8 = "input: {num_bits: 8}\nweight: {num_bits: 4, per_channel: false}\n";

  /** The teacher's weights: inputs 12 → 24 ReLU units → 6 class scores, fixed by seed. */
  private static final INDArray[] TEACHER = teacher();

  private static INDArray[] teacher() {
    Nd4j.getRandom().setSeed(1234);
    return new INDArray[] {Nd4j.randn(DataType.FLOAT, 12, 24), Nd4j.randn(DataType.FLOAT, 24, 6)};
  }

  /** A network of the teacher's shape; {@link #asTeacher} gives it the teacher's weights. */
  private static MultiLayerConfiguration teacherShaped(double lr) {
    return new NeuralNetConfiguration.Builder().seed(17).dataType(DataType.FLOAT).updater(new Adam(lr)).list()
        .layer(new DenseLayer.Builder().nOut(24).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(6)
            .activation(Activation.SOFTMAX).build())
        .setInputType(InputType.feedForward(12))
        .build();
  }

  /** The float model: the teacher itself, so its top-1 on the task is 1. */
  private static MultiLayerNetwork asTeacher(MultiLayerNetwork net) {
    net.getLayer(0).setParam("W", TEACHER[0].dup());
    net.getLayer(0).setParam("b", Nd4j.zeros(DataType.FLOAT, 1, 24));
    net.getLayer(1).setParam("W", TEACHER[1].dup());
    net.getLayer(1).setParam("b", Nd4j.zeros(DataType.FLOAT, 1, 6));
    return net;
  }

  /**
   * A 6-class task: gaussian inputs labelled by the teacher's largest score, keeping only inputs whose
   * two largest scores differ by more than {@code margin}.
   */
  private static DataSet task(int n, long seed, double margin) {
    Nd4j.getRandom().setSeed(seed);
    INDArray x = Nd4j.randn(DataType.FLOAT, 4 * n, 12);
    INDArray scores = Transforms.relu(x.mmul(TEACHER[0])).mmul(TEACHER[1]);
    INDArray sorted = Nd4j.sort(scores.dup(), 1, false);
    INDArray gap = sorted.getColumn(0).sub(sorted.getColumn(1));
    INDArray cls = scores.argMax(1);
    INDArray keptX = Nd4j.create(DataType.FLOAT, n, 12);
    INDArray y = Nd4j.zeros(DataType.FLOAT, n, 6);
    int kept = 0;
    for (int i = 0; i < 4 * n && kept < n; i++) {
      if (gap.getDouble(i) > margin) {
        keptX.putRow(kept, x.getRow(i));
        y.putScalar(kept, cls.getInt(i), 1f);
        kept++;
      }
    }
    if (kept < n) {
      throw new IllegalStateException("only " + kept + " of " + n + " inputs have a margin above " + margin);
    }
    return new DataSet(keptX, y);
  }

  private static ListDataSetIterator<DataSet> batches(DataSet d, int size) {
    return new ListDataSetIterator<>(d.asList(), size);
  }

  private static double accuracy(MultiLayerNetwork net, DataSet d) {
    INDArray pred = net.output(d.getFeatures()).argMax(1);
    INDArray truth = d.getLabels().argMax(1);
    return pred.eq(truth).castTo(DataType.INT32).sumNumber().doubleValue() / d.numExamples();
  }

  @Test
  void oneQatEpochRecoversAtLeastTwoFifthsOfWhatFourBitPtqLoses() {
    DataSet train = task(3000, 5, 1.0);
    DataSet test = task(1000, 6, 1.0);
    double fp32Accuracy = accuracy(asTeacher(Networks.plain(teacherShaped(3e-3))), test);

    MultiLayerNetwork quantized = asTeacher(Networks.quantized(QuantConfig.parse(W4A8), teacherShaped(3e-3)));
    Calibration.collectStats(quantized, batches(train, 500), 4);
    Calibration.computeAmax(quantized, AmaxMethod.MAX);
    double ptqAccuracy = accuracy(quantized, test);

    quantized.fit(batches(train, 50));
    double qatAccuracy = accuracy(quantized, test);

    String accuracies = "fp32 " + fp32Accuracy + ", w4a8 PTQ " + ptqAccuracy + ", after one QAT epoch " + qatAccuracy;
    assertEquals(1.0, fp32Accuracy, 0.0, "the float model is the teacher: " + accuracies);
    assertTrue(fp32Accuracy - ptqAccuracy > 0.05, "4-bit PTQ must lose more than 5 points: " + accuracies);
    assertTrue(qatAccuracy - ptqAccuracy >= 0.4 * (fp32Accuracy - ptqAccuracy),
        "one QAT epoch must recover at least two fifths of the loss: " + accuracies);
  }

  @Test
  void learnedAmaxReceivesItsClipGradientAndStepsWithTheLayersLearningRate() {
    QuantConfig config = QuantConfig.parse(
        "overrides: [{name: 'layer0._input_quantizer', learn_amax: true, amax: 0.5}]");
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
        .updater(new Sgd(0.05)).list()
        .layer(new DenseLayer.Builder().nOut(4).activation(Activation.IDENTITY).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
        .setInputType(InputType.feedForward(3))
        .build();
    MultiLayerNetwork net = Networks.quantized(config, conf);
    TensorQuantizer in = Quantizers.of(net).get("layer0._input_quantizer");
    Clip clip = in.clip();
    assertEquals(0.5f, clip.clipValueMax(), 0f);
    Nd4j.getRandom().setSeed(4);
    INDArray x = Nd4j.randn(DataType.FLOAT, 8, 3).muli(2);
    INDArray y = Nd4j.randn(DataType.FLOAT, 8, 2);
    List<Float> maxes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      net.fit(x, y);
      maxes.add(clip.clipValueMax());
    }
    assertNotEquals(0.5f, maxes.get(0));
    assertNotEquals(maxes.get(0), maxes.get(2));
    assertEquals(null, clip.gradClipValueMax(), "gradients are cleared after each step");
  }

  @Test
  void fitRunsThroughEveryLayerWithDl4jWorkspacesOnAfterCalibrationAndWithLearnedAmax() {
    MultiLayerNetwork net = Networks.quantized(
        QuantConfig.parse("overrides: [{name: 'fc1._input_quantizer', learn_amax: true, amax: 0.01}]"),
        QuantizersNamingTest.miniLeNet());
    Calibration.collectStats(net, CalibrationTest.data(1, 4), 1);
    Calibration.computeAmax(net, AmaxMethod.MAX);
    INDArray before = net.params().dup();
    net.fit(CalibrationTest.data(2, 4));
    assertTrue(Double.isFinite(net.score()));
    assertFalse(java.util.Arrays.equals(before.data().asFloat(), net.params().dup('c').data().asFloat()),
        "fit must change the parameters");
    assertNotEquals(0.01f, Quantizers.of(net).get("fc1._input_quantizer").clip().clipValueMax());
  }
}
