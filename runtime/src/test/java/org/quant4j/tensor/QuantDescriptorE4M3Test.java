package org.quant4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** QuantDescriptor with the FP8 E4M3 format ({@code num_bits=(4, 3)}). */
class QuantDescriptorE4M3Test {

  @Test
  void numBitsFourThreeAndFormatE4M3DescribeTheSameDescriptor() {
    QuantDescriptor a = QuantDescriptor.builder().numBits(4, 3).build();
    QuantDescriptor b = QuantDescriptor.builder().format(QuantFormat.E4M3).build();
    assertEquals(a, b);
    assertEquals(QuantFormat.E4M3, a.format());
    assertTrue(a.isE4M3());
    assertEquals(8, a.numBits());
    assertEquals(448f, a.maxBound());
    assertEquals("QuantDescriptor((4, 3)bit fake axis= per-tensor)", a.toString());
    assertNotEquals(a, QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR);
    assertEquals(QuantFormat.INT, a.toBuilder().numBits(8).build().format());
  }

  @Test
  void mapAndYamlCarryTheTuple() {
    QuantDescriptor d = QuantDescriptor.fromMap(Map.of("num_bits", List.of(4, 3), "amax", 2.5));
    assertEquals(List.of(4, 3), d.toMap().get("num_bits"));
    assertTrue(d.toYaml().contains("num_bits: !!python/tuple\n- 4\n- 3\n"), d.toYaml());
    assertEquals(d, QuantDescriptor.fromYaml(d.toYaml()));
  }

  @Test
  void anAxisUnsignedNarrowOrRealE4M3IsRejectedNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QuantDescriptor.builder().numBits(4, 3).axis(0).build());
    assertTrue(e.getMessage().contains("axis=0") && e.getMessage().contains("per tensor"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> QuantDescriptor.builder().numBits(4, 3).unsigned(true).build());
    assertThrows(IllegalArgumentException.class, () -> QuantDescriptor.builder().numBits(4, 3).narrowRange(true).build());
    assertThrows(IllegalArgumentException.class, () -> QuantDescriptor.builder().numBits(4, 3).fakeQuant(false).build());
    e = assertThrows(IllegalArgumentException.class, () -> QuantDescriptor.builder().numBits(5, 2));
    assertTrue(e.getMessage().contains("(5, 2)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> QuantDescriptor.fromMap(Map.of("num_bits", List.of(4))));
  }

  @Test
  void anE4M3DescriptorHasNoIntegerGrid() {
    assertThrows(IllegalStateException.class, () -> QuantDescriptor.builder().numBits(4, 3).build().grid());
  }
}
