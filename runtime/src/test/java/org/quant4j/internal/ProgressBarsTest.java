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
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    // the bar re-renders on a timer, here every 2 ms, while 200 steps take at least 400 ms: each tenth of the
    // work is seen many times, and must give one line
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName("calibrating").setInitialMax(200)
        .setUpdateIntervalMillis(2).continuousUpdate().setRenderer(new ProgressBars.LogLines())
        .setConsumer(new ProgressBars.LineConsumer(out)).build()) {
      for (int i = 0; i < 200; i++) {
        Thread.sleep(2);
        bar.step();
      }
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    List<String> lines = text.lines().toList();
    assertFalse(text.contains("\r"), text);
    assertTrue(lines.size() >= 3 && lines.size() <= 12, "at most one line per tenth and a last one, got:\n" + text);
    assertTrue(lines.get(lines.size() - 1).startsWith("calibrating 100% 200/200"), text);
    assertEquals(lines.size(), lines.stream().distinct().count(), "no line repeats:\n" + text);
  }

  @Test
  void aLogOfWorkOfUnknownSizeCountsItsStepsToTheLast() throws InterruptedException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    // steps slower than the timer: the bar is rendered after each one
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName("calibrating").setInitialMax(-1)
        .setUpdateIntervalMillis(2).continuousUpdate().setRenderer(new ProgressBars.LogLines())
        .setConsumer(new ProgressBars.LineConsumer(out)).build()) {
      for (int i = 0; i < 4; i++) {
        Thread.sleep(30);
        bar.step();
      }
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    List<String> lines = text.lines().toList();
    assertTrue(lines.get(0).startsWith("calibrating 0 ("), text);
    assertTrue(lines.get(lines.size() - 1).startsWith("calibrating 4 ("), text);
    assertFalse(text.contains("%"), "no share of an unknown total:\n" + text);
  }

  @Test
  void testsRunWithoutATerminal() {
    assertFalse(ProgressBars.stderrIsTerminal(), "surefire's forked JVM has no console");
  }
}
