package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;

/**
 * Replays {@code modules} files: each torch quant module case is rebuilt from the file (the module's
 * call text, its quantizers' {@code str()}, the explicit amax, weights and inputs). The input and
 * weight quantizers must reproduce the file's quantized tensors bit for bit, and the float module
 * computation, run with ND4J's ops on those tensors ({@link TorchModuleOps}), must match the file's
 * float64 recomputation within float32 tolerance. LSTM cases (the reference's Python-level LSTM,
 * which quantizes {@code cat(x_t, h)} at every step and {@code cat(W_ih, W_hh)} per row) are run step
 * by step and compared on their outputs and final states.
 */
public final class ModulesReplayer implements KindReplayer {

  private static final double ATOL = 1e-5;
  private static final double RTOL = 1e-4;
  /** A word the reference's error message quotes: it must appear in quant4j's message too. */
  private static final Pattern QUOTED = Pattern.compile("['\"](\\w+)['\"]");
  private static final Pattern QUANTIZER = Pattern.compile(
      "\\((_input_quantizer|_weight_quantizer)\\): TensorQuantizer\\((unsigned )?(\\d+)bit fake "
          + "(?:axis=(\\d+)|per-tensor)");

  @Override
  public String kind() {
    return "modules";
  }

  @Override
  public void replay(JsonNode file, CaseReporter out) {
    for (JsonNode c : file.path("cases")) {
      String id = c.path("id").asText();
      out.check(id, () -> {
        if (c.has("error")) {
          replayError(c);
        } else {
          replayCase(c);
        }
      });
    }
  }

  /**
   * A constructor call the reference refuses: quant4j's equivalents ({@link ModuleArguments} for the
   * quantization arguments, {@link TorchModuleOps#paddingMode} for the torch ones) must refuse it too,
   * with an {@link IllegalArgumentException} (Python's TypeError and ValueError both map to it).
   */
  private static void replayError(JsonNode c) {
    ModuleCall call = ModuleCall.parse(c.path("module").asText());
    String expected = c.path("error").path("type").asText() + ": " + c.path("error").path("message").asText();
    try {
      ModuleArguments.check(call);
      TorchModuleOps.paddingMode(call.className(), call.text("padding_mode", "zeros"));
    } catch (IllegalArgumentException refused) {
      Matcher quoted = QUOTED.matcher(c.path("error").path("message").asText());
      while (quoted.find()) {
        if (!String.valueOf(refused.getMessage()).contains(quoted.group(1))) {
          throw new AssertionError("quant4j refused " + call + " but its message does not name \""
              + quoted.group(1) + "\" as the reference's does (" + expected + "): " + refused.getMessage());
        }
      }
      return;
    }
    throw new AssertionError("quant4j accepted " + call + ", which the reference refuses with " + expected);
  }

  private static void replayCase(JsonNode c) {
    ModuleCall call = ModuleCall.parse(c.path("module").asText());
    ModuleArguments.check(call);
    String cls = call.className();
    JsonNode expected = c.path("expected");
    if (cls.startsWith("QuantLSTM")) {
      replayLstm(c, call, expected);
      return;
    }
    INDArray x = GoldenTensors.decode(c.path("inputs").path("x"));
    INDArray xq = quantizer(c, "_input_quantizer", c.path("input_amax_set")).apply(x);
    GoldenTensors.assertBitsEqual("quant_input", xq, expected.path("quant_input"));
    INDArray wq = null;
    INDArray w = c.path("params").has("weight") ? GoldenTensors.decode(c.path("params").path("weight")) : null;
    if (expected.has("quant_weight")) {
      wq = quantizer(c, "_weight_quantizer", c.path("weight_amax_set")).apply(w);
      GoldenTensors.assertBitsEqual("quant_weight", wq, expected.path("quant_weight"));
    }
    INDArray b = c.path("params").has("bias") ? GoldenTensors.decode(c.path("params").path("bias")) : null;
    INDArray y = forward(cls, call, xq, wq == null ? w : wq, b);
    GoldenTensors.assertClose("output", y, expected.path("expected_f64"), ATOL, RTOL);
  }

