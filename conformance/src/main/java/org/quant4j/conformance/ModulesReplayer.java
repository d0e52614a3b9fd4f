package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantRole;
import org.quant4j.dl4j.QuantSpec;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;

/**
 * Replays {@code modules} files through quant4j's own DL4J layers. Each forward case's module becomes
 * the DL4J layer of the layer map that computes the same function ({@link ModuleLayer}), built under
 * {@link QuantModules#initialize(QuantConfig)} with the quantizers the case's constructor call asks for
 * (its {@code quant_desc_input} / {@code quant_desc_weight}, else the class defaults: 8-bit per-tensor
 * input, 8-bit weight per output channel). The golden weights are loaded in DL4J's layout, the
 * quantizers' amax is set from the case (the explicit amax, else the amax the reference used, as a
 * calibrated module would hold it), and the layer's own forward pass runs. Checked, for each case:
 *
 * <ul>
 *   <li>the layer's input quantizer gives the file's {@code quant_input} and its weight quantizer,
 *       applied to the layer's own weight, the file's {@code quant_weight}, bit for bit;
 *   <li>the output has the golden output's shape and data type;
 *   <li>max pooling (no arithmetic) gives the golden output bit for bit; every other layer's output
 *       lies within the bound below of the file's {@code expected_f64}.
 * </ul>
 *
 * <p><b>The bound.</b> DL4J sums in its own order (and oneDNN in blocks), so its float32 result differs
 * from torch's. Each output element is a sum of {@code n} terms (products of a quantized input and a
 * quantized weight, the bias, or the window's inputs of an average pool; {@code n} is the fan-in plus
 * one). Whatever the order, a float32 sum of {@code n} such terms differs from the exact sum by at most
 * {@code γ_n · Σ|terms|}, with {@code γ_n = n·u / (1 − n·u)} and {@code u = 2^-24} (the standard
 * error bound of recursive and blocked summation; one rounding per product, one per addition, one for a
 * pooling division). {@code Σ|terms|} is obtained by running the same DL4J layer, without quantizers,
 * on {@code |quantized input|} with {@code |quantized weight|} and {@code |bias|}; that float32 pass
 * itself is within a factor {@code 1 + γ_n} of the exact sum, so the bound used is
 * {@code γ_n (1 + γ_n) · m + n · 2^-53 · m}, where {@code m} is the magnitude pass's output and the last
 * term covers {@code expected_f64}'s own float64 rounding. docs/conformance.md gives the same derivation.
 *
 * <p>A case whose module has no DL4J layer (see {@link ModuleLayer}), or whose descriptor DL4J's layer
 * map cannot express, is reported as not replayed, never as passed. So is QuantLSTM: DL4J's LSTM
 * quantizes its input sequence and its two weight matrices once, while the reference's QuantLSTM
 * quantizes {@code cat(x_t, h_{t-1})} afresh at every step. QuantLSTMCell (one step from a zero
 * state) does map, onto a one-step DL4J LSTM ({@link LstmCellReplay}, which derives its own bound).
 * Constructor calls the reference refuses must be refused by quant4j's counterparts
 * ({@link ModuleArguments}), with the reference's key phrase in the message ({@link ReferenceErrors}).
 */
public final class ModulesReplayer implements KindReplayer {

  private static final double U = 0x1p-24;
  private static final Pattern QUOTED = Pattern.compile("['\"](\\w+)['\"]");

  @Override
  public String kind() {
    return "modules";
  }

  @Override
  public void replay(JsonNode file, CaseReporter out) {
    for (JsonNode c : file.path("cases")) {
      String id = c.path("id").asText();
      if (c.has("error")) {
        out.check(id, () -> replayError(c));
      } else {
        replayForward(id, c, out);
      }
    }
  }

  /**
   * A constructor call the reference refuses: quant4j's equivalents ({@link ModuleArguments} for the
   * quantization arguments, {@link #paddingMode} for a transposed convolution's padding) must refuse it
   * too, with an {@link IllegalArgumentException} (Python's TypeError and ValueError both map to it)
   * whose message carries the reference's key phrase and every word the reference's message quotes.
   */
  private static void replayError(JsonNode c) {
    ModuleCall call = ModuleCall.parse(c.path("module").asText());
    JsonNode error = c.path("error");
    try {
      ModuleArguments.check(call);
      paddingMode(call.className(), call.text("padding_mode", "zeros"));
    } catch (IllegalArgumentException refused) {
      ReferenceErrors.assertSameError(error, refused);
      Matcher quoted = QUOTED.matcher(error.path("message").asText());
      while (quoted.find()) {
        if (!String.valueOf(refused.getMessage()).contains(quoted.group(1))) {
          throw new AssertionError("quant4j refused " + call + " but its message does not name \""
              + quoted.group(1) + "\" as the reference's does: " + refused.getMessage());
        }
      }
      return;
    }
    throw new AssertionError("quant4j accepted " + call + ", which the reference refuses with "
        + error.path("type").asText() + ": " + error.path("message").asText());
  }

