package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The key phrase of each error the reference raises in the golden files, and the phrase quant4j's
 * message for the same refusal must contain (golden/SEMANTICS.md, "Error key phrases"). A replayer
 * that expects an error checks quant4j's exception against the row whose reference phrase the golden
 * message contains; a golden error no row knows fails the case, so a new error in a golden file is
 * noticed rather than accepted on its type alone.
 */
final class ReferenceErrors {

  /**
   * One row of the table.
   *
   * @param reference a phrase of the reference's message
   * @param quant4j the phrase quant4j's message must contain
   */
  record Row(String reference, String quant4j) {}

  /** The table, in SEMANTICS.md's order. */
  /** The table, in SEMANTICS.md's order. */
  static final List<Row> TABLE = List.of(
      new Row("Negative values encountered in unsigned quantization", "no negative value for unsigned quantization"),
      new Row("Negative values in amax", "amax must be non-negative"),
      new Row("'float' object has no attribute 'dtype'", "amax must be an INDArray"),
      new Row("scale is too large for FP16", "scale is too large for FP16"),
      new Row("num_bits must be > 0", "numBits must be in [0, 16]"),
      new Row("num_bits must be a postive integer or tuple (4,3)", "must be (4, 3)"),
      new Row("name must be a string or None", "name must be a string or null"),
      new Row("amax must be float, list or ndarray", "amax must be a float or a (nested) list of floats"),
      new Row("axis is ignored and must be None when learn_amax is true", "when learnAmax is true"),
      new Row("Unused keys", "unknown"),
      new Row("Only fake quantization is supported", "fake-quantize"),
      new Row("padding mode is supported", "\"zeros\""),
      new Row("Changing shape when setting amax is not allowed", "amax shape must stay"),
      new Row("learn_amax is False. Cannot enable clip.", "learnAmax is false: cannot enable clip"),
      new Row("Calibrator returned None", "has seen no data"),
      new Row("amax shape changed!", "amax shape changed"),
      new Row("Cannot reduce more axes than tensor's dim.", "axis must name at most"),
      new Row("cannot convert float infinity to integer", "cannot grow a histogram"),
      new Row("Calibrator histogram collection only supports per tensor scaling", "only supports per tensor scaling"),
      new Row("Unsupported calibration method", "for weight calibration"),
      new Row("list.remove(x): x not in list", "needs a channel axis"),
      new Row("torch.histc: range of", "is not finite"),
      new Row("Invalid percentile", "percentile must be in [0, 100]"),
      new Row("Unknown calibration method", "method must be one of"),
      new Row("Expected reduction dim to be specified for input.numel() == 0", "at least one non-zero element"),
      new Row("ONNX does not support unsigned narrow range INT8", "narrowRange=true"),
      new Row("Quantizer has not been calibrated", "ONNX export requires every enabled quantizer to be calibrated"),
      new Row("Unrecognized attribute: axis for operator QuantizeLinear", "which opset 10 cannot express"));

  private ReferenceErrors() {}

  /**
   * Checks that quant4j's exception is the reference's error: the golden message has a row, and the
   * exception's message contains that row's quant4j phrase.
   *
   * @param error the golden {@code {"type", "message"}}
   * @param thrown what quant4j threw
   * @throws AssertionError if no row knows the golden message or the phrase is missing
   */
  static void assertSameError(JsonNode error, Throwable thrown) {
    String reference = error.path("message").asText();
    Row row = TABLE.stream().filter(r -> reference.contains(r.reference())).findFirst()
        .orElseThrow(() -> new AssertionError("no key phrase recorded for the reference's error "
            + error.path("type").asText() + ": " + reference + " (quant4j: " + thrown.getMessage() + ")"));
    String message = String.valueOf(thrown.getMessage());
    if (!message.contains(row.quant4j())) {
      throw new AssertionError("the reference raises " + error.path("type").asText() + " (\"" + row.reference()
          + "\"); quant4j's message must say \"" + row.quant4j() + "\" but was: " + message);
    }
  }
}
