package org.quant4j.conformance;

/**
 * The counts of one golden {@code kind} over a conformance run, as the per-kind summary line prints them.
 *
 * @param passed cases that reproduce the reference
 * @param failed cases that differ, plus one per broken file
 * @param deviations cases where quant4j deliberately differs from a documented reference bug
 * @param notReplayed cases (and files of a kind without a replayer) quant4j cannot replay
 * @param noReference cases the file holds no reference value for
 */
public record KindCounts(long passed, long failed, long deviations, long notReplayed, long noReference) {

  /** Nothing counted. */
  public static final KindCounts NONE = new KindCounts(0, 0, 0, 0, 0);

  /**
   * The counts of one file.
   *
   * @param f the file's report
   * @return its counts
   */
  static KindCounts of(FileReport f) {
    return new KindCounts(f.count(CaseOutcome.Status.PASSED),
        f.count(CaseOutcome.Status.FAILED) + (f.disposition() == FileReport.Disposition.BROKEN ? 1 : 0),
        f.count(CaseOutcome.Status.DEVIATION),
        f.count(CaseOutcome.Status.NOT_REPLAYED) + (f.disposition() == FileReport.Disposition.NOT_REPLAYED ? 1 : 0),
        f.count(CaseOutcome.Status.NO_REFERENCE));
  }

  /**
   * The sum of two counts.
   *
   * @param o the other counts
   * @return this plus o
   */
  KindCounts plus(KindCounts o) {
    return new KindCounts(passed + o.passed, failed + o.failed, deviations + o.deviations,
        notReplayed + o.notReplayed, noReference + o.noReference);
  }

  /**
   * The counts as the summary prints them.
   *
   * @return e.g. {@code 30 passed / 0 failed / 0 deviations / 14 not replayed / 0 no reference}
   */
  @Override
  public String toString() {
    return passed + " passed / " + failed + " failed / " + deviations + " deviations / " + notReplayed
        + " not replayed / " + noReference + " no reference";
  }
}
