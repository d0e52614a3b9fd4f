package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Replays every case of one {@code kind} of golden file against quant4j. A replayer is generic over
 * its kind: any file of that kind, not only the ones shipped, must replay.
 */
public interface KindReplayer {

  /**
   * The value of the {@code kind} field this replayer handles, e.g. {@code "tensor_quant"}.
   *
   * @return the kind
   */
  String kind();

  /**
   * Replays the cases of one file and reports each one. A replayer catches failures of a single case
   * itself and reports them as failed, so one broken case never hides the others.
   *
   * @param file the whole parsed golden file
   * @param out where each case's outcome goes
   */
  void replay(JsonNode file, CaseReporter out);
}
