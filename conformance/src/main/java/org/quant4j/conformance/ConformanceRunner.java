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
 * {@code kind}. It prints one line per file, then every deviation, case not replayed and case without
 * a reference value with its reason, and every failure; then the plain line {@code N passed, M failed}
 * and one line per kind: {@code kind: P passed / F failed / D deviations / R not replayed / X no reference}.
 * Only a case that reproduces the reference counts as passed. A run fails ({@link
 * ConformanceSummary#exitStatus()}) if a case failed, if nothing was replayed, or if a file's kind is
 * unknown; the reasons follow the per-kind lines.
 */
public final class ConformanceRunner {

  /**
   * The kinds that hold reference behaviour. A file of one of these kinds without a replayer is
   * reported as not replayed.
   */
  public static final Set<String> CONFORMANCE_KINDS = Set.of(
      "seed_example", "tensor_quant", "tensor_quantizer", "calib_max", "calib_hist", "calib_hist_small",
      "modules", "gradients", "onnx_export", "monkey_patch");

  /** Kinds that hold no behaviour to replay (measurements, introspection): skipped without failing the run. */
  public static final Set<String> SKIPPED_KINDS = Set.of("timings", "inventory");

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
    out.println(summary.passed() + " passed, " + summary.failed() + " failed");
    summary.byKind().forEach((kind, counts) -> out.println(kind + ": " + counts));
    for (String problem : summary.problems()) {
      out.println("conformance fails: " + problem);
    }
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
    if (SKIPPED_KINDS.contains(kind)) {
      return new FileReport(file, kind, FileReport.Disposition.SKIPPED, "holds no cases to replay", List.of());
    }
    if (!CONFORMANCE_KINDS.contains(kind)) {
      return new FileReport(file, kind, FileReport.Disposition.UNKNOWN_KIND,
          kind.isEmpty() ? "it has no 'kind' field" : "its kind '" + kind + "' is unknown", List.of());
    }
    KindReplayer replayer = replayers.get(kind);
    if (replayer == null) {
      return new FileReport(file, kind, FileReport.Disposition.NOT_REPLAYED,
          "no replayer for kind '" + kind + "'", List.of());
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
      case SKIPPED -> out.printf("%s: skipped (%s: %s)%n", name, r.kind(), r.note());
      case UNKNOWN_KIND -> out.printf("%s: skipped, %s (the run fails)%n", name, r.note());
      case NOT_REPLAYED -> out.printf("%s: %s: not replayed (%s)%n", name, r.kind(), r.note());
      default -> {
        KindCounts counts = KindCounts.of(r);
        out.printf("%s: %s: %d passed, %d failed, %d deviations, %d not replayed, %d no reference%n", name,
            r.kind(), counts.passed(), r.count(CaseOutcome.Status.FAILED), counts.deviations(),
            counts.notReplayed(), counts.noReference());
        if (r.disposition() == FileReport.Disposition.BROKEN) {
          out.printf("  BROKEN        %s%n", r.note());
        }
        int shown = 0;
        for (CaseOutcome o : r.outcomes()) {
          switch (o.status()) {
            case DEVIATION -> out.printf("  deviation     %s: %s%n", o.caseId(), o.detail());
            case NOT_REPLAYED -> out.printf("  not replayed  %s: %s%n", o.caseId(), o.detail());
            case NO_REFERENCE -> out.printf("  no reference  %s: %s%n", o.caseId(), o.detail());
            case FAILED -> {
              if (shown++ < FAILURES_SHOWN_PER_FILE) {
                out.printf("  FAILED        %s: %s%n", o.caseId(), o.detail());
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
