package org.quant4j.conformance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    return total().passed();
  }

  /**
   * Cases that differ from the reference, plus one per broken file.
   *
   * @return the count
   */
  public long failed() {
    return total().failed();
  }

  /**
   * Cases where quant4j deliberately differs from a documented reference bug.
   *
   * @return the count
   */
  public long deviations() {
    return total().deviations();
  }

  /**
   * Cases, and files of a kind without a replayer, that quant4j cannot replay; never counted as passed.
   *
   * @return the count
   */
  public long notReplayed() {
    return total().notReplayed();
  }

  /**
   * Cases the files hold no reference value for; never counted as passed.
   *
   * @return the count
   */
  public long noReference() {
    return total().noReference();
  }

  /**
   * The counts per {@code kind}, for every kind that was replayed or not replayed (skipped files and
   * files of an unknown kind have none).
   *
   * @return an unmodifiable map sorted by kind
   */
  public Map<String, KindCounts> byKind() {
    Map<String, KindCounts> out = new TreeMap<>();
    for (FileReport f : files) {
      if (f.disposition() != FileReport.Disposition.SKIPPED && f.disposition() != FileReport.Disposition.UNKNOWN_KIND) {
        out.merge(f.kind(), KindCounts.of(f), KindCounts::plus);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Why the run fails, one line per reason: failed cases, nothing replayed, files of an unknown kind.
   *
   * @return the reasons; empty when the run succeeds
   */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    KindCounts t = total();
    if (t.failed() > 0) {
      out.add(t.failed() + " failed");
    }
    if (t.passed() + t.failed() + t.deviations() == 0) {
      out.add("nothing was replayed");
    }
    for (FileReport f : files) {
      if (f.disposition() == FileReport.Disposition.UNKNOWN_KIND) {
        out.add(f.file().getFileName() + " was skipped: " + f.note());
      }
    }
    return out;
  }

  /**
   * Whether the run succeeds: no failed case, at least one case replayed, and every file of a known kind.
   *
   * @return true when {@link #problems()} is empty
   */
  public boolean succeeded() {
    return problems().isEmpty();
  }

  /**
   * The process exit status of {@code quant4j conformance}.
   *
   * @return 0 when the run {@link #succeeded()}, else 1
   */
  public int exitStatus() {
    return succeeded() ? 0 : 1;
  }

  private KindCounts total() {
    KindCounts t = KindCounts.NONE;
    for (FileReport f : files) {
      t = t.plus(KindCounts.of(f));
    }
    return t;
  }
}
