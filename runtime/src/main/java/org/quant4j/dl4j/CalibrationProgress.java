package org.quant4j.dl4j;

import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import org.quant4j.internal.ProgressBars;

/**
 * The progress bar of a calibration pass, shown once the pass has run for {@link #DELAY_NANOS}: setting
 * a bar up on the console costs about 0.1 s, which would more than double a pass of a few batches, so a
 * short pass shows none and a long one shows its progress from then on.
 */
final class CalibrationProgress implements AutoCloseable {

  /** How long a pass runs before its bar appears: one second. */
  static final long DELAY_NANOS = 1_000_000_000L;

  private final int total;
  private final LongSupplier clock;
  private final long start;
  private int done;
  private ProgressBar bar;

  /**
   * Starts timing a pass.
   *
   * @param total the number of batches the pass will run at most
   * @param clock the time source, in nanoseconds ({@code System::nanoTime})
   */
  CalibrationProgress(int total, LongSupplier clock) {
    this.total = total;
    this.clock = clock;
    this.start = clock.getAsLong();
  }

  /** Counts one batch done, showing the bar if the pass has now run long enough and is not over. */
  void step() {
    done++;
    if (bar != null) {
      bar.step();
    } else if (done < total && clock.getAsLong() - start >= DELAY_NANOS) {
      bar = ProgressBars.builder("calibrating", total).build();
      bar.stepTo(done);
    }
  }

  /** @return whether the bar is on the console */
  boolean shown() {
    return bar != null;
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
