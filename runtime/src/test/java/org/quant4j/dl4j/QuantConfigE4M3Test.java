package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quant4j.tensor.QuantDescriptor;

/** QuantConfig asking for FP8 E4M3 per role and per name ({@code num_bits: [4, 3]}). */
class QuantConfigE4M3Test {

  private static final int[] CHANNELS = {0};

  @Test
  void numBitsFourThreeGivesPerTensorE4M3WeightsAndInputs() {
    QuantConfig c = QuantConfig.parse("input: {num_bits: [4, 3]}\nweight: {num_bits: [4, 3]}\n");
    QuantDescriptor w = c.resolve("conv1._weight_quantizer", QuantRole.WEIGHT, CHANNELS).descriptor();
    QuantDescriptor in = c.resolve("conv1._input_quantizer", QuantRole.INPUT, CHANNELS).descriptor();
    assertTrue(w.isE4M3() && w.isPerTensor(), w.toString());
    assertTrue(in.isE4M3(), in.toString());
    assertEquals(QuantSpec.e4m3(), c.weight());
  }

  @Test
  void anOverrideSwitchesOneLayerBetweenFp8AndInt8() {
    QuantConfig c = QuantConfig.parse("weight: {num_bits: [4, 3]}\noverrides:\n  - {name: \"fc*\", num_bits: 8}\n");
    QuantDescriptor fc = c.resolve("fc1._weight_quantizer", QuantRole.WEIGHT, CHANNELS).descriptor();
    assertFalse(fc.isE4M3());
    assertEquals(8, fc.numBits());
    assertArrayEquals(CHANNELS, fc.axis());
    QuantConfig back = QuantConfig.parse("overrides:\n  - {name: \"fc*\", num_bits: [4, 3]}\n");
    assertTrue(back.resolve("fc1._weight_quantizer", QuantRole.WEIGHT, CHANNELS).descriptor().isE4M3());
  }

  @Test
  void anotherPairOrPerChannelFp8IsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QuantConfig.parse("weight: {num_bits: [5, 2]}\n"));
    assertTrue(e.getMessage().contains("[4, 3]"), e.getMessage());
    QuantConfig c = QuantConfig.parse("weight: {num_bits: [4, 3], per_channel: true}\n");
    assertThrows(IllegalArgumentException.class,
        () -> c.resolve("conv1._weight_quantizer", QuantRole.WEIGHT, CHANNELS));
  }
}
