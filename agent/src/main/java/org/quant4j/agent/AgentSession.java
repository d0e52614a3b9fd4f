package org.quant4j.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.dl4j.QuantCoverage;
import org.quant4j.dl4j.QuantStateFile;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;

/**
 * One agent's state in a JVM: its options, the state file it loads (quant mode with {@code amax=}), and the networks
 * it has seen, each with its label. Networks are numbered {@code net0}, {@code net1}, ... in the order the
 * application initialises them ({@code init()}, including {@code ModelSerializer.restore*} and
 * {@code toComputationGraph()}, which initialise the network they return), so the same application gives the same
 * labels on every run. Each network's quantizers are set up for the mode when the network first runs.
 */
final class AgentSession {
  private final AgentOptions options;
  private final QuantStateFile stateFile;
  private final boolean stopOnError;
  private int count;
  private volatile TrackedNetwork[] networks = new TrackedNetwork[0];

  /**
   * A session.
   *
   * @param options the parsed options
   * @param stateFile the state file read at start (quant mode with {@code amax=}), or null
   * @param stopOnError whether a state file that does not fit a network stops the application (a {@code -javaagent}
   *     start without {@code onerror=warn}); an agent attached to a running application never stops it
   */
  AgentSession(AgentOptions options, QuantStateFile stateFile, boolean stopOnError) {
    this.options = options;
    this.stateFile = stateFile;
    this.stopOnError = stopOnError;
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
   * How many networks the application has initialised so far, collected ones included.
   *
   * @return the count
   */
  synchronized int initialised() {
    return count;
  }

  /**
   * Gives a newly initialised network its label; a network seen before keeps its own.
   *
   * @param network the network
   */
  synchronized void register(Object network) {
    if (find(network) != null) {
      return;
    }
    TrackedNetwork t = new TrackedNetwork(network, "net" + count++, options.mode() == AgentMode.CALIBRATE);
    TrackedNetwork[] alive = Arrays.stream(networks).filter(n -> n.network() != null).toArray(TrackedNetwork[]::new);
    TrackedNetwork[] grown = Arrays.copyOf(alive, alive.length + 1);
    grown[alive.length] = t;
    networks = grown;
    AgentLog.info(t.label() + " is a " + network.getClass().getSimpleName());
  }

  /**
   * Sets a network's quantizers up for the mode the first time it runs: quant mode loads the state file's entries
   * for it; calibrate mode makes every enabled quantizer with a calibrator collect instead of quantize and disables
   * the others, as the reference's calibration recipe does. Then says what the network has ({@link QuantCoverage}):
   * with {@code verbose=true} always, otherwise only when nothing of it is quantized. A state file that does not fit
   * the network stops the application here, before this first forward pass runs, unless {@code onerror=warn}.
   *
   * @param network the network starting a forward pass
   */
  void beforeForward(Object network) {
    TrackedNetwork t = find(network);
    if (t == null || t.prepared()) {
      return;
    }
    boolean stop = false;
    synchronized (t) {
      if (t.prepared()) {
        return;
      }
      try {
        Model model = (Model) network;
        if (options.mode() == AgentMode.CALIBRATE) {
          t.calibrating(startCalibrating(model));
        } else if (stateFile != null) {
          stop = !AmaxLoading.load(t, model, stateFile, options.amax(), stopOnError);
        }
        if (!stop) {
          describe(t, model);
        }
      } finally {
        t.markPrepared();
      }
    }
    if (stop) {
      Runtime.getRuntime().exit(OnError.EXIT_STATUS);
    }
  }

  private static void describe(TrackedNetwork t, Model model) {
    QuantCoverage coverage = QuantCoverage.of(model);
    String line = t.label() + " (" + model.getClass().getSimpleName() + "): " + coverage.summary();
    if (coverage.quantizers() == 0) {
      AgentLog.warn(line + "; nothing of it is quantized, it runs in float");
    } else {
      AgentLog.info(line);
    }
  }

  private static Set<TensorQuantizer> startCalibrating(Model network) {
    Set<TensorQuantizer> switched = Collections.newSetFromMap(new IdentityHashMap<>());
    for (TensorQuantizer q : Quantizers.of(network).values()) {
      if (!q.isEnabled()) {
        continue;
      }
      switched.add(q);
      if (q.calibrator() != null) {
        q.disableQuant();
        q.enableCalib();
      } else {
        q.disable();
      }
    }
    return switched;
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
