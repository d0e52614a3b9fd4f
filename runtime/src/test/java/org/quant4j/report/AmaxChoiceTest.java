package org.quant4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quant4j.calib.AmaxMethod;

class AmaxChoiceTest {

  @Test
  void parsesTheCommandLineSpellings() {
    assertEquals(new AmaxChoice(AmaxMethod.PERCENTILE, 99.9), AmaxChoice.parse("percentile:99.9"));
    assertEquals(new AmaxChoice(AmaxMethod.PERCENTILE, 99.99), AmaxChoice.parse("Percentile"));
    assertEquals(AmaxMethod.ENTROPY, AmaxChoice.parse("entropy").method());
    assertEquals("pct 99.99", AmaxChoice.parse("percentile:99.99").label());
    assertEquals("pct 100", AmaxChoice.parse("percentile:100").label());
  }

  @Test
  void rejectsAnUnknownMethodNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AmaxChoice.parse("median"));
    assertTrue(e.getMessage().contains("median"));
    assertThrows(IllegalArgumentException.class, () -> AmaxChoice.parse("percentile:101"));
  }
}
