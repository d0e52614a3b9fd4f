package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.nn.Clip;
import org.quant4j.nn.ClipGradients;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.TensorQuant;

/**
 * Replays {@code gradients} files: forward outputs and backward gradients of
 * {@code fake_tensor_quant}, {@code tensor_quant}, {@code legacy_fake_tensor_quant} and
 * {@code fake_affine_tensor_quant} (straight-through estimator), {@code nn.functional.clip}, the
 * {@code Clip} module, learned-amax TensorQuantizers and a QuantLinear, each case chosen by the
 * Python call text it records.
 */
public final class GradientsReplayer implements KindReplayer {

  /** Creates the replayer. */
  public GradientsReplayer() {}

  @Override
  public String kind() {
    return "gradients";
  }

  @Override
  public void replay(JsonNode file, CaseReporter out) {
    for (JsonNode c : file.path("cases")) {
      out.check(c.path("id").asText(), () -> replayCase(c));
    }
  }

  private static void replayCase(JsonNode c) {
    String call = c.path("call").asText();
    int comment = call.indexOf('#');
    if (comment >= 0) {
      call = call.substring(0, comment).trim();
    }
    JsonNode in = c.path("inputs");
    JsonNode expected = c.path("expected");
    if (PythonCallText.calls(call, "TensorQuantizer") || call.startsWith("learn_amax")) {
      learnedAmaxQuantizer(call, c, in, expected);
    } else if (call.startsWith("QuantLinear")) {
      quantLinear(call, in, expected);
    } else if (PythonCallText.calls(call, "fake_affine_tensor_quant")) {
      fakeAffine(call, in, expected);
    } else if (call.contains("functional.clip")) {
      functionalClip(in, expected);
    } else if (PythonCallText.calls(call, "Clip")) {
      clipModule(call, in, expected);
    } else if (call.contains("tensor_quant")) {
      straightThrough(call, in, expected);
    } else {
      throw new UnsupportedOperationException("unknown gradients call: " + call);
    }
  }

  private static INDArray t(JsonNode in, String name) {
    return GoldenTensors.decode(in.get(name));
  }

  /** fake_tensor_quant / tensor_quant / legacy_fake_tensor_quant forward and STE backward. */
  private static void straightThrough(String call, JsonNode in, JsonNode expected) {
    INDArray x = t(in, "x");
    INDArray amax = t(in, "amax");
    INDArray g = t(in, "grad_output");
    String fn = PythonCallText.calls(call, "legacy_fake_tensor_quant") ? "legacy_fake_tensor_quant"
        : PythonCallText.calls(call, "fake_tensor_quant") || !call.contains("(") ? "fake_tensor_quant"
        : "tensor_quant";
    int numBits = 8;
    boolean unsigned = false;
    boolean narrow = true;
    if (PythonCallText.calls(call, fn)) {
      PythonCallText args = PythonCallText.of(call, fn);
      List<Object> p = args.positional();
      Map<String, Object> k = args.keywords();
      numBits = ((Number) (p.size() > 2 ? p.get(2) : k.getOrDefault("num_bits", 8))).intValue();
      unsigned = (Boolean) (p.size() > 3 ? p.get(3) : k.getOrDefault("unsigned", false));
      narrow = (Boolean) (p.size() > 4 ? p.get(4) : k.getOrDefault("narrow_range", true));
    }
    INDArray y = switch (fn) {
      case "legacy_fake_tensor_quant" -> TensorQuant.legacyFakeTensorQuant(x, amax, numBits, unsigned, narrow);
      case "fake_tensor_quant" -> TensorQuant.fakeTensorQuant(x, amax, numBits, unsigned, narrow);
      default -> TensorQuant.tensorQuant(x, amax, numBits, unsigned, narrow).values();
    };
    GoldenTensors.assertBitsEqual("output", y, expected.get("output"));
    GoldenTensors.assertBitsEqual("grad_x", TensorQuant.fakeTensorQuantBackward(g, x, amax),
        expected.get("grad_x"));
    requireNoGrad(expected, "grad_amax");
  }

  private static void fakeAffine(String call, JsonNode in, JsonNode expected) {
    List<Object> p = PythonCallText.of(call, "fake_affine_tensor_quant").positional();
    INDArray x = t(in, "x");
    INDArray g = t(in, "grad_output");
    INDArray min = Nd4j.scalar(((Number) p.get(1)).floatValue());
    INDArray max = Nd4j.scalar(((Number) p.get(2)).floatValue());
    int numBits = p.size() > 3 ? ((Number) p.get(3)).intValue() : 8;
    GoldenTensors.assertBitsEqual("output", TensorQuant.fakeAffineTensorQuant(x, min, max, numBits),
        expected.get("output"));
    GoldenTensors.assertBitsEqual("grad_x", TensorQuant.fakeAffineTensorQuantBackward(g, x, min, max),
        expected.get("grad_x"));
    requireNoGrad(expected, "grad_amax");
  }

