package org.quant4j.tune;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.data.ImageSet;

/**
 * A small seeded network whose middle layer is fragile on purpose: {@code dense0} passes pixel 0, which is 0 in
 * most images and 1 in a few, times 10000 to unit 0, so {@code fragile}'s input has rare large outliers; max
 * calibration then gives {@code fragile}'s input quantizer an amax of 10000, which rounds every ordinary value
 * of its input to 0. {@code fragile} ignores unit 0 in float (its weights from it are 0), so FP32 does not see
 * the outliers. The labels are the float network's own predictions: FP32 top-1 is exactly 1.
 */
final class FragileNetwork {

  static final int IMAGES = 512;
  static final int BATCH = 64;
  private static final long SEED = 20261207L;

  private FragileNetwork() {}

  /** The float network: dense0 (16 to 16, relu), fragile (16 to 16, identity), out (16 to 4, softmax). */
  static MultiLayerNetwork network() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(SEED).list()
        .layer(new DenseLayer.Builder().name("dense0").nIn(16).nOut(16).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().name("fragile").nIn(16).nOut(16).activation(Activation.IDENTITY).build())
        .layer(new OutputLayer.Builder().name("out").nIn(16).nOut(4).activation(Activation.SOFTMAX)
            .lossFunction(LossFunctions.LossFunction.MCXENT).build())
        .setInputType(InputType.convolutional(4, 4, 1)).build());
    net.init();
    SplittableRandom r = new SplittableRandom(SEED);
    for (int i = 0; i < 3; i++) {
      INDArray w = net.getLayer(i).getParam("W");
      for (int a = 0; a < w.rows(); a++) {
        for (int b = 0; b < w.columns(); b++) {
          w.putScalar(a, b, (float) (2 * r.nextDouble() - 1));
        }
      }
      net.getLayer(i).getParam("b").assign(0);
    }
    INDArray w0 = net.getLayer(0).getParam("W");
    for (int a = 0; a < 16; a++) {
      w0.putScalar(a, 0, 0f);
      w0.putScalar(0, a, 0f);
    }
    w0.putScalar(0, 0, 10000f);
    net.getLayer(0).getParam("b").putScalar(0, 0f);
    net.getLayer(1).getParam("W").getRow(0).assign(0);
    return net;
  }

  /** The images (1x4x4, values in [-1, 1)), pixel 0 is 0 but 1 in every 50th, labelled with the float network's predictions. */
  static ImageSet images(MultiLayerNetwork floatNet) {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    float[] px = new float[IMAGES * 16];
    for (int i = 0; i < IMAGES; i++) {
      for (int k = 1; k < 16; k++) {
        px[i * 16 + k] = (float) (2 * r.nextDouble() - 1);
      }
      px[i * 16] = i % 50 == 7 ? 1f : 0f;
    }
    INDArray out = floatNet.output(Nd4j.create(px, new long[] {IMAGES, 1, 4, 4}), false);
    int[] labels = Nd4j.argMax(out, 1).toIntVector();
    return new ImageSet(px, labels, 1, 4, 4, 4);
  }
}
