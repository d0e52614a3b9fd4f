package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Replays golden files of pytorch-quantization 2.2.1 against quant4j, dispatching on each file's
 * {@code kind}, and prints one line per file, every deviation with its reason, every failure, and the
 * closing line {@code N passed, M failed}.
 */
public final class ConformanceRunner {

  /** The kinds a conformance run replays; files of other kinds (timings, inventory, ...) are skipped. */
  public static final Set<String> CONFORMANCE_KINDS = Set.of(
      "seed_example", "tensor_quant", "tensor_quantizer", "calib_max", "calib_hist", "calib_hist_small",
      "modules", "gradients", "onnx_export");

  private static final int FAILURES_SHOWN_PER_FILE = 20;

  private final Map<String, KindReplayer> replayers = new LinkedHashMap<>();
  private final ObjectMapper json = new ObjectMapper();

  /**
   * A runner with the given replayers.
   *
   * @param replayers one per kind
   * @throws IllegalArgumentException if two replayers claim the same kind
   */
  public ConformanceRunner(List<KindReplayer> replayers) {
    for (KindReplayer r : replayers) {
      if (this.replayers.putIfAbsent(r.kind(), r) != null) {
        throw new IllegalArgumentException("replayers must have distinct kinds, got two for '" + r.kind() + "'");
      }
    }
  }

  /**
   * A runner with every replayer quant4j has.
   *
   * @return the runner
   */
  public static ConformanceRunner withAllReplayers() {
    List<KindReplayer> all = new ArrayList<>();
    // One line per kind; each package owner registers its replayer here.
    all.add(new SeedExampleReplayer());
    all.add(new TensorQuantReplayer());
    all.add(new CalibMaxReplayer());
    all.add(new CalibHistReplayer());
    all.add(new TensorQuantizerReplayer());
    all.add(new GradientsReplayer());
    all.add(new OnnxExportReplayer());
    all.add(new ModulesReplayer());
    all.add(new CalibHistSmallReplayer());
    return new ConformanceRunner(all);
  }

  /**
   * Replays files and directories (every {@code *.json} directly inside, in name order).
   *
   * @param paths files or directories
   * @param out where the report is printed
   * @return the summary
   * @throws IllegalArgumentException if a path does not exist
   */
  public ConformanceSummary run(List<Path> paths, PrintStream out) {
    List<FileReport> reports = new ArrayList<>();
    for (Path file : expand(paths)) {
      FileReport report = replay(file);
      reports.add(report);
      print(report, out);
    }
    ConformanceSummary summary = new ConformanceSummary(reports);
    if (summary.deviations() > 0) {
      out.println(summary.deviations() + " documented deviations (each listed above with its reason)");
    }
    if (summary.notImplemented() > 0) {
      out.println(summary.notImplemented() + " not yet implemented (listed above; not counted as passed)");
    }
    out.println(summary.passed() + " passed, " + summary.failed() + " failed");
    return summary;
  }

  /**
   * Replays one file.
   *
   * @param file a golden JSON file
   * @return its report; never throws for a bad file, which is reported as broken
   */
  public FileReport replay(Path file) {
    JsonNode root;
    try {
      root = json.readTree(file.toFile());
    } catch (IOException e) {
      return new FileReport(file, "", FileReport.Disposition.BROKEN, "cannot read: " + e.getMessage(), List.of());
    }
    String kind = root.path("kind").asText("");
    if (!CONFORMANCE_KINDS.contains(kind)) {
      return new FileReport(file, kind, FileReport.Disposition.SKIPPED,
          kind.isEmpty() ? "no 'kind' field" : "not a conformance kind", List.of());
    }
    KindReplayer replayer = replayers.get(kind);
    if (replayer == null) {
      return new FileReport(file, kind, FileReport.Disposition.NOT_IMPLEMENTED,
          "not yet implemented: no replayer for kind '" + kind + "'", List.of());
    }
    CaseReporter reporter = new CaseReporter();
    try {
      replayer.replay(root, reporter);
    } catch (RuntimeException | AssertionError e) {
      return new FileReport(file, kind, FileReport.Disposition.BROKEN,
          "replayer stopped: " + e, reporter.outcomes());
    }
    return new FileReport(file, kind, FileReport.Disposition.REPLAYED, "", reporter.outcomes());
  }

  private static List<Path> expand(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))
              .sorted()
              .forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + p, e);
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw new IllegalArgumentException("path must be a golden JSON file or a directory, got " + p
            + " (does not exist)");
      }
    }
    return files;
  }

  private static void print(FileReport r, PrintStream out) {
    String name = r.file().getFileName().toString();
    switch (r.disposition()) {
      case SKIPPED -> out.printf("%s: skipped (%s%s)%n", name, r.note(), r.kind().isEmpty() ? "" : ": " + r.kind());
      case NOT_IMPLEMENTED -> out.printf("%s: %s: %s%n", name, r.kind(), r.note());
      default -> {
        out.printf("%s: %s: %d passed, %d failed, %d deviations%s%n", name, r.kind(),
            r.count(CaseOutcome.Status.PASSED), r.count(CaseOutcome.Status.FAILED),
            r.count(CaseOutcome.Status.DEVIATION),
            r.count(CaseOutcome.Status.NOT_IMPLEMENTED) > 0
                ? ", " + r.count(CaseOutcome.Status.NOT_IMPLEMENTED) + " not yet implemented" : "");
        if (r.disposition() == FileReport.Disposition.BROKEN) {
          out.printf("  BROKEN     %s%n", r.note());
        }
        int shown = 0;
        for (CaseOutcome o : r.outcomes()) {
          switch (o.status()) {
            case DEVIATION -> out.printf("  deviation  %s: %s%n", o.caseId(), o.detail());
            case NOT_IMPLEMENTED -> out.printf("  not yet    %s: %s%n", o.caseId(), o.detail());
            case FAILED -> {
              if (shown++ < FAILURES_SHOWN_PER_FILE) {
                out.printf("  FAILED     %s: %s%n", o.caseId(), o.detail());
              }
            }
            default -> { }
          }
        }
        if (shown > FAILURES_SHOWN_PER_FILE) {
          out.printf("  ... and %d more failures%n", shown - FAILURES_SHOWN_PER_FILE);
        }
      }
    }
  }
}
