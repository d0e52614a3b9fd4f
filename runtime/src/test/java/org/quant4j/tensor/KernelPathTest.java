package org.quant4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The process-wide kernel choice and its system property. */
class KernelPathTest {

  @Test
  void propertyValuesParseCaseInsensitivelyAndDefaultToAuto() {
    assertEquals(KernelPath.AUTO, KernelPath.fromProperty(null));
    assertEquals(KernelPath.AUTO, KernelPath.fromProperty(" "));
    assertEquals(KernelPath.VECTOR, KernelPath.fromProperty("vector"));
    assertEquals(KernelPath.ND4J_OPS, KernelPath.fromProperty("ND4J_OPS"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelPath.fromProperty("gpu"));
    assertTrue(e.getMessage().contains("quant4j.kernel") && e.getMessage().contains("gpu"), e.getMessage());
  }

  @Test
  void selectReturnsThePreviousChoice() {
    KernelPath initial = KernelPath.selected();
    try {
      KernelPath.select(KernelPath.ND4J_OPS);
      assertEquals(KernelPath.ND4J_OPS, KernelPath.select(KernelPath.VECTOR));
      assertEquals(KernelPath.VECTOR, KernelPath.selected());
      assertThrows(IllegalArgumentException.class, () -> KernelPath.select(null));
    } finally {
      KernelPath.select(initial);
    }
  }
}
