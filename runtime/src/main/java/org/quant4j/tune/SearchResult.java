package org.quant4j.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.report.Table;

/**
 * What {@link MixedPrecisionSearch} found: a format per layer, the {@link QuantConfig} that builds it, its metric
 * (one real evaluation of a network built from that configuration) and cost, and whether the budget is met. When
 * it is not, the assignment is the best one found.
 *
 * @param assignment each quantized layer's format, in forward order
 * @param config the configuration: the base, plus one override per quantizer with its format and amax
 * @param metric the metric's name
 * @param fp32 the metric in float
 * @param achieved the metric of the assignment
 * @param effectiveBits the assignment's bits per element: weight and activation bits, weighted by elements
 * @param cost the assignment's cost under the search's cost model
 * @param met whether the assignment meets the budget
 * @param budget the budget, in words
 * @param evaluations how many whole evaluations the search ran
 * @param sensitivity the sensitivity the search ordered the layers by (every layer at the cheapest format)
 */
public record SearchResult(Map<String, Format> assignment, QuantConfig config, String metric, double fp32,
    double achieved, double effectiveBits, double cost, boolean met, String budget, int evaluations,
    SensitivityResult sensitivity) {

  /** Copies the map, keeping its order. */
  public SearchResult {
    assignment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(assignment));
  }

  /**
   * The assignment on one line, e.g. {@code layer0=w8a8, layer2=w4a8}.
   *
   * @return the text
   */
  public String assignmentText() {
    return assignment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().name())
        .collect(Collectors.joining(", "));
  }

  /**
   * What the assignment reaches: the metric against FP32 and the effective bits.
   *
   * @return e.g. {@code top-1 98.61% (FP32 98.69%, -0.08 points) at 5.210 effective bits}
   */
  public String outcome() {
    return String.format(Locale.ROOT, "%s %s (FP32 %s, %s) at %.3f effective bits", metric, value(achieved),
        value(fp32), delta(achieved - fp32), effectiveBits);
  }

  /**
   * The outcome on one line: {@link #outcome()}, the budget, whether it is met, and the evaluations run.
   *
   * @return the text
   */
  public String summary() {
    return String.format(Locale.ROOT, "%s; budget %s %s; %d evaluations", outcome(), budget,
        met ? "met" : "NOT met", evaluations);
  }

  /**
   * The assignment as a table: per layer, its format and how much quantizing it alone at the cheapest format
   * cost.
   *
   * @return the table
   */
  public Table table() {
    List<List<String>> rows = new ArrayList<>();
    Map<String, LayerSensitivity> byName = new LinkedHashMap<>();
    sensitivity.layers().forEach(l -> byName.put(l.layer(), l));
    assignment.forEach((layer, format) -> {
      LayerSensitivity s = byName.get(layer);
      rows.add(List.of(layer, format.name(), s == null ? "" : delta(-sensitivity.harm(s))));
    });
    return new Table("Mixed precision per layer", List.of("layer", "format", "only L at the cheapest format, vs FP32"),
        rows, List.of(summary()));
  }

  private boolean isTop1() {
    return Top1.NAME.equals(metric);
  }

  private String value(double v) {
    return isTop1() ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : String.format(Locale.ROOT, "%.6g", v);
  }

  private String delta(double d) {
    return isTop1() ? String.format(Locale.ROOT, "%+.2f points", 100 * d) : String.format(Locale.ROOT, "%+.4g", d);
  }
}
