package org.quant4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quant4j.tensor.KernelPath;

/** Replays the tensor_quant and seed_example golden files through each kernel path. */
class TensorQuantReplayerTest {

  private static final Map<String, JsonNode> FILES = new ConcurrentHashMap<>();

  private static JsonNode golden(String name) {
    return FILES.computeIfAbsent(name, n -> {
      Path dir = Path.of(System.getProperty("quant4j.golden", "../golden"));
      try {
        return new ObjectMapper().readTree(dir.resolve(n).toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static List<CaseOutcome> replay(KindReplayer replayer, String file, KernelPath path) {
    KernelPath previous = KernelPath.select(path);
    try {
      CaseReporter reporter = new CaseReporter();
      replayer.replay(golden(file), reporter);
      return reporter.outcomes();
    } finally {
      KernelPath.select(previous);
    }
  }

  private static String failures(List<CaseOutcome> outcomes) {
    return outcomes.stream().filter(o -> o.status() == CaseOutcome.Status.FAILED)
        .map(o -> o.caseId() + ": " + o.detail()).collect(Collectors.joining("\n"));
  }

  @ParameterizedTest
  @EnumSource(value = KernelPath.class, names = {"VECTOR", "ND4J_OPS"})
  void everyTensorQuantCaseMatchesTheReferenceOnEachKernelPath(KernelPath path) {
    List<CaseOutcome> outcomes = replay(new TensorQuantReplayer(), "tensor_quant.json", path);
    assertEquals("", failures(outcomes));
    assertTrue(outcomes.stream().filter(o -> o.status() == CaseOutcome.Status.PASSED).count() > 350);
    List<String> deviations = outcomes.stream().filter(o -> o.status() == CaseOutcome.Status.DEVIATION)
        .map(CaseOutcome::caseId).toList();
    assertEquals(List.of("fake_tensor_quant_nb0", "tensor_quant_nb0"), deviations);
  }

  @ParameterizedTest
  @EnumSource(value = KernelPath.class, names = {"VECTOR", "ND4J_OPS"})
  void seedExampleMatchesTheReferenceOnEachKernelPath(KernelPath path) {
    List<CaseOutcome> outcomes = replay(new SeedExampleReplayer(), "seed_example.json", path);
    assertEquals("", failures(outcomes));
    assertEquals(3, outcomes.stream().filter(o -> o.status() == CaseOutcome.Status.PASSED).count());
  }
}
