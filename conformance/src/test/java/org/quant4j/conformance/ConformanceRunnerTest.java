package org.quant4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's summary lines and exit status on small directories of golden files. */
class ConformanceRunnerTest {

  @TempDir Path dir;

  private static Path golden(String name) {
    return Path.of(System.getProperty("quant4j.golden", "../golden"), name);
  }

  private record Run(ConformanceSummary summary, List<String> lines) {}

  private Run run() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ConformanceSummary s = ConformanceRunner.withAllReplayers()
        .run(List.of(dir), new PrintStream(buffer, true, StandardCharsets.UTF_8));
    return new Run(s, buffer.toString(StandardCharsets.UTF_8).strip().lines().toList());
  }

  @Test
  void aRunThatPassesEndsWithTheTotalsAndOneLinePerKindAndExitsZero() throws IOException {
    Files.copy(golden("seed_example.json"), dir.resolve("seed_example.json"));
    Files.copy(golden("timings.json"), dir.resolve("timings.json"));
    Run r = run();
    assertEquals(List.of(
        "seed_example.json: seed_example: 3 passed, 0 failed, 0 deviations, 0 not replayed, 0 no reference",
        "timings.json: skipped (timings: holds no cases to replay)",
        "3 passed, 0 failed",
        "seed_example: 3 passed / 0 failed / 0 deviations / 0 not replayed / 0 no reference"), r.lines());
    assertEquals(0, r.summary().exitStatus());
  }

  @Test
  void aFileOfAnUnknownKindFailsTheRunEvenWhenEverythingElsePasses() throws IOException {
    Files.copy(golden("seed_example.json"), dir.resolve("seed_example.json"));
    Files.writeString(dir.resolve("other.json"), "{\"kind\": \"tensor_quant_v2\", \"cases\": []}");
    Run r = run();
    assertTrue(r.lines().contains("other.json: skipped, its kind 'tensor_quant_v2' is unknown (the run fails)"),
        r.lines().toString());
    assertEquals("conformance fails: other.json was skipped: its kind 'tensor_quant_v2' is unknown",
        r.lines().get(r.lines().size() - 1));
    assertEquals(0, r.summary().failed());
    assertEquals(1, r.summary().exitStatus());
  }

  @Test
  void aFileWithoutAKindFailsTheRun() throws IOException {
    Files.copy(golden("seed_example.json"), dir.resolve("seed_example.json"));
    Files.writeString(dir.resolve("nokind.json"), "{\"cases\": []}");
    assertEquals(1, run().summary().exitStatus());
  }

  @Test
  void aRunThatReplayedNothingFails() throws IOException {
    Files.copy(golden("timings.json"), dir.resolve("timings.json"));
    Files.writeString(dir.resolve("seed.json"), "{\"kind\": \"seed_example\", \"cases\": [{\"id\": \"odd\"}]}");
    Run r = run();
    assertEquals(1, r.summary().notReplayed());
    assertEquals(List.of("0 passed, 0 failed",
        "seed_example: 0 passed / 0 failed / 0 deviations / 1 not replayed / 0 no reference",
        "conformance fails: nothing was replayed"), r.lines().subList(r.lines().size() - 3, r.lines().size()));
    assertEquals(1, r.summary().exitStatus());
  }

  @Test
  void aKnownKindWithoutAReplayerIsNotReplayedNeverPassed() throws IOException {
    Files.copy(golden("monkey_patch_resnet18.json"), dir.resolve("monkey_patch_resnet18.json"));
    Run r = run();
    assertEquals(new KindCounts(0, 0, 0, 1, 0), r.summary().byKind().get("monkey_patch"));
    assertEquals(0, r.summary().passed());
    assertEquals(1, r.summary().exitStatus(), "nothing was replayed");
  }
}