  private static INDArray forward(String cls, ModuleCall call, INDArray x, INDArray w, INDArray b) {
    int rank = x.rank() - 2;
    if (cls.equals("QuantLinear")) {
      return TorchModuleOps.linear(x, w, b);
    }
    boolean circular = TorchModuleOps.paddingMode(cls, call.text("padding_mode", "zeros"));
    if (cls.startsWith("QuantConvTranspose")) {
      return TorchModuleOps.convTranspose(x, w, b, call.ints(-1, "stride", rank, 1),
          call.ints(-1, "padding", rank, 0), call.ints(-1, "output_padding", rank, 0),
          call.ints(-1, "dilation", rank, 1), call.ints(-1, "groups", 1, 1)[0]);
    }
    if (cls.startsWith("QuantConv")) {
      return TorchModuleOps.conv(x, w, b, call.ints(3, "stride", rank, 1), call.ints(4, "padding", rank, 0),
          call.ints(5, "dilation", rank, 1), call.ints(6, "groups", 1, 1)[0], circular);
    }
    if (cls.startsWith("QuantMaxPool")) {
      int[] k = call.ints(0, "kernel_size", rank, 1);
      return TorchModuleOps.maxPool(x, k, call.keywords().containsKey("stride") || call.positional().size() > 1
              ? call.ints(1, "stride", rank, 1) : k, call.ints(2, "padding", rank, 0),
          call.ints(3, "dilation", rank, 1), call.flag("ceil_mode", false));
    }
    if (cls.startsWith("QuantAvgPool")) {
      int[] k = call.ints(0, "kernel_size", rank, 1);
      String div = call.text("divisor_override", "None");
      return TorchModuleOps.avgPool(x, k, call.keywords().containsKey("stride") || call.positional().size() > 1
              ? call.ints(1, "stride", rank, 1) : k, call.ints(2, "padding", rank, 0),
          call.flag("ceil_mode", false), call.flag("count_include_pad", true),
          div.equals("None") ? null : Integer.valueOf(div));
    }
    if (cls.startsWith("QuantAdaptiveAvgPool")) {
      return TorchModuleOps.adaptiveAvgPool(x, call.ints(0, "output_size", rank, 1));
    }
    if (cls.startsWith("QuantInstanceNorm")) {
      return TorchModuleOps.instanceNorm(x, call.flag("affine", false) ? w : null, b, 1e-5);
    }
    throw new IllegalArgumentException("no DL4J/ND4J mapping for module " + cls);
  }

  /** The quantizer of a role as the case's {@code str_before} describes it, with its explicit amax. */
  private static TensorQuantizer quantizer(JsonNode c, String role, JsonNode amaxSet) {
    Matcher m = QUANTIZER.matcher(c.path("str_before").asText());
    while (m.find()) {
      if (m.group(1).equals(role)) {
        QuantDescriptor.Builder d = QuantDescriptor.builder().numBits(Integer.parseInt(m.group(3)))
            .unsigned(m.group(2) != null);
        if (m.group(4) != null) {
          d.axis(Integer.parseInt(m.group(4)));
        }
        TensorQuantizer q = new TensorQuantizer(d.build());
        if (amaxSet != null && !amaxSet.isMissingNode()) {
          q.setAmax(GoldenTensors.decode(amaxSet));
        }
        return q;
      }
    }
    throw new IllegalArgumentException("str_before names no " + role);
  }

  // ------------------------------------------------------------------ LSTM

