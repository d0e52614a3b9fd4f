package org.quant4j.examples.lenet;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * LeNet-5 as DESIGN.md fixes it (LeCun et al., "Gradient-based learning applied to document recognition",
 * Proc. IEEE 1998, with ReLU and max pooling): conv 1→6 5×5 + ReLU → max-pool 2×2/2 → conv 6→16 5×5 +
 * ReLU → max-pool 2×2/2 → dense 256→120 + ReLU → dense 120→84 + ReLU → dense 84→10 + softmax, on
 * 1×28×28 NCHW inputs. Layers are named {@code conv1, pool1, conv2, pool2, fc1, fc2, fc3}, so quantizers
 * are named like the reference's ({@code conv1._input_quantizer}, ...). Weights start as PyTorch's do,
 * uniform in ±1/sqrt(fan-in) (DL4J's {@link WeightInit#UNIFORM}).
 */
public final class LeNet5 {

  /** Images per training batch in the recipe. */
  public static final int BATCH_SIZE = 64;

  private LeNet5() {}

  /**
   * @param learningRate the Adam learning-rate schedule
   * @param seed the initialisation seed
   * @return an initialised network, with workspaces for training and inference
   */
  public static MultiLayerNetwork build(ISchedule learningRate, long seed) {
    return build(learningRate, seed, WorkspaceMode.ENABLED);
  }

  /**
   * @param learningRate the Adam learning-rate schedule
   * @param seed the initialisation seed
   * @param trainingWorkspaces the workspace mode of training (inference always uses workspaces)
   * @return an initialised network
   */
  public static MultiLayerNetwork build(ISchedule learningRate, long seed, WorkspaceMode trainingWorkspaces) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(new Adam(learningRate))
        .weightInit(WeightInit.UNIFORM)
        .trainingWorkspaceMode(trainingWorkspaces)
        .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
        .list()
        .layer(new ConvolutionLayer.Builder(5, 5).name("conv1").nIn(1).nOut(6).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).name("pool1").kernelSize(2, 2).stride(2, 2).build())
        .layer(new ConvolutionLayer.Builder(5, 5).name("conv2").nOut(16).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).name("pool2").kernelSize(2, 2).stride(2, 2).build())
        .layer(new DenseLayer.Builder().name("fc1").nOut(120).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().name("fc2").nOut(84).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("fc3").nOut(10)
            .activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(28, 28, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }
}
