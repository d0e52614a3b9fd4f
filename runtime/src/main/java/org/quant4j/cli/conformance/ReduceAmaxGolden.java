package org.quant4j.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code reduce_amax} cases of a {@code calib_max} file. They exercise the tensor package's
 * {@code TensorQuant.reduceAmax}.
 */
final class ReduceAmaxGolden {

  private ReduceAmaxGolden() {}

  /**
   * Replays one {@code reduce_amax} case.
   *
   * @param file the whole file (the case's input names a batch of another case)
   * @param c the case
   * @param out the reporter
   */
  static void replay(JsonNode file, JsonNode c, CaseReporter out) {
    out.notImplemented("reduce_amax:" + c.path("id").asText(),
        "TensorQuant.reduceAmax is not on main yet");
  }
}
