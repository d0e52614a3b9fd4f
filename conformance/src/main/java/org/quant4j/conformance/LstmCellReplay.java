package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantRole;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;

/**
 * Replays a {@code QuantLSTMCell} case (one step from a zero state) through DL4J's {@code LSTM} layer,
 * one time step long, built under {@link QuantModules#initialize(QuantConfig)}.
 *
 * <p>Why this one step maps: the reference quantizes {@code cat(x, h)} per tensor and
 * {@code cat(W_ih, W_hh)} per row. With {@code h = 0} the first is the quantization of {@code x} alone
 * (what DL4J's input quantizer does), and the recurrent weights multiply zeros. The per-row weight amax
 * is the row's maximum over both matrices, which the replay sets on DL4J's {@code W} and {@code RW}
 * quantizers, as a calibrated reference module would hold it. A multi-step {@code QuantLSTM}, which
 * re-quantizes {@code h} at every step, has no DL4J counterpart.
 *
 * <p>Layouts: torch stacks the gates as rows {@code [i; f; g; o]} of {@code W_ih [4n, in]}; DL4J's LSTM
 * takes columns {@code [g, f, o, i]} of {@code W [in, 4n]} and {@code RW [n, 4n]} (block input with the
 * layer's tanh, then the forget, output and input gates with the sigmoid), and one bias
 * {@code b_ih + b_hh}.
 *
 * <p><b>The bound.</b> No float64 recomputation exists for this case, so the DL4J result is compared
 * with torch's float32 result, both of which approximate the exact value. Each gate pre-activation is a
 * sum of {@code in} products plus two biases, so each implementation is within
 * {@code γ_{in+2} · M} of the exact value, {@code M = |x_q|·|W_q| + |b_ih| + |b_hh|}; the two differ by
 * at most {@code Δz = 2 γ_{in+2} M}. With a zero state {@code c = σ(z_i)·tanh(z_g)} and
 * {@code h = σ(z_o)·tanh(c)}; σ has slope at most 1/4 and tanh at most 1, both map into [-1, 1], and
 * each evaluation of σ, tanh and a product is within {@code 4u} ({@code u = 2^-24}) of exact in either
 * implementation. Hence {@code |Δc| ≤ Δz_i/4 + Δz_g + 18u} and {@code |Δh| ≤ Δz_o/4 + |Δc| + 18u}.
 */
final class LstmCellReplay {

  private static final double U = 0x1p-24;
  /** DL4J's gate block j holds torch's gate block TORCH_BLOCK[j] (torch i, f, g, o = 0, 1, 2, 3). */
  private static final int[] TORCH_BLOCK = {2, 1, 3, 0};

  private LstmCellReplay() {}

  /**
   * Replays the case.
   *
   * @param c the case
   * @param config the quantization configuration from the case's arguments
   * @throws AssertionError where DL4J's layer does not reproduce the reference
   */
  static void replay(JsonNode c, QuantConfig config) {
    JsonNode p = c.path("params");
    JsonNode expected = c.path("expected");
    INDArray x = GoldenTensors.decode(c.path("inputs").path("x"));
    INDArray wih = GoldenTensors.decode(p.path("weight_ih"));
    INDArray whh = GoldenTensors.decode(p.path("weight_hh"));
    INDArray bih = GoldenTensors.decode(p.path("bias_ih"));
    INDArray bhh = GoldenTensors.decode(p.path("bias_hh"));
    long n = whh.size(1);
    long in = wih.size(1);
    MultiLayerNetwork net;
    QuantModules.initialize(config);
    try {
      net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(0).dataType(DataType.FLOAT).list()
          .layer(new LSTM.Builder().nIn(in).nOut(n).activation(Activation.TANH)
              .gateActivationFunction(Activation.SIGMOID).build())
          .build());
      net.init();
    } finally {
      QuantModules.deactivate();
    }
    net.getLayer(0).setParam("W", gateColumns(wih));
    net.getLayer(0).setParam("RW", gateColumns(whh));
    net.getLayer(0).setParam("b", gateColumns(column(bih)).add(gateColumns(column(bhh))));
    Map<String, TensorQuantizer> q = Quantizers.of(net);
    TensorQuantizer input = q.get(QuantRole.INPUT.quantizerName("layer0"));
    TensorQuantizer weight = q.get(QuantRole.WEIGHT.quantizerName("layer0"));
    TensorQuantizer recurrent = q.get(QuantRole.RECURRENT_WEIGHT.quantizerName("layer0"));
    if (input == null || weight == null || recurrent == null) {
      throw new AssertionError("DL4J's LSTM must carry input, weight and recurrent weight quantizers, has "
          + q.keySet());
    }
    input.setAmax(GoldenTensors.decode(expected.path("input_amax_used")));
    INDArray rowAmax = Nd4j.concat(1, Transforms.abs(wih, true), Transforms.abs(whh, true)).max(true, 1);
    INDArray amax = gateColumns(rowAmax);
    weight.setAmax(amax.dup());
    recurrent.setAmax(amax.dup());
    INDArray xq = input.apply(x);
    GoldenTensors.assertBitsEqual("quant_input", xq, expected.path("quant_input"));

