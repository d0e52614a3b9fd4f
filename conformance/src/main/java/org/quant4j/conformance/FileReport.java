package org.quant4j.conformance;

import java.nio.file.Path;
import java.util.List;

/**
 * What replaying one golden file gave.
 *
 * @param file the file
 * @param kind its {@code kind}, or empty when it has none
 * @param disposition whether it was replayed, skipped, or could not be
 * @param note for a file that was not replayed, why
 * @param outcomes the outcome of each case, for a replayed file
 */
public record FileReport(Path file, String kind, Disposition disposition, String note, List<CaseOutcome> outcomes) {

  /** What the runner did with a file. */
  public enum Disposition {
    /** Its kind has a replayer and every case was replayed. */
    REPLAYED,
    /** Its kind holds reference behaviour quant4j has no replayer for: one "not replayed", never passed. */
    NOT_REPLAYED,
    /** A kind the runner knows holds no cases to replay (timings, inventory). */
    SKIPPED,
    /** No {@code kind}, or one the runner does not know: the run fails. */
    UNKNOWN_KIND,
    /** The file could not be read, or its replayer broke: counted as one failure. */
    BROKEN
  }

  /** Copies the outcome list. */
  public FileReport {
    outcomes = List.copyOf(outcomes);
  }

  /**
   * Counts the cases with a status.
   *
   * @param status the status
   * @return how many of this file's cases ended so
   */
  public long count(CaseOutcome.Status status) {
    return outcomes.stream().filter(o -> o.status() == status).count();
  }
}
