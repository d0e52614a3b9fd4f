package org.quant4j.report;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.calib.Calibrator;
import org.quant4j.calib.HistogramCalibrator;
import org.quant4j.nn.TensorQuantizer;

/**
 * What the report shows of one quantizer: its histogram (when it has a histogram calibrator), the amax
 * each choice picks with the clipped fraction and MSE of each, and the amax in use.
 *
 * @param name the quantizer's name ({@code conv1._input_quantizer})
 * @param description the quantizer's {@code toString()}
 * @param counts the histogram of |x| (one count per bin), or {@code null} without a histogram
 * @param edges the {@code counts.length + 1} bin edges, or {@code null}
 * @param candidates the amax each choice picks, with its errors (empty without a histogram, except a
 *     single "max" for a per-tensor max calibrator)
 * @param chosenAmax the amax the quantizer uses (one value, or one per channel); empty when dynamic
 * @param chosenLabel the choice that set it ("entropy"), or {@code null} when not known
 */
public record QuantizerSummary(
    String name,
    String description,
    float[] counts,
    float[] edges,
    List<AmaxCandidate> candidates,
    float[] chosenAmax,
    String chosenLabel) {

  /**
   * Copies the candidate list.
   *
   * @throws IllegalArgumentException if counts and edges disagree in length
   */
  public QuantizerSummary {
    if ((counts == null) != (edges == null) || counts != null && edges.length != counts.length + 1) {
      throw new IllegalArgumentException("edges must have counts.length + 1 entries, got counts="
          + (counts == null ? null : counts.length) + " edges=" + (edges == null ? null : edges.length));
    }
    candidates = List.copyOf(candidates);
  }

  /** @return whether a histogram was collected */
  public boolean hasHistogram() {
    return counts != null;
  }

  /**
   * Summarises a calibrated quantizer. For a histogram calibrator each choice's amax comes from the
   * calibrator ({@code max} is the histogram's upper edge, the largest |x| seen); its clipped fraction
   * and MSE are measured on the histogram ({@link HistogramErrors}).
   *
   * @param name the quantizer's name
   * @param quantizer the quantizer, after calibration
   * @param choices the choices to compare (for histogram calibrators)
   * @param chosenLabel the label of the choice loaded into the quantizer, or {@code null}
   * @return the summary
   */
  public static QuantizerSummary of(
      String name, TensorQuantizer quantizer, List<AmaxChoice> choices, String chosenLabel) {
    INDArray amax = quantizer.amax();
    float[] chosen = amax == null ? new float[0] : amax.castTo(DataType.FLOAT).reshape(amax.length()).toFloatVector();
    Calibrator calibrator = quantizer.calibrator();
    if (calibrator instanceof HistogramCalibrator h && h.hasData()) {
      float[] counts = h.histogram().castTo(DataType.FLOAT).toFloatVector();
      float[] edges = h.edges().castTo(DataType.FLOAT).toFloatVector();
      List<AmaxCandidate> candidates = new ArrayList<>();
      for (AmaxChoice c : choices) {
        float a = c.method() == AmaxMethod.MAX
            ? edges[edges.length - 1]
            : h.computeAmax(c.method(), c.percentile()).getFloat(0);
        candidates.add(new AmaxCandidate(
            c, a, HistogramErrors.clippedFraction(counts, edges, a), HistogramErrors.mse(counts, edges, h.grid(), a)));
      }
      return new QuantizerSummary(name, quantizer.toString(), counts, edges, candidates, chosen, chosenLabel);
    }
    List<AmaxCandidate> candidates = chosen.length == 1
        ? List.of(new AmaxCandidate(new AmaxChoice(AmaxMethod.MAX, 0), chosen[0], 0, Double.NaN))
        : List.of();
    return new QuantizerSummary(name, quantizer.toString(), null, null, candidates, chosen,
        calibrator == null ? chosenLabel : "max");
  }
}