    INDArray h = net.rnnTimeStep(x.reshape(x.size(0), in, 1)).reshape(x.size(0), n);
    INDArray cState = net.rnnGetPreviousState(0).get(org.deeplearning4j.nn.layers.recurrent.LSTM
        .STATE_KEY_PREV_MEMCELL).reshape(x.size(0), n);
    net.rnnClearPreviousState();

    INDArray wq = weight.apply(net.getLayer(0).getParam("W"));
    INDArray magnitude = Transforms.abs(xq, true).mmul(Transforms.abs(wq, true))
        .addiRowVector(Transforms.abs(gateColumns(column(bih)), true))
        .addiRowVector(Transforms.abs(gateColumns(column(bhh)), true));
    double gamma = (in + 2) * U / (1 - (in + 2) * U);
    INDArray dz = magnitude.muli(2 * gamma);
    INDArray dzG = block(dz, 0, n);
    // The forget gate multiplies the zero initial cell state: its error does not reach c or h.
    INDArray dzO = block(dz, 2, n);
    INDArray dzI = block(dz, 3, n);
    INDArray cBound = dzI.mul(0.25).addi(dzG).addi(18 * U);
    INDArray hBound = dzO.mul(0.25).addi(cBound).addi(18 * U);
    assertWithin("c", cState, expected.path("extra").get(0), cBound);
    assertWithin("h", h, expected.path("output"), hBound);
  }

  /** Torch's gate rows [i; f; g; o] of a [4n, k] array as DL4J's gate columns [g, f, o, i] of [k, 4n]. */
  private static INDArray gateColumns(INDArray torchRows) {
    long n = torchRows.size(0) / 4;
    INDArray out = Nd4j.create(DataType.FLOAT, torchRows.size(1), 4 * n);
    for (int j = 0; j < 4; j++) {
      out.get(NDArrayIndex.all(), NDArrayIndex.interval(j * n, (j + 1) * n))
          .assign(torchRows.get(NDArrayIndex.interval(TORCH_BLOCK[j] * n, (TORCH_BLOCK[j] + 1) * n),
              NDArrayIndex.all()).transpose());
    }
    return out;
  }

  private static INDArray column(INDArray v) {
    return v.reshape(v.length(), 1);
  }

  private static INDArray block(INDArray columns, int j, long n) {
    return columns.get(NDArrayIndex.all(), NDArrayIndex.interval(j * n, (j + 1) * n));
  }

  private static void assertWithin(String what, INDArray actual, JsonNode expected, INDArray bound) {
    if (actual.dataType() != DataType.FLOAT || !"float32".equals(expected.path("dtype").asText())) {
      throw new AssertionError(what + ": expected data type " + expected.path("dtype").asText() + " got "
          + actual.dataType());
    }
    float[] want = GoldenTensors.decodeFloats(expected);
    float[] got = actual.dup('c').data().asFloat();
    float[] b = bound.dup('c').data().asFloat();
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= b[i])) {
        throw new AssertionError(String.format("%s [%d]: expected %s got %s (|err| %.3g > bound %.3g)", what, i,
            want[i], got[i], Math.abs(got[i] - want[i]), b[i]));
      }
    }
  }
}
