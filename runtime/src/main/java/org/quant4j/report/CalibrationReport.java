package org.quant4j.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quant4j.internal.AtomicFiles;
import org.quant4j.nn.TensorQuantizer;

/**
 * The calibration report: {@code index.html} and one PNG per quantizer in a directory.
 *
 * <pre>{@code
 * Path html = CalibrationReport.builder().title("LeNet-5 on MNIST, w8a8")
 *     .quantizers(Quantizers.of(net), AmaxChoice.STANDARD, "entropy")
 *     .table(accuracy).build().write(Path.of("report"));
 * }</pre>
 */
public final class CalibrationReport {

  private final String title;
  private final List<QuantizerSummary> quantizers;
  private final List<Table> tables;
  private final List<String> notes;
  private final List<BarChart> charts;

  private CalibrationReport(Builder b) {
    this.title = b.title;
    this.quantizers = List.copyOf(b.quantizers);
    this.tables = List.copyOf(b.tables);
    this.charts = List.copyOf(b.charts);
    this.notes = List.copyOf(b.notes);
  }

  /** @return a builder for an empty report titled "quant4j calibration report" */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the quantizers the report shows, in order */
  public List<QuantizerSummary> quantizers() {
    return quantizers;
  }

  /** @return the tables the report shows above the quantizers */
  public List<Table> tables() {
    return tables;
  }

  /** @return the bar charts the report shows under the tables */
  public List<BarChart> charts() {
    return charts;
  }

