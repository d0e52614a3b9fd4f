package org.quant4j.onnx;

import java.util.List;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.AbstractLSTM;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DL4J's LSTM (no peepholes) and GravesLSTM (peepholes), NCW, as one ONNX {@code LSTM}. DL4J keeps the four gate blocks of W
 * [nIn, 4h], RW [h, 4h] and b [4h] in the order (block input, forget, output, input gate)
 * ({@code LSTMHelpers}); ONNX wants (input, output, forget, cell) as rows of W [1, 4h, nIn],
 * R [1, 4h, h] and B [1, 8h] (input biases, then recurrent biases, zero here). The weights are
 * reordered and transposed; the weight quantizers' amax is rearranged the same way, so per-channel
 * scales stay on their gate columns (ONNX axis 1). The data moves [N, C, T] → [T, N, C] before and
 * [T, 1, N, h] → [N, h, T] after. Gate activation → f, layer activation → g and h.
 *
 * <p>GravesLSTM's RW is {@code [h, 4h + 3]}: the four gate blocks, then the peephole columns wFF
 * (forget gate, reads c<sub>t-1</sub>), wOO (output gate, reads c<sub>t</sub>) and wGG (input gate,
 * reads c<sub>t-1</sub>) ({@code LSTMHelpers}), which is exactly ONNX's peephole semantics; they become
 * ONNX's P {@code [1, 3h]} in its order (input, output, forget). A recurrent weight quantizer
 * quantizes all of RW, so P goes through the same quantizer (its own Q/DQ, per-channel scales repeated
 * along the h entries of each peephole column).
 */
final class LstmExporter implements LayerExporter {

  /** DL4J's block index for each ONNX gate position (i, o, f, c). */
  private static final int[] DL4J_BLOCK_OF_ONNX_GATE = {3, 2, 1, 0};

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    AbstractLSTM conf = (AbstractLSTM) step.conf();
    boolean peepholes = conf instanceof GravesLSTM;
    String name = step.name();
    if (conf.getRnnDataFormat() != RNNFormat.NCW) {
      throw new IllegalArgumentException(step.describe() + ": only NCW data is exported, got " + conf.getRnnDataFormat());
    }
    INDArray rw = step.param("RW");
    long hidden = rw.size(0);
    String x = ctx.quantize(name + ExportContext.INPUT, step.input());
    String sequenceFirst = ctx.transpose(name, x, 2, 0, 1);
    WeightLayout gates = new WeightLayout(v -> {
      INDArray t = reorderGates(v, hidden).transpose().dup('c');
      return t.reshape('c', 1, t.size(0), t.size(1));
    }, 1);
    String w = ctx.weight(name + ".weight", name + ExportContext.WEIGHT, step.param("W"), gates);
    WeightLayout recurrentGates = !peepholes ? gates : new WeightLayout(
        v -> gates.rearrange().apply(v.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 4 * hidden))), 1);
    String r = ctx.weight(name + ".recurrent_weight", name + ExportContext.RECURRENT_WEIGHT, rw, recurrentGates);
    String p = "";
    if (peepholes) {
      WeightLayout peepholeLayout = new WeightLayout(v -> {
        INDArray iof = Nd4j.hstack(column(v, 4 * hidden + 2), column(v, 4 * hidden + 1), column(v, 4 * hidden))
            .transpose().dup('c');
        return iof.reshape('c', 1, 3 * hidden);
      }, 1);
      p = ctx.weight(name + ".peephole", name + ExportContext.RECURRENT_WEIGHT, rw, peepholeLayout);
    }
    INDArray b = reorderGates(step.param("b").reshape(1, 4 * hidden), hidden);
    INDArray bias = Nd4j.hstack(b, Nd4j.zeros(b.dataType(), 1, 4 * hidden));
    String bName = ctx.floats(name + ".bias", bias);
    String act = onnxActivation(step, conf.getActivationFn());
    String y =
        ctx.node(name, "LSTM",
            peepholes ? List.of(sequenceFirst, w, r, bName, "", "", "", p) : List.of(sequenceFirst, w, r, bName),
            OnnxGraph.strings("activations", onnxActivation(step, conf.getGateActivationFn()), act, act),
            OnnxGraph.attr("hidden_size", hidden));
    return ctx.transpose(name, ctx.squeeze(name, y, 1), 1, 2, 0);
  }

  /** One column of a matrix, as [rows, 1]. */
  private static INDArray column(INDArray v, long index) {
    return v.get(NDArrayIndex.all(), NDArrayIndex.interval(index, index + 1));
  }

  /** Columns of [rows, 4h] regrouped from DL4J's gate order into ONNX's. */
  private static INDArray reorderGates(INDArray v, long hidden) {
    INDArray[] blocks = new INDArray[4];
    for (int g = 0; g < 4; g++) {
      long start = DL4J_BLOCK_OF_ONNX_GATE[g] * hidden;
      blocks[g] = v.get(NDArrayIndex.all(), NDArrayIndex.interval(start, start + hidden));
    }
    return Nd4j.hstack(blocks);
  }

  private static String onnxActivation(LayerStep step, IActivation fn) {
    if (fn instanceof ActivationSigmoid) {
      return "Sigmoid";
    }
    if (fn instanceof ActivationTanH) {
      return "Tanh";
    }
    if (fn instanceof ActivationHardSigmoid) {
      return "HardSigmoid";
    }
    if (fn instanceof ActivationReLU relu && relu.getMax() == null
        && (relu.getThreshold() == null || relu.getThreshold() == 0.0)
        && (relu.getNegativeSlope() == null || relu.getNegativeSlope() == 0.0)) {
      return "Relu";
    }
    throw new IllegalArgumentException(
        step.describe() + ": LSTM activation " + fn + " has no ONNX LSTM equivalent (sigmoid, tanh, hardsigmoid, relu)");
  }
}
