package org.quant4j.agent;

import java.lang.ref.WeakReference;

/**
 * A network the agent has seen initialised: its name prefix ({@code net0.}, {@code net1.}, ... in the order the
 * application initialises its networks) and whether its quantizers have been set up for the agent's mode.
 * Calibrating sessions hold the network strongly (its calibrators are read at exit); quantizing ones weakly.
 */
final class TrackedNetwork {
  private final String prefix;
  private final Object strong;
  private final WeakReference<Object> weak;
  private volatile boolean prepared;

  /**
   * Tracks a network.
   *
   * @param network the network
   * @param prefix its name prefix, e.g. {@code net0.}
   * @param keepAlive whether to hold the network strongly
   */
  TrackedNetwork(Object network, String prefix, boolean keepAlive) {
    this.prefix = prefix;
    this.strong = keepAlive ? network : null;
    this.weak = new WeakReference<>(network);
  }

  /**
   * The network's name prefix.
   *
   * @return e.g. {@code net0.}
   */
  String prefix() {
    return prefix;
  }

  /**
   * The network's name without the dot, for messages.
   *
   * @return e.g. {@code net0}
   */
  String label() {
    return prefix.substring(0, prefix.length() - 1);
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
}
