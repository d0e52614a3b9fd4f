package org.quant4j.conformance;

import java.util.Objects;

/**
 * The outcome of one golden case.
 *
 * @param caseId the case's id within its file
 * @param status how it ended
 * @param detail why it failed or deviates, or what is missing; empty for a pass
 */
public record CaseOutcome(String caseId, Status status, String detail) {

  /** How a case ended. */
  public enum Status {
    /** quant4j reproduces the reference. */
    PASSED,
    /** quant4j differs from the reference. */
    FAILED,
    /** quant4j deliberately differs: the reference has a documented bug here. */
    DEVIATION,
    /** quant4j cannot replay this case yet. Never counted as passed. */
    NOT_IMPLEMENTED
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
