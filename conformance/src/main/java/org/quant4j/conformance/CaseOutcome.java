package org.quant4j.conformance;

import java.util.Objects;

/**
 * The outcome of one golden case.
 *
 * @param caseId the case's id within its file
 * @param status how it ended
 * @param detail why it failed, deviates, was not replayed or has no reference; empty for a pass
 */
public record CaseOutcome(String caseId, Status status, String detail) {

  /** How a case ended. Only {@link #PASSED} counts as passed. */
  public enum Status {
    /** quant4j reproduces the reference. */
    PASSED,
    /** quant4j differs from the reference. */
    FAILED,
    /** quant4j deliberately differs: the reference has a documented bug here. */
    DEVIATION,
    /** quant4j has no way to replay this case as the reference ran it (e.g. no DL4J layer for the module). */
    NOT_REPLAYED,
    /** The file holds no reference value to compare with (the reference could not run the case). */
    NO_REFERENCE
  }

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if any field is null
   */
  public CaseOutcome {
    Objects.requireNonNull(caseId, "caseId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
  }
}
