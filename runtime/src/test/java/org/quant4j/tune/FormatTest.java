package org.quant4j.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.dl4j.QuantConfig;

class FormatTest {

  @Test
  void builtInFormatsHaveTheirBitsAndNamesAnyCase() {
    assertEquals(Format.W4A8, Format.named("W4A8"));
    assertEquals(Format.FP8, Format.named("e4m3"));
    assertEquals(List.of(32, 8, 4, 4, 8), Format.BUILT_IN.stream().map(Format::weightBits).toList());
    assertEquals(List.of(32, 8, 8, 4, 8), Format.BUILT_IN.stream().map(Format::activationBits).toList());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Format.named("w3a3"));
    assertEquals("unknown format \"w3a3\"; expected float, w8a8, w4a8, w4a4, fp8 or name=FILE (a QuantConfig fragment"
        + " giving input and weight)", e.getMessage());
  }

  @Test
  void aQuantConfigFragmentIsAFormatAndEnableFalseLeavesThatRoleInFloat() {
    Format w6 = Format.of("w6", QuantConfig.parse("weight: {num_bits: 6}\ninput: {enable: false}"));
    assertEquals(6, w6.weightBits());
    assertEquals(32, w6.activationBits());
    assertNull(w6.input());
  }

  @Test
  void effectiveBitsWeighWeightAndActivationBitsByTheirElements() {
    LayerCost conv = new LayerCost("conv", 150, 784);
    LayerCost fc = new LayerCost("fc", 30_720, 256);
    assertEquals(4.0 * 150 + 8.0 * 784, CostModel.EFFECTIVE_BITS.cost(conv, Format.W4A8));
    double bits = MixedPrecisionSearch.effectiveBits(List.of(conv, fc), Map.of("conv", Format.FLOAT, "fc", Format.W4A4));
    assertEquals((32.0 * (150 + 784) + 4.0 * (30_720 + 256)) / (150 + 784 + 30_720 + 256), bits);
  }
}
