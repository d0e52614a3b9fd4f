package org.quant4j.internal;

import java.io.Console;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressBarStyle;
import me.tongfei.progressbar.ProgressState;

/**
 * Progress bars that suit where standard error goes. On a terminal: the live bar, redrawn in place. Otherwise
 * (a CI log, {@code > log 2>&1}, {@code nohup}): one plain line each time the task crosses a tenth of its
 * work or every ten seconds, whichever comes first, and a last line when it ends, so that a log holds a few
 * readable lines instead of one carriage-return frame per step.
 */
public final class ProgressBars {

  /** How often a log gets a line when the task moves slowly. */
  static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  private ProgressBars() {}

  /**
   * A builder for a bar on standard error, ASCII, set up for a terminal or for a log.
   *
   * @param task the label
   * @param steps the number of steps
   * @return the builder; call {@code build()} (and close the bar when done)
   */
  public static ProgressBarBuilder builder(String task, long steps) {
    ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(steps)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate();
    return stderrIsTerminal() ? b
        : b.setUpdateIntervalMillis(100).setRenderer(new LogLines()).setConsumer(new LineConsumer(System.err));
  }

  /**
   * Whether standard error is shown on a terminal: the JVM has a console (JDK 22 and later also say whether
   * it is a terminal) and no {@code TERM=dumb}.
   *
   * @return true on an interactive terminal
   */
  static boolean stderrIsTerminal() {
    Console console = System.console();
    if (console == null || "dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // before JDK 22 a console exists only on a terminal
    }
  }

  /**
   * Renders a line only when the task has crossed another tenth of its work, {@link #LOG_INTERVAL} has passed
   * since the last line, or the task has ended; otherwise nothing (null).
   */
  static final class LogLines implements ProgressBarRenderer {
    private long lastTenth = -1;
    private Duration lastLine = Duration.ofDays(-1);
    private boolean ended;

    @Override
    public String render(ProgressState state, int maxLength) {
      // an indefinite bar's max follows its current step: it says nothing of the work left
      long max = state.isIndefinite() ? -1 : state.getMax();
      long current = state.getCurrent();
      Duration elapsed = state.getTotalElapsed();
      long tenth = max > 0 ? Math.min(10, current * 10 / max) : -1;
      boolean done = !state.isAlive() || (max > 0 && current >= max);
      if (ended || (tenth <= lastTenth && elapsed.minus(lastLine).compareTo(LOG_INTERVAL) < 0 && !done)) {
        return null;
      }
      ended = done;
      lastTenth = tenth;
      lastLine = elapsed;
      String progress = max > 0 ? String.format(Locale.ROOT, "%3d%% %d/%d", current * 100 / max, current, max)
          : Long.toString(current);
      String extra = state.getExtraMessage() == null || state.getExtraMessage().isEmpty()
          ? "" : " " + state.getExtraMessage();
      return String.format(Locale.ROOT, "%s %s (%d:%02d)%s", state.getTaskName(), progress,
          elapsed.toMinutes(), elapsed.toSecondsPart(), extra);
    }
  }

  /** Prints every line it is given, on a line of its own; skips the nothing {@link LogLines} renders. */
  static final class LineConsumer implements ProgressBarConsumer {
    private final PrintStream out;

    LineConsumer(PrintStream out) {
      this.out = out;
    }

    @Override
    public int getMaxRenderedLength() {
      return 200;
    }

    @Override
    public void accept(String line) {
      if (line != null) {
        out.println(line);
      }
    }

    @Override
    public void close() {
      out.flush();
    }
  }
}
