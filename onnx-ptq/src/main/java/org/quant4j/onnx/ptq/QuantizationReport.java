package org.quant4j.onnx.ptq;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.nn.TensorQuantizer;

/**
 * What {@link OnnxQuantizer#calibrate} (and so {@link OnnxQuantizer#quantize}) did: the quantizers it placed (calibrated, with their
 * calibrators, so that a calibration report can be drawn from them), which were disabled by the
 * configuration, the nodes it left in float and why, and how much data calibrated them.
 *
 * @param opset the model's opset
 * @param method the amax method of histogram calibrators
 * @param percentile the percentile, for {@link AmaxMethod#PERCENTILE}
 * @param quantizers every quantizer written, by name, in graph order
 * @param disabled the quantizers the configuration turned off (their tensors stay float)
 * @param skipped the quantizable nodes left in float
 * @param batches the calibration batches used
 * @param samples the items in them (the first dimension of the first input, summed)
 */
public record QuantizationReport(int opset, AmaxMethod method, double percentile,
    Map<String, TensorQuantizer> quantizers, List<String> disabled, List<SkippedNode> skipped, int batches,
    long samples) {

  /** Copies the collections. */
  public QuantizationReport {
    quantizers = Collections.unmodifiableMap(new LinkedHashMap<>(quantizers));
    disabled = List.copyOf(disabled);
    skipped = List.copyOf(skipped);
  }

  /**
   * The amax of one quantizer, as float32 values in C order (one per tensor, one per channel).
   *
   * @param name the quantizer's name
   * @return its amax values
   * @throws IllegalArgumentException if there is no such quantizer
   */
  public float[] amax(String name) {
    TensorQuantizer q = quantizers.get(name);
    if (q == null) {
      throw new IllegalArgumentException("no quantizer named '" + name + "'; the quantizers are " + quantizers.keySet());
    }
    INDArray a = q.amax();
    return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
  }

  /**
   * A plain-text summary: one line per quantizer (amax, or its range for per-channel ones), then the
   * disabled quantizers and the float nodes with their reasons.
   *
   * @return the summary
   */
  public String summary() {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%d quantizers, calibrated on %d batches (%d items), method %s%s",
        quantizers.size(), batches, samples, method.referenceName(),
        method == AmaxMethod.PERCENTILE ? " " + percentile : ""));
    for (String name : quantizers.keySet()) {
      float[] a = amax(name);
      if (a.length == 1) {
        lines.add(String.format(Locale.ROOT, "  %-48s amax %.6g", name, a[0]));
      } else {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : a) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        lines.add(String.format(Locale.ROOT, "  %-48s amax %d channels in [%.6g, %.6g]", name, a.length, lo, hi));
      }
    }
    for (String name : disabled) {
      lines.add("  " + name + " disabled by the configuration: its tensor stays float");
    }
    for (SkippedNode s : skipped) {
      lines.add("  left in float: " + s);
    }
    return String.join(System.lineSeparator(), lines);
  }
}
