package org.quant4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The modules replayer on single golden cases, some altered so that they must fail, and its argument
 * checks. The whole file's counts are pinned in {@link GoldenConformanceTest}.
 */
class ModulesReplayerTest {

  private static JsonNode goldenCase(String id) throws IOException {
    JsonNode file = new ObjectMapper().readTree(
        Path.of(System.getProperty("quant4j.golden", "../golden"), "modules.json").toFile());
    for (JsonNode c : file.path("cases")) {
      if (c.path("id").asText().equals(id)) {
        return c.deepCopy();
      }
    }
    throw new AssertionError("modules.json has no case " + id);
  }

  private static CaseOutcome replay(JsonNode c) {
    ObjectNode file = JsonNodeFactory.instance.objectNode().put("kind", "modules");
    file.putArray("cases").add(c);
    CaseReporter out = new CaseReporter();
    new ModulesReplayer().replay(file, out);
    return out.outcomes().get(0);
  }

  /** Moves element i of a golden tensor to a new value, dropping the bit patterns so data is read. */
  private static void move(JsonNode tensor, int i, double value) {
    ((ObjectNode) tensor).remove("bits");
    ((ArrayNode) tensor.get("data")).set(i, JsonNodeFactory.instance.numberNode(value));
  }

  @Test
  void aLinearCaseReplaysThroughDenseLayerWithinTheDerivedBound() throws IOException {
    assertEquals(CaseOutcome.Status.PASSED, replay(goldenCase("QuantLinear_dynamic")).status());
  }

  @Test
  void aReferenceOutputMovedByMoreThanTheBoundFails() throws IOException {
    JsonNode c = goldenCase("QuantConv2d_basic");
    JsonNode f64 = c.path("expected").path("expected_f64");
    // One output element of a 27-term sum of values below 2 moved by 1e-4: far above γ_28·Σ|terms| ≈ 1e-5.
    move(f64, 5, f64.get("data").get(5).asDouble() + 1e-4);
    CaseOutcome o = replay(c);
    assertEquals(CaseOutcome.Status.FAILED, o.status());
    assertTrue(o.detail().contains("1 of 128 elements outside γ_28"), o.detail());
  }

  @Test
  void aMaxPoolOutputIsComparedBitForBit() throws IOException {
    JsonNode c = goldenCase("QuantMaxPool2d");
    JsonNode y = c.path("expected").path("output");
    move(y, 0, Math.nextUp((float) y.get("data").get(0).asDouble()));
    CaseOutcome o = replay(c);
    assertEquals(CaseOutcome.Status.FAILED, o.status());
    assertTrue(o.detail().startsWith("AssertionError: output: 1 of 32 elements differ"), o.detail());
  }

  @Test
  void anLstmCellReplaysThroughAOneStepDl4jLstmAndFailsWhenItsOutputMoves() throws IOException {
    JsonNode c = goldenCase("QuantLSTMCell");
    assertEquals(CaseOutcome.Status.PASSED, replay(c).status());
    JsonNode h = c.path("expected").path("output");
    move(h, 3, h.get("data").get(3).asDouble() + 1e-5);
    CaseOutcome o = replay(c);
    assertEquals(CaseOutcome.Status.FAILED, o.status());
    assertTrue(o.detail().startsWith("AssertionError: h [3]"), o.detail());
  }

  @Test
  void aModuleWithoutADl4jLayerIsNotReplayed() throws IOException {
    CaseOutcome o = replay(goldenCase("QuantInstanceNorm1d"));
    assertEquals(CaseOutcome.Status.NOT_REPLAYED, o.status());
    assertEquals("the DL4J layer map has no instance normalization layer", o.detail());
  }

  @Test
  void aWeightAxisOtherThanTheOutputChannelIsNotReplayed() throws IOException {
    ObjectNode c = (ObjectNode) goldenCase("QuantLinear_dynamic");
    c.put("module", "QuantLinear(5, 3, quant_desc_weight=QD(axis=(1)))");
    CaseOutcome o = replay(c);
    assertEquals(CaseOutcome.Status.NOT_REPLAYED, o.status());
    assertTrue(o.detail().startsWith("the weight descriptor's axis"), o.detail());
  }

  @Test
  void theCaseArgumentsChooseTheQuantizersOfTheDl4jLayer() throws IOException {
    // The case asks for a 4-bit unsigned input: with the default 8-bit input the quantized input differs.
    ObjectNode c = (ObjectNode) goldenCase("QuantLinear_4bit_unsigned_input");
    assertEquals(CaseOutcome.Status.PASSED, replay(c).status());
    c.put("module", "QuantLinear(5,3, quant_desc_weight=QD(num_bits=4, axis=(0)))");
    CaseOutcome o = replay(c);
    assertEquals(CaseOutcome.Status.FAILED, o.status());
    assertTrue(o.detail().startsWith("AssertionError: quant_input:"), o.detail());
  }

  @Test
  void aDescriptorThatDoesNotFakeQuantizeIsRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModuleArguments.check(ModuleCall.parse("QuantLinear(5,3, quant_desc_weight=QD(fake_quant=False))")));
    assertTrue(e.getMessage().startsWith("quant_desc_weight must fake-quantize"), e.getMessage());
  }

  @Test
  void aLeftoverKeywordIsRefusedAsAnUnknownQuantConfigKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModuleArguments.check(ModuleCall.parse("QuantLinear(5,3, foo=1)")));
    assertTrue(e.getMessage().startsWith("unknown key \"foo\" in override QuantLinear"), e.getMessage());
  }

  @Test
  void theModulesOwnAndDescriptorArgumentsAreAccepted() {
    assertEquals(List.of("quant_desc_input", "quant_desc_weight"), List.copyOf(ModuleArguments.check(ModuleCall.parse(
        "QuantConv2d(3, 4, 3, stride=2, padding_mode='circular', quant_desc_input=QD(num_bits=4, unsigned=True),"
            + " quant_desc_weight=QUANT_DESC_8BIT_PER_TENSOR)")).keySet()));
  }

  @Test
  void aTransposedConvolutionPadsOnlyWithZeros() {
    ModulesReplayer.paddingMode("QuantConvTranspose2d", "zeros");
    ModulesReplayer.paddingMode("QuantConv2d", "circular");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModulesReplayer.paddingMode("QuantConvTranspose2d", "reflect"));
    assertEquals("padding_mode of QuantConvTranspose2d must be \"zeros\" (Only \"zeros\" padding mode is supported"
        + " for a transposed convolution), got \"reflect\"", e.getMessage());
  }
}
