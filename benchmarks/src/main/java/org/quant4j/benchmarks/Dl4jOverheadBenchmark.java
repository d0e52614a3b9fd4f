package org.quant4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.NeuralNetwork;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;

/**
 * The cost of quant4j's DL4J integration against the same network in plain DL4J, on a LeNet-5 (MNIST
 * shapes, batch 64) and a ResNet basic block (16 channels, 16x16, batch 16, residual quantizer on):
 *
 * <ul>
 *   <li>{@code plainOutput} vs {@code calibrationOutput}: a histogram-calibration pass (inputs
 *       histogram, weights max) against plain {@code output()} — target ≤ 1.3×;
 *   <li>{@code plainOutput} vs {@code quantOutput}: fake-quant inference with calibrated amax —
 *       target ≤ 1.1×;
 *   <li>{@code plainFit} vs {@code qatFit}: one training step (w8a8, Adam) — target ≤ 1.25×.
 * </ul>
 *
 * <p>Run: {@code java -cp <classpath> org.openjdk.jmh.Main Dl4jOverheadBenchmark}; the ratios are the
 * quotient of the scores of the same network.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+EnableDynamicAgentLoading",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class Dl4jOverheadBenchmark {

  /** Which network. */
  @Param({"lenet", "resblock"})
  public String network;

  private Model plain;
  private Model quantized;
  private Model calibrating;
  private INDArray features;
  private DataSet batch;

  /** Builds the three copies of the network with the same parameters, and calibrates one. */
  @Setup(Level.Trial)
  public void setUp() {
    Nd4j.getRandom().setSeed(1);
    boolean lenet = network.equals("lenet");
    features = lenet ? Nd4j.rand(DataType.FLOAT, 64, 1, 28, 28) : Nd4j.randn(DataType.FLOAT, 16, 16, 16, 16);
    int n = (int) features.size(0);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, n, 10);
    for (int i = 0; i < n; i++) {
      labels.putScalar(i, i % 10, 1f);
    }
    batch = new DataSet(features, labels);
    QuantModules.deactivate();
    plain = build(lenet);
    QuantModules.initialize(QuantConfig.parse("residual: true"));
    quantized = build(lenet);
    QuantModules.initialize(QuantConfig.parse("residual: true\ninput: {calib_method: histogram}"));
    calibrating = build(lenet);
    QuantModules.deactivate();
    quantized.setParams(plain.params().dup());
    calibrating.setParams(plain.params().dup());
    DataSetIterator once = new SingletonDataSetIterator(batch);
    Calibration.collectStats(quantized, once, 1);
    Calibration.computeAmax(quantized, AmaxMethod.MAX);
    for (TensorQuantizer q : Quantizers.of(calibrating).values()) {
      q.disableQuant();
      q.enableCalib();
    }
  }

  private static Model build(boolean lenet) {
    if (lenet) {
      MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
          .updater(new Adam(1e-3)).list()
          .layer(new ConvolutionLayer.Builder(5, 5).nOut(6).activation(Activation.RELU).build())
          .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
          .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
          .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
          .layer(new DenseLayer.Builder().nOut(120).activation(Activation.RELU).build())
          .layer(new DenseLayer.Builder().nOut(84).activation(Activation.RELU).build())
          .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
              .activation(Activation.SOFTMAX).build())
          .setInputType(InputType.convolutionalFlat(28, 28, 1))
          .build());
      net.init();
      return net;
    }
    ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1)
        .updater(new Adam(1e-3)).convolutionMode(ConvolutionMode.Same).graphBuilder()
        .addInputs("in")
        .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.RELU).build(), "in")
        .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.IDENTITY).build(),
            "conv1")
        .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv2", "in")
        .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "add")
        .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu")
        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
            .activation(Activation.SOFTMAX).build(), "pool")
        .setOutputs("out")
        .setInputTypes(InputType.convolutional(16, 16, 16))
        .build());
    g.init();
    return g;
  }

  private static INDArray output(Model m, INDArray x) {
    return m instanceof MultiLayerNetwork net ? net.output(x) : ((ComputationGraph) m).outputSingle(x);
  }

  /**
   * Plain DL4J inference.
   *
   * @return the output
   */
  @Benchmark
  public INDArray plainOutput() {
    return output(plain, features);
  }

  /**
   * Fake-quant inference with calibrated amax.
   *
   * @return the output
   */
  @Benchmark
  public INDArray quantOutput() {
    return output(quantized, features);
  }

  /**
   * A calibration pass: histogram input calibrators and max weight calibrators collect.
   *
   * @return the output
   */
  @Benchmark
  public INDArray calibrationOutput() {
    return output(calibrating, features);
  }

  /**
   * One plain training step.
   *
   * @return the score
   */
  @Benchmark
  public double plainFit() {
    ((NeuralNetwork) plain).fit(batch);
    return plain.score();
  }

  /**
   * One QAT training step (fake-quantized forward, straight-through backward).
   *
   * @return the score
   */
  @Benchmark
  public double qatFit() {
    ((NeuralNetwork) quantized).fit(batch);
    return quantized.score();
  }
}