  /**
   * The padding-mode check of the reference's transposed convolutions: only {@code "zeros"}.
   *
   * @param className the module class
   * @param mode the {@code padding_mode} argument
   * @throws IllegalArgumentException for a transposed convolution with another mode
   */
  static void paddingMode(String className, String mode) {
    if (className.startsWith("QuantConvTranspose") && !mode.equals("zeros")) {
      throw new IllegalArgumentException("padding_mode of " + className + " must be \"zeros\" (Only \"zeros\""
          + " padding mode is supported for a transposed convolution), got \"" + mode + "\"");
    }
  }

  private static void replayForward(String id, JsonNode c, CaseReporter out) {
    ModuleCall call;
    Map<String, TensorQuantizer> declared;
    try {
      call = ModuleCall.parse(c.path("module").asText());
      declared = ModuleArguments.check(call);
    } catch (RuntimeException e) {
      out.fail(id, e.getClass().getSimpleName() + ": " + e.getMessage());
      return;
    }
    if (call.className().equals("QuantLSTM")) {
      out.notReplayed(id, "DL4J's LSTM quantizes the input sequence and W, RW once; the reference's QuantLSTM"
          + " quantizes cat(x_t, h) afresh at every step");
      return;
    }
    QuantDescriptor input = declared.containsKey("quant_desc_input")
        ? declared.get("quant_desc_input").descriptor() : QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR;
    QuantDescriptor weight = declared.containsKey("quant_desc_weight")
        ? declared.get("quant_desc_weight").descriptor() : null;
    int outAxis = call.className().startsWith("QuantConvTranspose") ? 1 : 0;
    boolean perChannel = weight == null || !weight.isPerTensor();
    if (weight != null && perChannel && !Arrays.equals(weight.axis(), new int[] {outAxis})) {
      out.notReplayed(id, "the weight descriptor's axis " + weight.axisRepr() + " is not the output channel ("
          + outAxis + "), the only per-channel axis the DL4J layer map has");
      return;
    }
    for (QuantDescriptor d : weight == null ? List.of(input) : List.of(input, weight)) {
      if (d.learnAmax() || d.amax() != null || d.isE4M3()) {
        out.notReplayed(id, "descriptor " + d + ": a learned, fixed or FP8 amax is not replayed through a DL4J"
            + " layer");
        return;
      }
    }
    QuantConfig config = QuantConfig.builder().input(spec(input, null))
        .weight(weight == null ? QuantSpec.EMPTY : spec(weight, perChannel)).build();
    if (call.className().equals("QuantLSTMCell")) {
      out.check(id, () -> LstmCellReplay.replay(c, config));
      return;
    }
    INDArray x = GoldenTensors.decode(c.path("inputs").path("x"));
    ModuleLayer.Mapping mapping = ModuleLayer.of(call, c.path("params"), x.shape(), perChannel);
    if (mapping.layer() == null) {
      out.notReplayed(id, mapping.notReplayed());
      return;
    }
    out.check(id, () -> runLayer(c, mapping.layer(), config, x));
  }

  private static QuantSpec spec(QuantDescriptor d, Boolean perChannel) {
    QuantSpec.Builder b = QuantSpec.builder().numBits(d.numBits()).unsigned(d.unsigned()).narrowRange(d.narrowRange());
    return (perChannel == null ? b : b.perChannel(perChannel)).build();
  }

  private static void runLayer(JsonNode c, ModuleLayer m, QuantConfig config, INDArray x) {
    JsonNode expected = c.path("expected");
    MultiLayerNetwork net = network(m, config);
    m.params().forEach((key, value) -> net.getLayer(0).setParam(key, value));
    Map<String, TensorQuantizer> quantizers = Quantizers.of(net);
    TensorQuantizer in = require(quantizers, QuantRole.INPUT.quantizerName("layer0"));
    in.setAmax(GoldenTensors.decode(amax(c, "input")));
    INDArray layerInput = m.layerInput(x);
    GoldenTensors.assertBitsEqual("quant_input", ModuleLayer.torchShaped(in.apply(layerInput), x.shape()),
        expected.path("quant_input"));
    INDArray quantWeight = null;
    if (m.torchWeightShape() != null) {
      TensorQuantizer w = require(quantizers, QuantRole.WEIGHT.quantizerName("layer0"));
      INDArray dl4jWeight = net.getLayer(0).getParam("W");
      INDArray seen = m.quantizerView(dl4jWeight);
      w.setAmax(amaxInLayout(GoldenTensors.decode(amax(c, "weight")), seen, m));
      quantWeight = m.fromQuantizerView(w.apply(seen), dl4jWeight);
      GoldenTensors.assertBitsEqual("quant_weight", m.torchWeight(quantWeight), expected.path("quant_weight"));
    }
    long[] torchShape = GoldenTensors.shape(expected.path("output"));
    INDArray y = ModuleLayer.torchShaped(net.output(layerInput, false), torchShape);
    assertSameType(y, expected.path("output"));
    if (m.exact()) {
      GoldenTensors.assertBitsEqual("output", y, expected.path("output"));
      return;
    }
    INDArray magnitude = magnitude(m, quantWeight, Transforms.abs(in.apply(layerInput), true), torchShape);
    assertWithinBound(y, expected.path("expected_f64"), magnitude, m.fanIn());
  }

