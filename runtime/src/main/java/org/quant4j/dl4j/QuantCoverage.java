package org.quant4j.dl4j;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.dl4j.internal.LayerCoverage;
import org.quant4j.dl4j.internal.LayerHooks;
import org.quant4j.nn.TensorQuantizer;

/**
 * How much of a network quant4j quantizes: how many quantizers it has, how many of them are enabled and how many
 * are calibrated (hold an amax, rather than computing one per call), and which of its layers and vertices run in
 * float because the layer map (DESIGN.md) has no row for their class although they hold
 * parameters: a {@code BatchNormalization}, an {@code EmbeddingLayer}, a {@code SimpleRnn}, a custom layer. The
 * agent prints it with {@code verbose=true}; {@code quant4j calibrate} and {@code quant4j export} print it as their
 * summary line. Immutable; a snapshot of the moment it was taken.
 */
public final class QuantCoverage {

  /**
   * A layer or vertex left in float because the layer map has no row for its class.
   *
   * @param name its name (the DL4J layer name, {@code layer<i>}, or the vertex name)
   * @param className the fully qualified name of its DL4J implementation class
   */
  public record Unquantized(String name, String className) {
    /**
     * The class name without its package.
     *
     * @return e.g. {@code BatchNormalization}
     */
    public String simpleClassName() {
      return className.substring(className.lastIndexOf('.') + 1);
    }
  }

  private final int quantizers;
  private final int enabled;
  private final int calibrated;
  private final List<Unquantized> unquantized;

  private QuantCoverage(int quantizers, int enabled, int calibrated, List<Unquantized> unquantized) {
    this.quantizers = quantizers;
    this.enabled = enabled;
    this.calibrated = calibrated;
    this.unquantized = List.copyOf(unquantized);
  }

  /**
   * The coverage of a network now.
   *
   * @param model a MultiLayerNetwork, a ComputationGraph or a Layer
   * @return its coverage
   * @throws IllegalArgumentException for another kind of model
   */
  public static QuantCoverage of(Model model) {
    int enabled = 0;
    int calibrated = 0;
    var all = Quantizers.of(model);
    for (TensorQuantizer q : all.values()) {
      enabled += q.isEnabled() ? 1 : 0;
      calibrated += q.amax() != null ? 1 : 0;
    }
    List<Unquantized> unquantized = new ArrayList<>();
    for (NetworkLayers.Part p : NetworkLayers.of(model)) {
      boolean quantized = p.layer() != null && LayerHooks.layer(p.layer()) != null;
      boolean mapped = p.layer() != null && LayerCoverage.inLayerMap(p.layer());
      if (!quantized && !mapped && p.numParams() > 0) {
        unquantized.add(new Unquantized(p.name(), p.type().getName()));
      }
    }
    return new QuantCoverage(all.size(), enabled, calibrated, unquantized);
  }

  /**
   * The number of quantizers ({@link Quantizers#of}).
   *
   * @return the count
   */
  public int quantizers() {
    return quantizers;
  }

  /**
   * The number of enabled quantizers.
   *
   * @return the count of quantizers whose {@link TensorQuantizer#isEnabled()} is true
   */
  public int enabled() {
    return enabled;
  }

  /**
   * The number of calibrated quantizers: those holding an amax (from calibration, a state file or the
   * configuration); the others compute their amax from each input (dynamic amax).
   *
   * @return the count of quantizers whose {@link TensorQuantizer#amax()} is not null
   */
  public int calibrated() {
    return calibrated;
  }

  /**
   * The layers and vertices that hold parameters but have no row in the layer map, so run in float.
   *
   * @return an unmodifiable list in forward order
   */
  public List<Unquantized> unquantized() {
    return unquantized;
  }

  /**
   * One line for people.
   *
   * @return e.g. {@code 6 quantizers, 6 enabled, 4 calibrated; left in float (not in the layer map): bn1
   *     (BatchNormalization)}, or {@code ...; every layer with parameters is in the layer map}
   */
  public String summary() {
    StringBuilder s = new StringBuilder().append(quantizers).append(quantizers == 1 ? " quantizer, " : " quantizers, ")
        .append(enabled).append(" enabled, ").append(calibrated).append(" calibrated; ");
    if (unquantized.isEmpty()) {
      return s.append("every layer with parameters is in the layer map").toString();
    }
    s.append("left in float (not in the layer map): ");
    for (int i = 0; i < unquantized.size(); i++) {
      Unquantized u = unquantized.get(i);
      s.append(i == 0 ? "" : ", ").append(u.name()).append(" (").append(u.simpleClassName()).append(')');
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return summary();
  }
}
