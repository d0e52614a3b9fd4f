package org.quant4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.junit.jupiter.api.Test;

/** Progress written to a log: a line per tenth of the work, never a carriage-return frame per step. */
class ProgressBarsTest {

  @Test
  void aLogGetsOneLinePerTenthOfTheWorkAndAFinalLine() throws InterruptedException {
    // the bar re-renders every 2 ms while 200 steps take at least 400 ms: each tenth of the work is seen many
    // times, and must give one line
    String text = log(200, 200, 2);
    List<String> lines = text.lines().toList();
    assertFalse(text.contains("\r"), text);
    assertTrue(lines.size() >= 3 && lines.size() <= 12, "at most one line per tenth and a last one, got:\n" + text);
    assertTrue(lines.get(lines.size() - 1).startsWith("calibrating 100% 200/200"), text);
    assertEquals(lines.size(), lines.stream().distinct().count(), "no line repeats:\n" + text);
  }

  @Test
  void aLogOfWorkOfUnknownSizeCountsItsStepsToTheLast() throws InterruptedException {
    // steps slower than the 2 ms timer: the bar is rendered after each one
    String text = log(-1, 4, 30);
    List<String> lines = text.lines().toList();
    assertTrue(lines.get(0).startsWith("calibrating 0 ("), text);
    assertTrue(lines.get(lines.size() - 1).startsWith("calibrating 4 ("), text);
    assertFalse(text.contains("%"), "no share of an unknown total:\n" + text);
  }

  /**
   * What a "calibrating" bar rendered for a log writes, re-rendered every 2 ms.
   *
   * @param max the steps it is told of, -1 for an unknown number
   * @param steps the steps taken
   * @param millisPerStep the time before each step
   */
  private static String log(long max, int steps, long millisPerStep) throws InterruptedException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName("calibrating").setInitialMax(max)
        .setUpdateIntervalMillis(2).continuousUpdate().setRenderer(new ProgressBars.LogLines())
        .setConsumer(new ProgressBars.LineConsumer(out)).build()) {
      for (int i = 0; i < steps; i++) {
        Thread.sleep(millisPerStep);
        bar.step();
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void testsRunWithoutATerminal() {
    assertFalse(ProgressBars.stderrIsTerminal(), "surefire's forked JVM has no console");
  }
}
