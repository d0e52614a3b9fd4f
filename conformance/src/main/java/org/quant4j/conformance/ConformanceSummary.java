package org.quant4j.conformance;

import java.util.List;

/**
 * The result of a conformance run over several files.
 *
 * @param files one report per file, in the order they were replayed
 */
public record ConformanceSummary(List<FileReport> files) {

  /** Copies the list. */
  public ConformanceSummary {
    files = List.copyOf(files);
  }

  /**
   * Cases that reproduce the reference.
   *
   * @return the count
   */
  public long passed() {
    return files.stream().mapToLong(f -> f.count(CaseOutcome.Status.PASSED)).sum();
  }

  /**
   * Cases that differ from the reference, plus one per broken file.
   *
   * @return the count
   */
  public long failed() {
    return files.stream()
        .mapToLong(f -> f.count(CaseOutcome.Status.FAILED) + (f.disposition() == FileReport.Disposition.BROKEN ? 1 : 0))
        .sum();
  }

  /**
   * Cases where quant4j deliberately differs from a documented reference bug.
   *
   * @return the count
   */
  public long deviations() {
    return files.stream().mapToLong(f -> f.count(CaseOutcome.Status.DEVIATION)).sum();
  }

  /**
   * Cases, and files of a kind without a replayer, that quant4j cannot replay yet.
   *
   * @return the count
   */
  public long notImplemented() {
    return files.stream()
        .mapToLong(f -> f.count(CaseOutcome.Status.NOT_IMPLEMENTED)
            + (f.disposition() == FileReport.Disposition.NOT_IMPLEMENTED ? 1 : 0))
        .sum();
  }
}
