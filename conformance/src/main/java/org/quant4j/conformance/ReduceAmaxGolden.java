package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.tensor.TensorQuant;

/**
 * The {@code reduce_amax} cases of a {@code calib_max} file, replayed through
 * {@link TensorQuant#reduceAmax}. A case's input names a batch of another case of the file
 * ({@code "batches[0] of per_tensor case"}); its axis is null, an int, or a list (a list longer than
 * the rank is the reference's tuple error).
 */
final class ReduceAmaxGolden {

  private static final Pattern INPUT = Pattern.compile("batches\\[(\\d+)\\] of (\\S+) case");

  private ReduceAmaxGolden() {}

  /**
   * Replays one {@code reduce_amax} case.
   *
   * @param file the whole file (the case's input names a batch of another case)
   * @param c the case
   * @param out the reporter
   */
  static void replay(JsonNode file, JsonNode c, CaseReporter out) {
    out.check("reduce_amax:" + c.path("id").asText(), () -> {
      INDArray x = input(file, c.path("input").asText());
      boolean keepdims = c.path("keepdims").asBoolean(true);
      JsonNode axis = c.path("axis");
      JsonNode expected = c.path("expected");
      INDArray result;
      try {
        if (axis.isNull() || axis.isMissingNode()) {
          result = TensorQuant.reduceAmax(x, (int[]) null, keepdims);
        } else if (axis.isInt()) {
          result = TensorQuant.reduceAmax(x, axis.asInt(), keepdims);
        } else {
          result = TensorQuant.reduceAmax(x, CalibMaxReplayer.axis(axis), keepdims);
        }
      } catch (IllegalArgumentException e) {
        if (GoldenTensors.isError(expected)) {
          ReferenceErrors.assertSameError(expected.get("error"), e);
          return;
        }
        throw e;
      }
      if (GoldenTensors.isError(expected)) {
        throw new AssertionError("expected an error like " + expected.get("error").path("type").asText()
            + ", got shape " + HistogramGolden.shape(result));
      }
      GoldenTensors.assertBitsEqual("output", result, expected.get("output"));
    });
  }

  private static INDArray input(JsonNode file, String ref) {
    Matcher m = INPUT.matcher(ref.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("input must look like 'batches[k] of <case> case', got " + ref);
    }
    for (JsonNode c : file.path("cases")) {
      if (c.path("id").asText().equals(m.group(2))) {
        return GoldenTensors.decode(c.get("batches").get(Integer.parseInt(m.group(1))).get("input"));
      }
    }
    throw new IllegalArgumentException("input names case " + m.group(2) + ", which the file does not have");
  }
}
