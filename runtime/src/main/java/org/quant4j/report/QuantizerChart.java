package org.quant4j.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.quant4j.internal.AtomicFiles;

/**
 * Draws one quantizer's plot as a PNG (XChart): the histogram of |x| on a logarithmic count axis with
 * a vertical line at each candidate amax (the chosen one thicker), or, for a per-channel amax, the amax
 * of every channel.
 */
final class QuantizerChart {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 420;

  private QuantizerChart() {}

  /**
   * @param s the quantizer summary
   * @param png the file to write, atomically (see {@link AtomicFiles})
   * @throws IOException if it cannot be written
   */
  static void write(QuantizerSummary s, Path png) throws IOException {
    XYChart chart = s.hasHistogram() && hasCounts(s.counts()) ? histogram(s) : channels(s);
    AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
  }

  private static boolean hasCounts(float[] counts) {
    for (float c : counts) {
      if (c > 0) {
        return true;
      }
    }
    return false;
  }

  private static XYChart histogram(QuantizerSummary s) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(s.name())
        .xAxisTitle("|x|").yAxisTitle("count (log)").build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    float[] counts = s.counts();
    float[] edges = s.edges();
    int nonZero = 0;
    for (float c : counts) {
      nonZero += c > 0 ? 1 : 0;
    }
    double[] x = new double[nonZero];
    double[] y = new double[nonZero];
    double max = 1;
    for (int i = 0, j = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        x[j] = (edges[i] + edges[i + 1]) / 2.0;
        y[j++] = counts[i];
        max = Math.max(max, counts[i]);
      }
    }
    XYSeries h = chart.addSeries("histogram", x, y);
    h.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    h.setMarker(SeriesMarkers.NONE);
    for (AmaxCandidate c : s.candidates()) {
      boolean chosen = c.choice().label().equals(s.chosenLabel());
      String label = String.format(Locale.ROOT, "%s%s = %.4g", chosen ? "chosen: " : "", c.choice().label(), c.amax());
      XYSeries line = chart.addSeries(label, new double[] {c.amax(), c.amax()}, new double[] {1, max});
      line.setMarker(SeriesMarkers.NONE);
      line.setLineWidth(chosen ? 3.5f : 1.5f);
    }
    return chart;
  }

  private static XYChart channels(QuantizerSummary s) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(s.name())
        .xAxisTitle("channel").yAxisTitle("amax").build();
    chart.getStyler().setLegendVisible(false);
    float[] a = s.chosenAmax();
    double[] x = new double[Math.max(a.length, 1)];
    double[] y = new double[x.length];
    for (int i = 0; i < a.length; i++) {
      x[i] = i;
      y[i] = a[i];
    }
    XYSeries series = chart.addSeries("amax", x, y);
    series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    return chart;
  }
}
