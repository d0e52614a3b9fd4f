package org.quant4j.cli.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The modules replayer over the golden file: every module case passes. */
class ModulesReplayerTest {

  @Test
  void everyModuleCaseOfTheGoldenFilePasses() {
    Path path = Path.of(System.getProperty("quant4j.golden", "../shared/golden"), "modules.json");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ConformanceSummary summary = new ConformanceRunner(List.of(new ModulesReplayer()))
        .run(List.of(path), new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String report = buffer.toString(StandardCharsets.UTF_8);
    System.out.println(report);
    FileReport r = summary.files().get(0);
    assertEquals(0, summary.failed(), report);
    assertEquals(43, r.count(CaseOutcome.Status.PASSED), report);
    assertEquals(3, r.count(CaseOutcome.Status.NOT_IMPLEMENTED), report);
  }
}
