package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * learning rate, and on a small generated task a 4-bit PTQ model loses accuracy that a short QAT
 * recovers.
 */
class QuantAwareTrainingTest {

  private static MultiLayerConfiguration mlp(double lr) {
    return new NeuralNetConfiguration.Builder().seed(17).dataType(DataType.FLOAT).updater(new Adam(lr)).list()
        .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(6)
            .activation(Activation.SOFTMAX).build())
        .setInputType(InputType.feedForward(12))
        .build();
  }

  /** A generated 6-class task: labels from a fixed random two-layer teacher, inputs gaussian. */
  private static DataSet task(int n, long seed) {
    Nd4j.getRandom().setSeed(1234);
    INDArray w1 = Nd4j.randn(DataType.FLOAT, 12, 24);
    INDArray w2 = Nd4j.randn(DataType.FLOAT, 24, 6);
    Nd4j.getRandom().setSeed(seed);
    INDArray x = Nd4j.randn(DataType.FLOAT, n, 12);
    INDArray logits = Transforms.relu(x.mmul(w1)).mmul(w2);
    INDArray y = Nd4j.zeros(DataType.FLOAT, n, 6);
    INDArray cls = logits.argMax(1);
    for (int i = 0; i < n; i++) {
      y.putScalar(i, cls.getInt(i), 1f);
    }
    return new DataSet(x, y);
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
    assertNotEquals(before, net.params());
    assertNotEquals(0.01f, Quantizers.of(net).get("fc1._input_quantizer").clip().clipValueMax());
  }
}
