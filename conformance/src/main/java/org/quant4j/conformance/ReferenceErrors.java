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
  static final List<Row> TABLE = List.of(
      new Row("Only fake quantization is supported", "fake-quantize"),
      new Row("Unused keys", "unknown key"),
      new Row("padding mode is supported", "\"zeros\""));

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
            + error.path("type").asText() + ": " + reference));
    String message = String.valueOf(thrown.getMessage());
    if (!message.contains(row.quant4j())) {
      throw new AssertionError("the reference raises " + error.path("type").asText() + " (\"" + row.reference()
          + "\"); quant4j's message must say \"" + row.quant4j() + "\" but was: " + message);
    }
  }
}
