package org.quant4j.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import org.quant4j.internal.AtomicFiles;

/**
 * A titled bar chart, one group of bars per category (e.g. per layer) and one bar per series in each group,
 * shown in the calibration report under its title with a table beside it.
 *
 * @param title the caption, also the chart's title
 * @param fileStem the PNG's file name without {@code .png}: letters, digits, '.', '_' and '-' only
 * @param yAxis the value axis title
 * @param categories the category labels, in the order drawn
 * @param series each series' values by name (one value per category), in legend order
 * @param table the figures the chart draws, shown under it, or null
 */
public record BarChart(String title, String fileStem, String yAxis, List<String> categories,
    Map<String, List<Double>> series, Table table) {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 460;

  /**
   * Copies the lists and checks the shape.
   *
   * @throws IllegalArgumentException for a bad file stem, no categories, no series, or a series whose length is
   *     not the number of categories (naming it)
   */
  public BarChart {
    if (fileStem == null || !fileStem.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("file stem must be letters, digits, '.', '_' or '-', got " + fileStem);
    }
    categories = List.copyOf(categories);
    if (categories.isEmpty() || series.isEmpty()) {
      throw new IllegalArgumentException("a bar chart needs at least one category and one series, got "
          + categories.size() + " and " + series.size());
    }
    Map<String, List<Double>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, List<Double>> s : series.entrySet()) {
      if (s.getValue().size() != categories.size()) {
        throw new IllegalArgumentException("series " + s.getKey() + " has " + s.getValue().size()
            + " values, expected one per category: " + categories.size());
      }
      copy.put(s.getKey(), List.copyOf(s.getValue()));
    }
    series = java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * Draws the chart as a PNG, atomically (see {@link AtomicFiles}).
   *
   * @param png the file to write
   * @throws IOException if it cannot be written
   */
  void write(Path png) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .yAxisTitle(yAxis).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setXAxisLabelRotation(45);
    for (Map.Entry<String, List<Double>> s : series.entrySet()) {
      chart.addSeries(s.getKey(), new ArrayList<>(categories), new ArrayList<>(s.getValue()));
    }
    AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
  }
}
