package org.quant4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The modules replayer over the golden file (every module case passes) and its argument checks. */
class ModulesReplayerTest {

  @Test
  void everyModuleCaseOfTheGoldenFilePasses() {
    Path path = Path.of(System.getProperty("quant4j.golden", "../golden"), "modules.json");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ConformanceSummary summary = new ConformanceRunner(List.of(new ModulesReplayer()))
        .run(List.of(path), new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String report = buffer.toString(StandardCharsets.UTF_8);
    System.out.println(report);
    FileReport r = summary.files().get(0);
    assertEquals(0, summary.failed(), report);
    assertEquals(46, r.count(CaseOutcome.Status.PASSED), report);
    assertEquals(0, r.count(CaseOutcome.Status.NOT_IMPLEMENTED), report);
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
    assertFalse(TorchModuleOps.paddingMode("QuantConvTranspose2d", "zeros"));
    assertTrue(TorchModuleOps.paddingMode("QuantConv2d", "circular"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TorchModuleOps.paddingMode("QuantConvTranspose2d", "reflect"));
    assertEquals("padding_mode of QuantConvTranspose2d must be \"zeros\" (a transposed convolution pads only"
        + " with zeros), got \"reflect\"", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TorchModuleOps.paddingMode("QuantConv2d", "reflect"));
  }
}
