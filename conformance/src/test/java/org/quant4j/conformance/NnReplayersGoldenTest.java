package org.quant4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tensor_quantizer and gradients replayers over their golden files: nothing fails. */
class NnReplayersGoldenTest {

  private static FileReport run(String file, KindReplayer replayer) {
    Path path = Path.of(System.getProperty("quant4j.golden", "../golden"), file);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ConformanceSummary summary = new ConformanceRunner(List.of(replayer))
        .run(List.of(path), new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String report = buffer.toString(StandardCharsets.UTF_8);
    System.out.println(report);
    assertEquals(0, summary.failed(), report);
    return summary.files().get(0);
  }

  @Test
  void tensorQuantizerGoldenReplaysWithOnlyDocumentedDeviations() {
    FileReport r = run("tensor_quantizer.json", new TensorQuantizerReplayer());
    assertEquals(FileReport.Disposition.REPLAYED, r.disposition());
    assertTrue(r.count(CaseOutcome.Status.PASSED) >= 60, "passed " + r.count(CaseOutcome.Status.PASSED));
    assertEquals(3, r.count(CaseOutcome.Status.DEVIATION));
  }

  @Test
  void gradientsGoldenReplaysEveryCase() {
    FileReport r = run("gradients.json", new GradientsReplayer());
    assertEquals(FileReport.Disposition.REPLAYED, r.disposition());
    assertEquals(16, r.count(CaseOutcome.Status.PASSED));
  }
}
