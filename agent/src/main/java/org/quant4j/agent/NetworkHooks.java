package org.quant4j.agent;

/**
 * The static dispatcher the agent's network advice calls from inside {@code MultiLayerNetwork} and
 * {@code ComputationGraph}. Public because the advice is inlined into those classes; never throws (the advice
 * suppresses anything, and every failure here is logged once and ignored), so the host application runs on. The one
 * way it ends the application is on purpose: a state file that does not fit a network stops it before that
 * network's first forward pass, unless {@code onerror=warn} ({@link AgentSession#beforeForward}).
 */
public final class NetworkHooks {
  private static volatile AgentSession session;

  private NetworkHooks() {}

  /**
   * Connects the hooks to the agent's session.
   *
   * @param s the session the hooks report to
   */
  static void connect(AgentSession s) {
    session = s;
  }

  /**
   * Called when a network's {@code init(INDArray, boolean)} returns: the network gets its name prefix.
   *
   * @param network the network
   */
  public static void afterInit(Object network) {
    AgentSession s = session;
    if (s != null) {
      try {
        s.register(network);
      } catch (Throwable t) {
        AgentLog.warnOnce("register:" + t.getClass().getName(),
            "could not track a " + network.getClass().getSimpleName() + ": " + AgentLog.describe(t));
      }
    }
  }

  /**
   * Called when a network starts a forward pass: the first time, its quantizers are set up for the agent's mode.
   *
   * @param network the network
   */
  public static void beforeForward(Object network) {
    AgentSession s = session;
    if (s != null) {
      try {
        s.beforeForward(network);
      } catch (Throwable t) {
        AgentLog.warnOnce("forward:" + t.getClass().getName(),
            "could not prepare a " + network.getClass().getSimpleName() + ": " + AgentLog.describe(t));
      }
    }
  }
}
