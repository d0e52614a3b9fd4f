package org.quant4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replays the reference's ONNX export golden file: structure, scales, errors and ONNX Runtime output. */
class OnnxExportReplayerTest {

  @Test
  void everyOnnxExportCasePasses() throws Exception {
    JsonNode file = new ObjectMapper()
        .readTree(Path.of(System.getProperty("quant4j.golden", "../golden"), "onnx_export.json").toFile());
    CaseReporter out = new CaseReporter();
    new OnnxExportReplayer().replay(file, out);
    List<CaseOutcome> outcomes = out.outcomes();
    assertEquals(13, outcomes.size());
    assertTrue(outcomes.stream().allMatch(o -> o.status() == CaseOutcome.Status.PASSED), outcomes.toString());
  }
}
