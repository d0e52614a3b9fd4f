package org.quant4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the conformance runner over the repository's {@code golden/} copy, as {@code quant4j conformance}
 * would, and pins what it reports per kind, so that a case that stops being replayed, or a file that
 * stops being read, fails the build.
 */
class GoldenConformanceTest {

  /** Passed / failed / deviations / not replayed / no reference, per kind, for the golden directory. */
  private static final Map<String, KindCounts> PINNED = new TreeMap<>(Map.of(
      "calib_hist", new KindCounts(60, 0, 0, 0, 0),
      "calib_hist_small", new KindCounts(23, 0, 0, 2, 0),
      "calib_max", new KindCounts(17, 0, 2, 0, 0),
      "gradients", new KindCounts(16, 0, 0, 0, 0),
      "modules", new KindCounts(27, 0, 0, 19, 0),
      "monkey_patch", new KindCounts(0, 0, 0, 1, 0),
      "onnx_export", new KindCounts(13, 0, 0, 0, 0),
      "seed_example", new KindCounts(3, 0, 0, 0, 0),
      "tensor_quant", new KindCounts(364, 0, 2, 0, 0),
      "tensor_quantizer", new KindCounts(72, 0, 3, 0, 2)));

  private static ConformanceSummary summary;
  private static String report;

  @BeforeAll
  static void runTheGoldenDirectory() {
    Path dir = Path.of(System.getProperty("quant4j.golden", "../golden"));
    assertTrue(Files.isDirectory(dir), "golden directory must exist: " + dir.toAbsolutePath());
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    summary = ConformanceRunner.withAllReplayers()
        .run(List.of(dir), new PrintStream(buffer, true, StandardCharsets.UTF_8));
    report = buffer.toString(StandardCharsets.UTF_8);
    System.out.println(report);
  }

  @Test
  void perKindCountsAreThePinnedOnes() {
    assertEquals(PINNED, new TreeMap<>(summary.byKind()), report);
  }

  @Test
  void noCaseFails() {
    List<CaseOutcome> failed = summary.files().stream().flatMap(f -> f.outcomes().stream())
        .filter(o -> o.status() == CaseOutcome.Status.FAILED).toList();
    assertEquals(List.of(), failed.stream().map(CaseOutcome::caseId).toList(), report);
  }

  @Test
  void theReportEndsWithTheTotalsThenOneLinePerKind() {
    List<String> lines = report.strip().lines().toList();
    int total = lines.indexOf(summary.passed() + " passed, " + summary.failed() + " failed");
    assertTrue(total > 0, report);
    List<String> perKind = PINNED.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
    assertEquals(perKind, lines.subList(total + 1, total + 1 + perKind.size()));
    assertEquals("modules: 27 passed / 0 failed / 0 deviations / 19 not replayed / 0 no reference",
        lines.get(total + 1 + List.copyOf(PINNED.keySet()).indexOf("modules")));
    assertEquals(total + 1 + perKind.size(), lines.size(), "nothing follows the per-kind lines:\n" + report);
    assertEquals(0, summary.exitStatus());
  }

  @Test
  void filesThatHoldNoCasesAreSkippedAndTheMonkeyPatchFileIsNotReplayed() {
    Map<String, FileReport.Disposition> byFile = new TreeMap<>();
    summary.files().forEach(f -> byFile.put(f.file().getFileName().toString(), f.disposition()));
    assertEquals(FileReport.Disposition.SKIPPED, byFile.get("inventory.json"));
    assertEquals(FileReport.Disposition.SKIPPED, byFile.get("timings.json"));
    assertEquals(FileReport.Disposition.NOT_REPLAYED, byFile.get("monkey_patch_resnet18.json"));
    assertTrue(report.contains("monkey_patch_resnet18.json: monkey_patch: not replayed"), report);
  }
}