  private static void replayLstm(JsonNode c, ModuleCall call, JsonNode expected) {
    JsonNode p = c.path("params");
    INDArray x = GoldenTensors.decode(c.path("inputs").path("x"));
    if (call.className().equals("QuantLSTMCell")) {
      long hidden = Long.parseLong(call.positional().get(1));
      INDArray h0 = Nd4j.zeros(DataType.FLOAT, x.size(0), hidden);
      INDArray[] hc = cell(x, h0, h0.dup(), GoldenTensors.decode(p.path("weight_ih")),
          GoldenTensors.decode(p.path("weight_hh")), GoldenTensors.decode(p.path("bias_ih")),
          GoldenTensors.decode(p.path("bias_hh")), new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR),
          new TensorQuantizer(QuantDescriptor.builder().axis(0).build()));
      GoldenTensors.assertClose("h", hc[0], expected.path("output"), ATOL, RTOL);
      GoldenTensors.assertClose("c", hc[1], expected.path("extra").get(0), ATOL, RTOL);
      return;
    }
    int layers = call.ints(-1, "num_layers", 1, 1)[0];
    boolean bidirectional = call.flag("bidirectional", false);
    long hidden = Long.parseLong(call.positional().get(1));
    INDArray input = x;
    List<INDArray> hn = new ArrayList<>();
    List<INDArray> cn = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      List<INDArray> directions = new ArrayList<>();
      for (String suffix : bidirectional ? new String[] {"", "_reverse"} : new String[] {""}) {
        String k = "_l" + l + suffix;
        INDArray[] r = sequence(input, hidden, suffix.isEmpty() ? false : true,
            GoldenTensors.decode(p.path("weight_ih" + k)), GoldenTensors.decode(p.path("weight_hh" + k)),
            GoldenTensors.decode(p.path("bias_ih" + k)), GoldenTensors.decode(p.path("bias_hh" + k)));
        directions.add(r[0]);
        hn.add(r[1]);
        cn.add(r[2]);
      }
      input = directions.size() == 1 ? directions.get(0) : Nd4j.concat(2, directions.toArray(new INDArray[0]));
    }
    GoldenTensors.assertClose("output", input, expected.path("output"), ATOL, RTOL);
    JsonNode states = expected.path("extra").get(0);
    GoldenTensors.assertClose("h_n", Nd4j.stack(0, hn.toArray(new INDArray[0])), states.get(0), ATOL, RTOL);
    GoldenTensors.assertClose("c_n", Nd4j.stack(0, cn.toArray(new INDArray[0])), states.get(1), ATOL, RTOL);
  }

  /** One direction over a [seq, batch, in] input: returns output [seq, batch, hidden], h_n, c_n. */
  private static INDArray[] sequence(INDArray x, long hidden, boolean reverse, INDArray wih, INDArray whh,
      INDArray bih, INDArray bhh) {
    TensorQuantizer in = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR);
    TensorQuantizer weight = new TensorQuantizer(QuantDescriptor.builder().axis(0).build());
    long steps = x.size(0);
    INDArray h = Nd4j.zeros(DataType.FLOAT, x.size(1), hidden);
    INDArray cState = h.dup();
    INDArray out = Nd4j.create(DataType.FLOAT, steps, x.size(1), hidden);
    for (long i = 0; i < steps; i++) {
      long t = reverse ? steps - 1 - i : i;
      INDArray xt = x.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()).dup();
      INDArray[] hc = cell(xt, h, cState, wih, whh, bih, bhh, in, weight);
      h = hc[0];
      cState = hc[1];
      out.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()).assign(h);
    }
    return new INDArray[] {out, h, cState};
  }

  /**
   * The reference's quantized LSTM cell: gates {@code = q_in(cat(x, h)) @ q_w(cat(W_ih, W_hh))^T +
   * b_ih + b_hh} in torch's i, f, g, o order; {@code c' = σ(f)c + σ(i)tanh(g)}, {@code h' = σ(o)tanh(c')}.
   */
  private static INDArray[] cell(INDArray x, INDArray h, INDArray c, INDArray wih, INDArray whh, INDArray bih,
      INDArray bhh, TensorQuantizer in, TensorQuantizer weight) {
    INDArray xh = in.apply(Nd4j.concat(1, x, h));
    INDArray w = weight.apply(Nd4j.concat(1, wih, whh));
    INDArray gates = xh.mmul(w.transpose()).addiRowVector(bih).addiRowVector(bhh);
    long n = h.size(1);
    INDArray i = Transforms.sigmoid(gates.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n)), true);
    INDArray f = Transforms.sigmoid(gates.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n)), true);
    INDArray g = Transforms.tanh(gates.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * n, 3 * n)), true);
    INDArray o = Transforms.sigmoid(gates.get(NDArrayIndex.all(), NDArrayIndex.interval(3 * n, 4 * n)), true);
    INDArray c2 = f.mul(c).addi(i.mul(g));
    INDArray h2 = o.mul(Transforms.tanh(c2, true));
    return new INDArray[] {h2, c2};
  }
}
