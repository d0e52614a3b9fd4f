package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.tensor.QuantGrid;
import org.quant4j.tensor.QuantizedTensor;
import org.quant4j.tensor.TensorQuant;

/**
 * Replays {@code tensor_quant} golden files: direct calls of {@code fake_tensor_quant},
 * {@code tensor_quant}, {@code legacy_fake_tensor_quant} and {@code fake_affine_tensor_quant} with
 * explicit tensors, compared bit for bit (outputs and scale), expected errors as
 * {@link IllegalArgumentException}, and the input checked unmodified after every call.
 *
 * <p>A {@code num_bits} outside [1, 16] that the reference accepts (it gives a max bound of -0.5 for
 * 0) is a documented deviation: quant4j rejects it, as DESIGN.md requires. An amax that is not a
 * tensor (the reference's {@code AttributeError}) is replayed as a null amax, the only non-array a
 * Java caller can pass.
 */
public final class TensorQuantReplayer implements KindReplayer {

  /** The replayed kind. */
  public static final String KIND = "tensor_quant";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public void replay(JsonNode file, CaseReporter out) {
    for (JsonNode c : file.path("cases")) {
      String id = c.path("id").asText();
      String function = c.path("function").asText();
      switch (function) {
        case "fake_tensor_quant", "legacy_fake_tensor_quant", "tensor_quant" -> replayQuant(id, function, c, out);
        case "fake_affine_tensor_quant" -> out.check(id, () -> replayAffine(c));
        default -> out.notReplayed(id, "unknown function '" + function + "'");
      }
    }
  }

  private static void replayQuant(String id, String function, JsonNode c, CaseReporter out) {
    int numBits = c.path("num_bits").asInt(8);
    boolean unsigned = c.path("unsigned").asBoolean(false);
    boolean narrow = c.path("narrow_range").asBoolean(true);
    JsonNode expected = c.path("expected");
    JsonNode xNode = c.path("inputs").path("x");
    JsonNode amaxNode = c.path("inputs").path("amax");
    boolean outOfRange = numBits < 1 || numBits > QuantGrid.MAX_BITS;
    if (outOfRange && !GoldenTensors.isError(expected)) {
      try {
        call(function, GoldenTensors.decode(xNode), decodeAmax(amaxNode), numBits, unsigned, narrow);
        out.fail(id, "num_bits=" + numBits + " was accepted; quant4j must reject numBits outside [1, 16]");
      } catch (IllegalArgumentException e) {
        out.deviation(id, "the reference accepts num_bits=" + numBits + " (max_bound "
            + (Math.pow(2, numBits - 1 + (unsigned ? 1 : 0)) - 1) + ", a meaningless grid); quant4j rejects "
            + "numBits outside [1, 16] with IllegalArgumentException, as DESIGN.md requires");
      }
      return;
    }
    out.check(id, () -> {
      INDArray x = GoldenTensors.decode(xNode);
      INDArray amax = decodeAmax(amaxNode);
      if (GoldenTensors.isError(expected)) {
        expectIllegalArgument(() -> call(function, x, amax, numBits, unsigned, narrow), expected);
        return;
      }
      Object result = call(function, x, amax, numBits, unsigned, narrow);
      if (result instanceof QuantizedTensor q) {
        GoldenTensors.assertBitsEqual("output", q.values(), expected.get("output"));
        GoldenTensors.assertBitsEqual("scale", q.scale(), expected.get("scale"));
      } else {
        GoldenTensors.assertBitsEqual("output", (INDArray) result, expected.get("output"));
      }
      GoldenTensors.assertBitsEqual("x after the call (inputs are never modified)", x, xNode);
    });
  }

  private static INDArray decodeAmax(JsonNode amaxNode) {
    return amaxNode.isObject() ? GoldenTensors.decode(amaxNode) : null;
  }

  private static Object call(String function, INDArray x, INDArray amax, int numBits, boolean unsigned,
      boolean narrow) {
    return switch (function) {
      case "tensor_quant" -> TensorQuant.tensorQuant(x, amax, numBits, unsigned, narrow);
      case "legacy_fake_tensor_quant" -> TensorQuant.legacyFakeTensorQuant(x, amax, numBits, unsigned, narrow);
      default -> TensorQuant.fakeTensorQuant(x, amax, numBits, unsigned, narrow);
    };
  }

  private static void replayAffine(JsonNode c) {
    JsonNode inputs = c.path("inputs");
    INDArray x = GoldenTensors.decode(inputs.get("x"));
    INDArray min = GoldenTensors.decode(inputs.get("min_range"));
    INDArray max = GoldenTensors.decode(inputs.get("max_range"));
    int numBits = c.path("num_bits").asInt(8);
    JsonNode expected = c.path("expected");
    if (GoldenTensors.isError(expected)) {
      expectIllegalArgument(() -> TensorQuant.fakeAffineTensorQuant(x, min, max, numBits), expected);
      return;
    }
    INDArray result = TensorQuant.fakeAffineTensorQuant(x, min, max, numBits);
    GoldenTensors.assertBitsEqual("output", result, expected.get("output"));
    GoldenTensors.assertBitsEqual("x after the call (inputs are never modified)", x, inputs.get("x"));
  }

  private static void expectIllegalArgument(Runnable call, JsonNode expected) {
    JsonNode error = expected.get("error");
    try {
      call.run();
    } catch (IllegalArgumentException e) {
      ReferenceErrors.assertSameError(error, e);
      return;
    }
    throw new AssertionError("expected IllegalArgumentException for the reference's "
        + error.path("type").asText() + "(\"" + error.path("message").asText() + "\"), got a result");
  }
}
