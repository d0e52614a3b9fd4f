package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When a calibration pass shows its progress bar. */
class CalibrationProgressTest {

  @Test
  void aPassShorterThanTheDelayShowsNoBar() {
    AtomicLong now = new AtomicLong();
    try (CalibrationProgress p = new CalibrationProgress(4, now::get)) {
      for (int i = 0; i < 4; i++) {
        now.addAndGet(CalibrationProgress.DELAY_NANOS / 5);
        p.step();
        assertFalse(p.shown());
      }
    }
  }

  @Test
  void aLongPassShowsTheBarOnceTheDelayHasPassed() {
    AtomicLong now = new AtomicLong();
    try (CalibrationProgress p = new CalibrationProgress(10, now::get)) {
      now.addAndGet(CalibrationProgress.DELAY_NANOS - 1);
      p.step();
      assertFalse(p.shown());
      now.addAndGet(1);
      p.step();
      assertTrue(p.shown());
      p.step();
      assertTrue(p.shown());
    }
  }

  @Test
  void theLastBatchNeverOpensABar() {
    AtomicLong now = new AtomicLong();
    try (CalibrationProgress p = new CalibrationProgress(1, now::get)) {
      now.addAndGet(10 * CalibrationProgress.DELAY_NANOS);
      p.step();
      assertFalse(p.shown());
    }
  }
}
