package org.quant4j.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.tensor.QuantizedTensor;
import org.quant4j.tensor.TensorQuant;

/**
 * Replays {@code seed_example} golden files: the README example of pytorch-quantization, the fake and
 * real quantization of {@code torch.rand(10)} at seed 12345 with {@code amax = x.abs().max()}, and a
 * real per-axis quantizer with dynamic amax on a larger tensor.
 *
 * <p>Cases with a {@code call} of {@code fake_tensor_quant(x, x.abs().max())} or
 * {@code tensor_quant(x, x.abs().max())} reduce amax with {@link TensorQuant#reduceAmax} and compare
 * every output bit. Cases with a quantizer {@code config} follow {@code TensorQuantizer}'s forward with
 * dynamic amax: {@code reduce_amax} over the dims not in {@code axis} (keepdims), then
 * {@code tensor_quant(x, amax, num_bits, unsigned)} for real or
 * {@code fake_tensor_quant(x, amax, num_bits, unsigned, narrow_range)} for fake quantization.
 */
public final class SeedExampleReplayer implements KindReplayer {

  /** The replayed kind. */
  public static final String KIND = "seed_example";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public void replay(JsonNode file, CaseReporter out) {
    for (JsonNode c : file.path("cases")) {
      String id = c.path("id").asText();
      if (c.has("call")) {
        String call = c.path("call").asText();
        if (call.startsWith("fake_tensor_quant(x, x.abs().max())") || call.startsWith("tensor_quant(x, x.abs().max())")) {
          out.check(id, () -> replayCall(call.startsWith("fake"), c));
        } else {
          out.notImplemented(id, "unknown call '" + call + "'");
        }
      } else if (c.has("config")) {
        out.check(id, () -> replayQuantizer(c));
      } else {
        out.notImplemented(id, "case has neither 'call' nor 'config'");
      }
    }
  }

  private static void replayCall(boolean fake, JsonNode c) {
    JsonNode xNode = c.path("inputs").path("x");
    JsonNode expected = c.path("expected");
    INDArray x = GoldenTensors.decode(xNode);
    INDArray amax = TensorQuant.reduceAmax(x, null, true);
    if (c.path("inputs").has("amax")) {
      GoldenTensors.assertBitsEqual("amax = x.abs().max()", amax, c.path("inputs").get("amax"));
    }
    if (fake) {
      GoldenTensors.assertBitsEqual("output", TensorQuant.fakeTensorQuant(x, amax), expected.get("output"));
    } else {
      QuantizedTensor q = TensorQuant.tensorQuant(x, amax);
      GoldenTensors.assertBitsEqual("output", q.values(), expected.get("output"));
      GoldenTensors.assertBitsEqual("scale", q.scale(), expected.get("scale"));
    }
    GoldenTensors.assertBitsEqual("x after the call (inputs are never modified)", x, xNode);
  }

  private static void replayQuantizer(JsonNode c) {
    JsonNode config = c.get("config");
    int numBits = config.path("num_bits").asInt(8);
    boolean fake = config.path("fake_quant").asBoolean(true);
    boolean unsigned = config.path("unsigned").asBoolean(false);
    boolean narrow = config.path("narrow_range").asBoolean(false);
    INDArray x = GoldenTensors.decode(c.path("inputs").path("x"));
    List<Integer> keep = new ArrayList<>();
    JsonNode axis = config.get("axis");
    if (axis != null && !axis.isNull()) {
      if (axis.isArray()) {
        axis.forEach(a -> keep.add(a.asInt()));
      } else {
        keep.add(axis.asInt());
      }
    }
    INDArray amax;
    if (keep.isEmpty()) {
      amax = TensorQuant.reduceAmax(x, null, true);
    } else {
      // The reference does not normalise negative axes here (SEMANTICS.md section 3).
      int[] reduce = java.util.stream.IntStream.range(0, x.rank()).filter(d -> !keep.contains(d)).toArray();
      amax = TensorQuant.reduceAmax(x, reduce, true);
    }
    JsonNode expected = c.path("expected");
    if (fake) {
      GoldenTensors.assertBitsEqual("output",
          TensorQuant.fakeTensorQuant(x, amax, numBits, unsigned, narrow), expected.get("output"));
    } else {
      QuantizedTensor q = TensorQuant.tensorQuant(x, amax, numBits, unsigned);
      GoldenTensors.assertBitsEqual("output", q.values(), expected.get("output"));
      if (expected.has("scale")) {
        GoldenTensors.assertBitsEqual("scale", q.scale(), expected.get("scale"));
      }
    }
  }
}