  /**
   * Writes {@code index.html} and the PNGs into {@code dir} (created if missing; files of the same names
   * are replaced). Each file is written atomically (see {@link AtomicFiles}): a process killed half way
   * leaves every file either as it was or whole and new; {@code index.html} is written last.
   *
   * @param dir the report directory
   * @return the path of {@code index.html}
   * @throws IOException if a file cannot be written
   */
  public Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Map<QuantizerSummary, String> images = new LinkedHashMap<>();
    for (QuantizerSummary q : quantizers) {
      String png = fileName(q.name()) + ".png";
      QuantizerChart.write(q, dir.resolve(png));
      images.put(q, png);
    }
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
        .append("</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:auto;padding:1em}"
            + "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px}"
            + "td.n{text-align:right;font-family:monospace}code{font-size:90%}img{max-width:100%}</style>"
            + "</head><body>\n<h1>").append(esc(title)).append("</h1>\n");
    for (String n : notes) {
      h.append("<p>").append(esc(n)).append("</p>\n");
    }
    for (Table t : tables) {
      appendTable(h, t);
    }
    for (BarChart c : charts) {
      String png = c.fileStem() + ".png";
      c.write(dir.resolve(png));
      h.append("<h2>").append(esc(c.title())).append("</h2>\n<p><img src=\"").append(esc(png)).append("\" alt=\"")
          .append(esc(c.title())).append("\"></p>\n");
      if (c.table() != null) {
        appendTable(h, c.table());
      }
    }
    h.append("<h2>Quantizers</h2>\n<ul>\n");
    for (QuantizerSummary q : quantizers) {
      h.append("<li><a href=\"#").append(esc(fileName(q.name()))).append("\">").append(esc(q.name()))
          .append("</a></li>\n");
    }
    h.append("</ul>\n");
    for (QuantizerSummary q : quantizers) {
      appendQuantizer(h, q, images.get(q));
    }
    h.append("</body></html>\n");
    Path index = dir.resolve("index.html");
    AtomicFiles.writeString(index, h.toString());
    return index;
  }

  private static void appendQuantizer(StringBuilder h, QuantizerSummary q, String png) {
    h.append("<h3 id=\"").append(esc(fileName(q.name()))).append("\">").append(esc(q.name())).append("</h3>\n");
    h.append("<p><code>").append(esc(q.description())).append("</code></p>\n");
    h.append("<p>chosen amax").append(q.chosenLabel() == null ? "" : " (" + esc(q.chosenLabel()) + ")").append(": ")
        .append(q.chosenAmax().length == 0 ? "dynamic" : esc(amaxText(q.chosenAmax()))).append("</p>\n");
    if (!q.candidates().isEmpty()) {
      h.append("<table><tr><th>method</th><th>amax</th><th>clipped</th><th>MSE</th></tr>\n");
      for (AmaxCandidate c : q.candidates()) {
        boolean chosen = c.choice().label().equals(q.chosenLabel());
        h.append(chosen ? "<tr style=\"font-weight:bold\">" : "<tr>")
            .append("<td>").append(esc(c.choice().label())).append(chosen ? " (chosen)" : "").append("</td>")
            .append(num(String.format(Locale.ROOT, "%.6g", c.amax())))
            .append(num(String.format(Locale.ROOT, "%.4f%%", 100 * c.clippedFraction())))
            .append(num(Double.isNaN(c.mse()) ? "n/a" : String.format(Locale.ROOT, "%.4g", c.mse())))
            .append("</tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("<p><img src=\"").append(esc(png)).append("\" alt=\"").append(esc(q.name())).append("\"></p>\n");
  }

  private static String amaxText(float[] a) {
    if (a.length == 1) {
      return String.format(Locale.ROOT, "%.6g", a[0]);
    }
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : a) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return String.format(Locale.ROOT, "%d channels, %.4g to %.4g", a.length, min, max);
  }

  private static void appendTable(StringBuilder h, Table t) {
    h.append("<h2>").append(esc(t.title())).append("</h2>\n<table><tr>");
    for (String c : t.header()) {
      h.append("<th>").append(esc(c)).append("</th>");
    }
    h.append("</tr>\n");
    for (List<String> r : t.rows()) {
      h.append("<tr>");
      for (int i = 0; i < r.size(); i++) {
        h.append(i == 0 ? "<td>" + esc(r.get(i)) + "</td>" : num(r.get(i)));
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
    for (String n : t.notes()) {
      h.append("<p>").append(esc(n)).append("</p>\n");
    }
  }

  private static String num(String s) {
    return "<td class=\"n\">" + esc(s) + "</td>";
  }

  /**
   * @param quantizerName a quantizer name
   * @return the file-name stem of its plot: the name with every character other than letters, digits,
   *     '.', '_' and '-' replaced by '_'
   */
  static String fileName(String quantizerName) {
    return quantizerName.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** Builds a {@link CalibrationReport}. */
  public static final class Builder {
    private String title = "quant4j calibration report";
    private final List<QuantizerSummary> quantizers = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<BarChart> charts = new ArrayList<>();

    private Builder() {}

    /**
     * @param title the page title
     * @return this builder
     */
    public Builder title(String title) {
      this.title = title;
      return this;
    }

    /**
     * @param summary one quantizer's summary, appended
     * @return this builder
     */
    public Builder quantizer(QuantizerSummary summary) {
      quantizers.add(summary);
      return this;
    }

    /**
     * Summarises every quantizer of a network ({@link QuantizerSummary#of}), in order.
     *
     * @param byName the quantizers by name ({@code Quantizers.of(net)})
     * @param choices the choices to compare
     * @param chosenLabel the label of the choice loaded into the quantizers, or {@code null}
     * @return this builder
     */
    public Builder quantizers(Map<String, TensorQuantizer> byName, List<AmaxChoice> choices, String chosenLabel) {
      byName.forEach((name, q) -> quantizers.add(QuantizerSummary.of(name, q, choices, chosenLabel)));
      return this;
    }

    /**
     * @param table a table shown above the quantizers, appended
     * @return this builder
     */
    public Builder table(Table table) {
      tables.add(table);
      return this;
    }

    /**
     * @param chart a bar chart (with its table) shown under the tables, appended
     * @return this builder
     */
    public Builder chart(BarChart chart) {
      charts.add(chart);
      return this;
    }

    /**
     * @param note a paragraph shown under the title, appended
     * @return this builder
     */
    public Builder note(String note) {
      notes.add(note);
      return this;
    }

    /** @return the report */
    public CalibrationReport build() {
      return new CalibrationReport(this);
    }
  }
}
