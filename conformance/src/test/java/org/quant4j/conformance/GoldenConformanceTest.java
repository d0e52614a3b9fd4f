package org.quant4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the conformance runner over the repository's {@code golden/} copy, as {@code quant4j conformance} would. */
class GoldenConformanceTest {

  private static Path goldenDir() {
    Path dir = Path.of(System.getProperty("quant4j.golden", "../golden"));
    assertTrue(Files.isDirectory(dir), "golden directory must exist: " + dir.toAbsolutePath());
    return dir;
  }

  @Test
  void goldenDirectoryReplaysWithNoFailures() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ConformanceSummary summary = ConformanceRunner.withAllReplayers()
        .run(List.of(goldenDir()), new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String report = buffer.toString(StandardCharsets.UTF_8);
    System.out.println(report);
    assertEquals(0, summary.failed(), report);
    assertTrue(report.strip().endsWith(summary.passed() + " passed, 0 failed"), report);
  }

  @Test
  void everyFileOfAReplayedKindHasPassingCases() {
    ConformanceSummary summary = ConformanceRunner.withAllReplayers()
        .run(List.of(goldenDir()), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    for (FileReport file : summary.files()) {
      if (file.disposition() == FileReport.Disposition.REPLAYED) {
        assertTrue(file.count(CaseOutcome.Status.PASSED) > 0, file.file() + " replayed no passing case");
      }
    }
  }
}
