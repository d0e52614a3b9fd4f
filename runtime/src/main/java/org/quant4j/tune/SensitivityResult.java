package org.quant4j.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quant4j.report.BarChart;
import org.quant4j.report.Table;

/**
 * What {@link Sensitivity} measured: the metric in FP32, with every layer quantized, and per layer with only
 * that layer quantized and with all but that layer quantized. A layer's harm is how far quantizing it alone
 * takes the metric below FP32; its recovery is how far leaving it alone in float lifts the all-quantized
 * metric. Metrics are higher-is-better (pass a loss negated).
 *
 * @param metric the metric's name ({@link Top1#NAME} by default)
 * @param fp32 the metric with every quantizer disabled
 * @param allQuantized the metric with every layer quantized
 * @param layers one entry per quantized layer, in forward order
 */
public record SensitivityResult(String metric, double fp32, double allQuantized, List<LayerSensitivity> layers) {

  /** Copies the list. */
  public SensitivityResult {
    layers = List.copyOf(layers);
  }

  /**
   * How far quantizing only this layer takes the metric below FP32.
   *
   * @param layer one of {@link #layers()}
   * @return {@code fp32 - onlyThis}
   */
  public double harm(LayerSensitivity layer) {
    return fp32 - layer.onlyThis();
  }

  /**
   * How far keeping only this layer in float lifts the metric above all-quantized.
   *
   * @param layer one of {@link #layers()}
   * @return {@code allButThis - allQuantized}
   */
  public double recovery(LayerSensitivity layer) {
    return layer.allButThis() - allQuantized;
  }

  /**
   * The layers, most harmful first: by harm, then by recovery, then in forward order.
   *
   * @return the sorted layers
   */
  public List<LayerSensitivity> byHarm() {
    List<LayerSensitivity> sorted = new ArrayList<>(layers);
    sorted.sort(Comparator.comparingDouble(this::harm).reversed()
        .thenComparing(Comparator.comparingDouble(this::recovery).reversed()));
    return sorted;
  }

  /**
   * The table printed on the console and shown in the report, most harmful layer first.
   *
   * @return the table
   */
  public Table table() {
    List<List<String>> rows = new ArrayList<>();
    for (LayerSensitivity l : byHarm()) {
      rows.add(List.of(l.layer(), value(l.onlyThis()), delta(l.onlyThis() - fp32), delta(l.onlyThis() - allQuantized),
          value(l.allButThis()), delta(l.allButThis() - fp32), delta(l.allButThis() - allQuantized)));
    }
    String unit = isTop1() ? " (top-1 %, differences in points)" : "";
    return new Table("Sensitivity per layer, most harmful first" + unit,
        List.of("layer", "only L", "vs FP32", "vs all-quant", "all but L", "vs FP32", "vs all-quant"), rows,
        List.of(metric + ": FP32 " + value(fp32) + ", all layers quantized " + value(allQuantized) + ".",
            "only L: L quantized, every other layer in float; all but L: every layer quantized except L."));
  }

  /**
   * The report's bar chart: per layer, most harmful first, the drop below FP32 with only that layer quantized
   * and the gain over all-quantized with only that layer in float; the table under it.
   *
   * @return the chart
   */
  public BarChart chart() {
    List<String> names = new ArrayList<>();
    List<Double> harm = new ArrayList<>();
    List<Double> recovery = new ArrayList<>();
    double scale = isTop1() ? 100 : 1;
    for (LayerSensitivity l : byHarm()) {
      names.add(l.layer());
      harm.add(scale * harm(l));
      recovery.add(scale * recovery(l));
    }
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("only L quantized: drop below FP32", harm);
    series.put("all but L quantized: gain over all-quantized", recovery);
    return new BarChart("Sensitivity per layer (" + metric + "), most harmful first", "sensitivity",
        isTop1() ? "points" : metric, names, series, table());
  }

  /**
   * The figures as JSON: the metric, FP32, all-quantized and, most harmful first, each layer's two figures
   * and their differences against FP32 and all-quantized. Values are the metric's own (top-1 as a fraction).
   *
   * @return pretty-printed JSON
   */
  public String toJson() {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("metric", metric);
    root.put("fp32", fp32);
    root.put("all_quantized", allQuantized);
    ArrayNode list = root.putArray("layers");
    for (LayerSensitivity l : byHarm()) {
      ObjectNode n = list.addObject();
      n.put("layer", l.layer());
      n.put("only", l.onlyThis());
      n.put("only_vs_fp32", l.onlyThis() - fp32);
      n.put("only_vs_all_quantized", l.onlyThis() - allQuantized);
      n.put("all_but", l.allButThis());
      n.put("all_but_vs_fp32", l.allButThis() - fp32);
      n.put("all_but_vs_all_quantized", l.allButThis() - allQuantized);
    }
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write sensitivity JSON: " + e.getOriginalMessage(), e);
    }
  }

  private boolean isTop1() {
    return Top1.NAME.equals(metric);
  }

  private String value(double v) {
    return isTop1() ? String.format(Locale.ROOT, "%.2f", 100 * v) : String.format(Locale.ROOT, "%.6g", v);
  }

  private String delta(double d) {
    return isTop1() ? String.format(Locale.ROOT, "%+.2f", 100 * d) : String.format(Locale.ROOT, "%+.4g", d);
  }
}