  private static void functionalClip(JsonNode in, JsonNode expected) {
    INDArray x = t(in, "x");
    float min = t(in, "min").getFloat(0);
    float max = t(in, "max").getFloat(0);
    GoldenTensors.assertBitsEqual("output", Clip.clip(x, min, max), expected.get("output"));
    ClipGradients cg = Clip.clipBackward(t(in, "grad_output"), x, min, max);
    GoldenTensors.assertBitsEqual("grad_x", cg.input(), expected.get("grad_x"));
    GoldenTensors.assertBitsEqual("grad_min", Nd4j.scalar(cg.clipMin()), expected.get("grad_min"));
    GoldenTensors.assertBitsEqual("grad_max", Nd4j.scalar(cg.clipMax()), expected.get("grad_max"));
  }

  private static void clipModule(String call, JsonNode in, JsonNode expected) {
    PythonCallText args = PythonCallText.of(call, "Clip");
    Clip clip = new Clip(((Number) args.positional().get(0)).floatValue(),
        ((Number) args.positional().get(1)).floatValue(),
        Boolean.TRUE.equals(args.keywords().get("learn_min")),
        Boolean.TRUE.equals(args.keywords().get("learn_max")));
    INDArray x = t(in, "x");
    GoldenTensors.assertBitsEqual("output", clip.apply(x), expected.get("output"));
    ClipGradients cg = clip.backward(t(in, "grad_output"), x);
    GoldenTensors.assertBitsEqual("grad_x", cg.input(), expected.get("grad_x"));
    checkBoundGrads(clip, expected);
  }

  private static void checkBoundGrads(Clip clip, JsonNode expected) {
    checkBoundGrad("grad_clip_value_min", clip.gradClipValueMin(), expected);
    checkBoundGrad("grad_clip_value_max", clip.gradClipValueMax(), expected);
  }

  private static void checkBoundGrad(String name, Float actual, JsonNode expected) {
    JsonNode e = expected.get(name);
    if (e == null || e.isNull()) {
      TensorQuantizerReplayer.equal(name, null, actual);
    } else {
      if (actual == null) {
        throw new AssertionError(name + ": expected a gradient, got none");
      }
      GoldenTensors.assertBitsEqual(name, Nd4j.scalar(actual), e);
    }
  }

  private static void learnedAmaxQuantizer(String call, JsonNode c, JsonNode in, JsonNode expected) {
    QuantDescriptor d = PythonCallText.calls(call, "QuantDescriptor")
        ? QuantDescriptor.fromMap(PythonCallText.of(call, "QuantDescriptor").keywords())
        : QuantDescriptor.builder().learnAmax(true).build();
    TensorQuantizer q = new TensorQuantizer(d);
    if (call.contains("clip_value_min")) {
      q.clip().setClipValueMin(((Number) PythonCallText.after(call, "clip_value_min")).floatValue());
    }
    if (call.contains("clip_value_max")) {
      q.clip().setClipValueMax(((Number) PythonCallText.after(call, "clip_value_max")).floatValue());
    }
    if (c.has("str")) {
      TensorQuantizerReplayer.equal("str", c.get("str").asText(), q.toString());
    }
    INDArray x = t(in, "x");
    GoldenTensors.assertBitsEqual("output", q.apply(x), expected.get("output"));
    GoldenTensors.assertBitsEqual("grad_x", q.backward(t(in, "grad_output"), x), expected.get("grad_x"));
    checkBoundGrads(q.clip(), expected);
  }

  /** QuantLinear: y = fq(x) @ fq(W)^T + b, with the quantizers' STE backward around the matmuls. */
  private static void quantLinear(String call, JsonNode in, JsonNode expected) {
    TensorQuantizer inputQuantizer = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR);
    inputQuantizer.setAmax(TensorQuantizerReplayer.amaxValue(PythonCallText.after(call, "input amax")));
    TensorQuantizer weightQuantizer =
        new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_LINEAR_WEIGHT_PER_ROW);
    weightQuantizer.setAmax(TensorQuantizerReplayer.amaxValue(PythonCallText.after(call, "weight amax")));
    INDArray x = t(in, "x");
    INDArray w = t(in, "weight");
    INDArray b = t(in, "bias");
    INDArray g = t(in, "grad_output");
    INDArray xq = inputQuantizer.apply(x);
    INDArray wq = weightQuantizer.apply(w);
    INDArray y = xq.mmul(wq.transpose()).addRowVector(b);
    GoldenTensors.assertBitsEqual("output", y, expected.get("output"));
    GoldenTensors.assertBitsEqual("grad_x", inputQuantizer.backward(g.mmul(wq), x), expected.get("grad_x"));
    GoldenTensors.assertBitsEqual("grad_weight", weightQuantizer.backward(g.transpose().mmul(xq), w),
        expected.get("grad_weight"));
    GoldenTensors.assertBitsEqual("grad_bias", g.sum(0), expected.get("grad_bias"));
  }

  private static void requireNoGrad(JsonNode expected, String name) {
    JsonNode e = expected.get(name);
    if (e != null && !e.isNull()) {
      throw new AssertionError(name + ": the reference gives a gradient, quant4j gives none");
    }
  }
}
