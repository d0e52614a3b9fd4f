package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.QuantizedTensor;
import org.quant4j.tensor.TensorQuant;

/**
 * Replays {@code seed_example} golden files: the README example of pytorch-quantization, the fake and
 * real quantization of {@code torch.rand(10)} at seed 12345 with {@code amax = x.abs().max()}, and a
 * real per-axis quantizer with dynamic amax on a larger tensor.
 *
 * <p>Cases with a {@code call} of {@code fake_tensor_quant(x, x.abs().max())} or
 * {@code tensor_quant(x, x.abs().max())} reduce amax with {@link TensorQuant#reduceAmax} and compare
 * every output bit. Cases with a quantizer {@code config} build a {@link TensorQuantizer} from it
 * (dynamic amax) and check its {@code str} before and after the forward, the output bits, the scale
 * and the first row.
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
          out.notReplayed(id, "unknown call '" + call + "'");
        }
      } else if (c.has("config")) {
        out.check(id, () -> replayQuantizer(c));
      } else {
        out.notReplayed(id, "case has neither 'call' nor 'config'");
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
    QuantDescriptor.Builder builder = QuantDescriptor.builder()
        .numBits(config.path("num_bits").asInt(8))
        .fakeQuant(config.path("fake_quant").asBoolean(true))
        .unsigned(config.path("unsigned").asBoolean(false))
        .narrowRange(config.path("narrow_range").asBoolean(false));
    JsonNode axis = config.get("axis");
    if (axis != null && axis.isArray()) {
      int[] axes = new int[axis.size()];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = axis.get(i).asInt();
      }
      builder.axisTuple(axes);
    } else if (axis != null && !axis.isNull()) {
      builder.axis(axis.asInt());
    }
    TensorQuantizer quantizer = new TensorQuantizer(builder.build());
    JsonNode expected = c.path("expected");
    if (expected.has("str_before")) {
      assertText("str before the forward", expected.get("str_before").asText(), quantizer.toString());
    }
    INDArray x = GoldenTensors.decode(c.path("inputs").path("x"));
    INDArray output = quantizer.apply(x);
    GoldenTensors.assertBitsEqual("output", output, expected.get("output"));
    if (expected.has("scale")) {
      GoldenTensors.assertBitsEqual("scale", quantizer.scale(), expected.get("scale"));
    }
    if (expected.has("first_row")) {
      JsonNode row = expected.get("first_row");
      INDArray flat = output.reshape(output.length());
      for (int i = 0; i < row.size(); i++) {
        if (Float.compare((float) row.get(i).asDouble(), flat.getFloat(i)) != 0) {
          throw new AssertionError("first_row[" + i + "]: expected " + row.get(i).asDouble() + " got "
              + flat.getFloat(i));
        }
      }
    }
    if (expected.has("str_after")) {
      assertText("str after the forward", expected.get("str_after").asText(), quantizer.toString());
    }
  }

  private static void assertText(String what, String expected, String actual) {
    if (!expected.equals(actual)) {
      throw new AssertionError(what + ": expected <" + expected + "> got <" + actual + ">");
    }
  }
}
