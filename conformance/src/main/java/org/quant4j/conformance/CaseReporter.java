package org.quant4j.conformance;

import java.util.ArrayList;
import java.util.List;

/** Collects the outcome of each case of one golden file, in the order the replayer reports them. */
public final class CaseReporter {

  private final List<CaseOutcome> outcomes = new ArrayList<>();

  /**
   * Records a case that reproduces the reference.
   *
   * @param caseId the case's id
   */
  public void pass(String caseId) {
    outcomes.add(new CaseOutcome(caseId, CaseOutcome.Status.PASSED, ""));
  }

  /**
   * Records a case that differs from the reference.
   *
   * @param caseId the case's id
   * @param reason what differs, with the expected and actual values
   */
  public void fail(String caseId, String reason) {
    outcomes.add(new CaseOutcome(caseId, CaseOutcome.Status.FAILED, reason));
  }

  /**
   * Records a case where quant4j deliberately does the correct thing instead of a reference bug that
   * the golden README names.
   *
   * @param caseId the case's id
   * @param reason one line: the reference's bug and what quant4j does instead
   */
  public void deviation(String caseId, String reason) {
    outcomes.add(new CaseOutcome(caseId, CaseOutcome.Status.DEVIATION, reason));
  }

  /**
   * Records a case quant4j cannot replay as the reference ran it; never counted as passed.
   *
   * @param caseId the case's id
   * @param reason what quant4j lacks to replay it
   */
  public void notReplayed(String caseId, String reason) {
    outcomes.add(new CaseOutcome(caseId, CaseOutcome.Status.NOT_REPLAYED, reason));
  }

  /**
   * Records a case the file holds no reference value for; never counted as passed.
   *
   * @param caseId the case's id
   * @param reason why the reference gave no value
   */
  public void noReference(String caseId, String reason) {
    outcomes.add(new CaseOutcome(caseId, CaseOutcome.Status.NO_REFERENCE, reason));
  }

  /**
   * Runs one case, turning any exception or assertion error it throws into a failure of that case.
   *
   * @param caseId the case's id
   * @param check the check; it reports nothing itself and throws to fail
   */
  public void check(String caseId, CaseCheck check) {
    try {
      check.run();
      pass(caseId);
    } catch (Exception | AssertionError e) {
      fail(caseId, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * The outcomes so far, in report order.
   *
   * @return an unmodifiable copy
   */
  public List<CaseOutcome> outcomes() {
    return List.copyOf(outcomes);
  }

  /** A case body for {@link #check}: throws to fail. */
  @FunctionalInterface
  public interface CaseCheck {
    /**
     * Runs the case.
     *
     * @throws Exception to fail it
     */
    void run() throws Exception;
  }
}
