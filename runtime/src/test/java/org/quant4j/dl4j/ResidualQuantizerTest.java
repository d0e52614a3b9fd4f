package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.TensorQuant;

/** The ElementWiseVertex row: {@code residual: true} quantizes the identity input of every Add. */
class ResidualQuantizerTest {

  private static final QuantConfig RESIDUAL = QuantConfig.parse("residual: true");

  /** in -> c0 (shortcut source) -> c1 -> add(c1, c0) -> loss: the identity is c0. */
  static ComputationGraphConfiguration block() {
    return new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
        .convolutionMode(ConvolutionMode.Same).graphBuilder()
        .addInputs("in")
        .addLayer("c0", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.RELU).build(), "in")
        .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.IDENTITY).build(), "c0")
        .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "c1", "c0")
        .addLayer("out", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
            .activation(Activation.IDENTITY).build(), "add")
        .setOutputs("out")
        .setInputTypes(InputType.convolutional(5, 5, 2))
        .build();
  }

  private static INDArray input() {
    Nd4j.getRandom().setSeed(5);
    return Nd4j.randn(DataType.FLOAT, 2, 2, 5, 5);
  }

  @Test
  void addVertexGetsAResidualQuantizerNamedAfterItInForwardOrder() {
    ComputationGraph g = Networks.quantized(RESIDUAL, block());
    assertEquals(List.of("c0._input_quantizer", "c0._weight_quantizer", "c1._input_quantizer",
        "c1._weight_quantizer", "add._residual_quantizer"), List.copyOf(Quantizers.of(g).keySet()));
  }

  @Test
  void withoutResidualConfigTheAddIsNotQuantized() {
    ComputationGraph g = Networks.quantized(QuantConfig.DEFAULT, block());
    assertFalse(Quantizers.of(g).containsKey("add._residual_quantizer"));
    Map<String, INDArray> acts = g.feedForward(input(), false);
    assertArrayEquals(acts.get("c1").add(acts.get("c0")).data().asFloat(), acts.get("add").data().asFloat(), 0f);
  }

  @Test
  void addSumsTheMainBranchAndTheFakeQuantizedIdentity() {
    ComputationGraph g = Networks.quantized(RESIDUAL, block());
    TensorQuantizer rq = Quantizers.of(g).get("add._residual_quantizer");
    rq.setAmax(0.3f);
    Map<String, INDArray> acts = g.feedForward(input(), false);
    INDArray identityQ = TensorQuant.fakeTensorQuant(acts.get("c0"), Nd4j.scalar(0.3f), 8, false, false);
    assertArrayEquals(acts.get("c1").add(identityQ).data().asFloat(), acts.get("add").data().asFloat(), 0f);
  }

  @Test
  void identityGradientIsMaskedWhereItExceedsAmax() {
    ComputationGraph g = Networks.quantized(RESIDUAL, block());
    Quantizers.of(g).get("add._residual_quantizer").setAmax(0.3f);
    GraphVertex add = g.getVertex("add");
    Nd4j.getRandom().setSeed(9);
    INDArray main = Nd4j.randn(DataType.FLOAT, 2, 2, 5, 5);
    INDArray identity = Nd4j.randn(DataType.FLOAT, 2, 2, 5, 5);
    INDArray eps = Nd4j.randn(DataType.FLOAT, 2, 2, 5, 5);
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    add.setInput(0, main, mgr);
    add.setInput(1, identity, mgr);
    INDArray out = add.doForward(true, mgr);
    assertArrayEquals(main.add(TensorQuant.fakeTensorQuant(identity, Nd4j.scalar(0.3f), 8, false, false))
        .data().asFloat(), out.data().asFloat(), 0f);
    add.setEpsilon(eps);
    Pair<Gradient, INDArray[]> back = add.doBackward(false, mgr);
    assertArrayEquals(eps.data().asFloat(), back.getSecond()[0].data().asFloat(), 0f);
    INDArray mask = Transforms.abs(identity, true).lte(0.3f).castTo(DataType.FLOAT);
    assertArrayEquals(eps.mul(mask).data().asFloat(), back.getSecond()[1].data().asFloat(), 0f);
  }
}
