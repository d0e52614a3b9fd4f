package org.quant4j.agent;

import java.lang.ref.WeakReference;
import java.util.Set;
import org.quant4j.nn.TensorQuantizer;

/**
 * A network the agent has seen initialised: its label ({@code net0}, {@code net1}, ... in the order the application
 * initialises its networks), whether its quantizers have been set up for the agent's mode, and, in calibrate mode,
 * which quantizers the agent switched to calibrating. Calibrating sessions hold the network strongly (its
 * calibrators are read at exit); quantizing ones weakly.
 */
final class TrackedNetwork {
  private final String label;
  private final Object strong;
  private final WeakReference<Object> weak;
  private volatile boolean prepared;
  private volatile Set<TensorQuantizer> calibrating = Set.of();

  /**
   * Tracks a network.
   *
   * @param network the network
   * @param label its label, e.g. {@code net0}
   * @param keepAlive whether to hold the network strongly
   */
  TrackedNetwork(Object network, String label, boolean keepAlive) {
    this.label = label;
    this.strong = keepAlive ? network : null;
    this.weak = new WeakReference<>(network);
  }

  /**
   * The network's label.
   *
   * @return e.g. {@code net0}
   */
  String label() {
    return label;
  }

  /**
   * A quantizer's full name in the agent's messages.
   *
   * @param quantizer the quantizer's name in the network
   * @return e.g. {@code net0.hidden1._input_quantizer}
   */
  String fullName(String quantizer) {
    return label + "." + quantizer;
  }

  /**
   * The network, or null once it was collected.
   *
   * @return the network or null
   */
  Object network() {
    return strong != null ? strong : weak.get();
  }

  /**
   * Whether this entry tracks exactly that object.
   *
   * @param network a network
   * @return true for the same instance
   */
  boolean is(Object network) {
    return network() == network;
  }

  /**
   * Whether the quantizers have been set up for the agent's mode (at the network's first forward pass).
   *
   * @return true after {@link #markPrepared()}
   */
  boolean prepared() {
    return prepared;
  }

  /** Records that the quantizers have been set up. */
  void markPrepared() {
    prepared = true;
  }

  /**
   * Records the quantizers the agent switched from quantizing to calibrating (calibrate mode).
   *
   * @param quantizers an identity set
   */
  void calibrating(Set<TensorQuantizer> quantizers) {
    calibrating = quantizers;
  }

  /**
   * Whether the agent switched a quantizer to calibrating: once calibrated, it is meant to quantize again.
   *
   * @param q a quantizer of this network
   * @return true if the agent switched it
   */
  boolean calibrating(TensorQuantizer q) {
    return calibrating.contains(q);
  }
}
