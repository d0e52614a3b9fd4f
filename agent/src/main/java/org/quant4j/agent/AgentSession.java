package org.quant4j.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;

/**
 * One agent's state in a JVM: its options, the amax file it loads (quant mode), and the networks it has seen, each
 * with its name prefix. Networks are numbered {@code net0}, {@code net1}, ... in the order the application
 * initialises them ({@code init()}, including {@code ModelSerializer.restore*} and {@code toComputationGraph()},
 * which initialise the network they return), so the same application gives the same names on every run. Each
 * network's quantizers are set up for the mode when the network first runs.
 */
final class AgentSession {
  private final AgentOptions options;
  private final AmaxFile amaxFile;
  private int count;
  private volatile TrackedNetwork[] networks = new TrackedNetwork[0];

  /**
   * A session.
   *
   * @param options the parsed options
   * @param amaxFile the amax file read at start (quant mode with {@code amax=}), or null
   */
  AgentSession(AgentOptions options, AmaxFile amaxFile) {
    this.options = options;
    this.amaxFile = amaxFile;
  }

  /**
   * The options.
   *
   * @return the options the agent was started with
   */
  AgentOptions options() {
    return options;
  }

  /**
   * The networks seen so far, in initialisation order (collected ones left out).
   *
   * @return a snapshot
   */
  List<TrackedNetwork> networks() {
    List<TrackedNetwork> alive = new ArrayList<>();
    for (TrackedNetwork t : networks) {
      if (t.network() != null) {
        alive.add(t);
      }
    }
    return alive;
  }

  /**
   * Gives a newly initialised network its prefix; a network seen before keeps its own.
   *
   * @param network the network
   */
  synchronized void register(Object network) {
    if (find(network) != null) {
      return;
    }
    TrackedNetwork t = new TrackedNetwork(network, "net" + count++ + ".", options.mode() == AgentMode.CALIBRATE);
    TrackedNetwork[] alive = Arrays.stream(networks).filter(n -> n.network() != null).toArray(TrackedNetwork[]::new);
    TrackedNetwork[] grown = Arrays.copyOf(alive, alive.length + 1);
    grown[alive.length] = t;
    networks = grown;
    AgentLog.info(t.label() + " is a " + network.getClass().getSimpleName());
  }

  /**
   * Sets a network's quantizers up for the mode the first time it runs: quant mode loads the amax file's values;
   * calibrate mode makes every quantizer with a calibrator collect instead of quantize and disables the others, as
   * the reference's calibration recipe does.
   *
   * @param network the network starting a forward pass
   */
  void beforeForward(Object network) {
    TrackedNetwork t = find(network);
    if (t == null || t.prepared()) {
      return;
    }
    synchronized (t) {
      if (t.prepared()) {
        return;
      }
      try {
        if (options.mode() == AgentMode.CALIBRATE) {
          startCalibrating((Model) network);
        } else if (amaxFile != null) {
          AmaxLoading.load(t, (Model) network, amaxFile, options.amax());
        }
      } finally {
        t.markPrepared();
      }
    }
  }

  private static void startCalibrating(Model network) {
    for (TensorQuantizer q : Quantizers.of(network).values()) {
      if (!q.isEnabled()) {
        continue;
      }
      if (q.calibrator() != null) {
        q.disableQuant();
        q.enableCalib();
      } else {
        q.disable();
      }
    }
  }

  private TrackedNetwork find(Object network) {
    for (TrackedNetwork t : networks) {
      if (t.is(network)) {
        return t;
      }
    }
    return null;
  }
}