  private static MultiLayerNetwork network(ModuleLayer m, QuantConfig config) {
    QuantModules.initialize(config);
    try {
      return plainNetwork(m);
    } finally {
      QuantModules.deactivate();
    }
  }

  private static MultiLayerNetwork plainNetwork(ModuleLayer m) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(0)
        .dataType(DataType.FLOAT).list().layer(m.layer().clone()).build());
    net.init();
    return net;
  }

  /**
   * {@code Σ|terms|} per output element: the same layer, without quantizers, on the absolute
   * quantized input, weight and bias.
   */
  private static INDArray magnitude(ModuleLayer m, INDArray quantWeight, INDArray absInput, long[] torchShape) {
    MultiLayerNetwork plain = plainNetwork(m);
    m.params().forEach((key, value) -> plain.getLayer(0).setParam(key, Transforms.abs(value, true)));
    if (quantWeight != null) {
      plain.getLayer(0).setParam("W", Transforms.abs(quantWeight, true));
    }
    return ModuleLayer.torchShaped(plain.output(absInput, false), torchShape);
  }

  private static void assertWithinBound(INDArray y, JsonNode expectedF64, INDArray magnitude, long fanIn) {
    double[] want = GoldenTensors.decode(expectedF64).castTo(DataType.DOUBLE).dup('c').data().asDouble();
    float[] got = y.dup('c').data().asFloat();
    float[] mag = magnitude.dup('c').data().asFloat();
    double n = fanIn;
    double gamma = n * U / (1 - n * U);
    int bad = 0;
    StringBuilder first = new StringBuilder();
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      double bound = gamma * (1 + gamma) * mag[i] + n * 0x1p-53 * mag[i];
      double err = Math.abs(got[i] - want[i]);
      worst = Math.max(worst, bound == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : err / bound);
      if (!(err <= bound) && bad++ < 3) {
        first.append(String.format(" [%d] expected %s got %s (|err| %.3g > bound %.3g);", i, want[i], got[i], err,
            bound));
      }
    }
    if (bad > 0) {
      throw new AssertionError("output: " + bad + " of " + want.length + " elements outside γ_" + fanIn
          + "·Σ|terms| of expected_f64:" + first);
    }
  }

  private static void assertSameType(INDArray y, JsonNode expected) {
    String want = expected.path("dtype").asText();
    String got = switch (y.dataType()) {
      case FLOAT -> "float32";
      case DOUBLE -> "float64";
      case HALF -> "float16";
      case BFLOAT16 -> "bfloat16";
      default -> y.dataType().toString().toLowerCase(java.util.Locale.ROOT);
    };
    if (!want.equals(got)) {
      throw new AssertionError("output dtype: expected " + want + " but the DL4J layer gave " + got);
    }
  }

  private static TensorQuantizer require(Map<String, TensorQuantizer> quantizers, String name) {
    TensorQuantizer q = quantizers.get(name);
    if (q == null) {
      throw new AssertionError("the DL4J layer has no quantizer " + name + "; it has " + quantizers.keySet());
    }
    return q;
  }

  /** The explicit amax of a role if the case sets one, else the amax the reference used. */
  private static JsonNode amax(JsonNode c, String role) {
    JsonNode set = c.path(role + "_amax_set");
    return set.isMissingNode() || set.isNull() ? c.path("expected").path(role + "_amax_used") : set;
  }

  /**
   * A torch weight amax ({@code [out, 1, ...]}, {@code [1, out, 1, ...]} or a scalar) in the shape of
   * the DL4J weight's per-channel amax: the weight's shape with every non-channel axis 1.
   */
  private static INDArray amaxInLayout(INDArray torchAmax, INDArray dl4jWeight, ModuleLayer m) {
    if (!m.weightPerChannel()) {
      return torchAmax.reshape();
    }
    long[] shape = new long[dl4jWeight.rank()];
    Arrays.fill(shape, 1);
    for (int a : m.weightChannelAxes()) {
      shape[a] = dl4jWeight.size(a);
    }
    return torchAmax.dup('c').reshape(shape);
  }
}
