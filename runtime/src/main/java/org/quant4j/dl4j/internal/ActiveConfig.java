package org.quant4j.dl4j.internal;

import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantRole;
import org.quant4j.nn.TensorQuantizer;

/**
 * The configuration new layers and vertices get their quantizers from, while one is active: set by
 * {@code QuantModules.initialize()} or the agent, cleared by {@code QuantModules.deactivate()}.
 */
public final class ActiveConfig {

  private static volatile QuantConfig active;

  private ActiveConfig() {}

  /**
   * Activates a configuration for layers built from now on.
   *
   * @param config the configuration
   */
  public static void activate(QuantConfig config) {
    active = config;
  }

  /** Stops giving quantizers to layers built from now on. */
  public static void deactivate() {
    active = null;
  }

  /**
   * The active configuration.
   *
   * @return it, or null when none is active
   */
  public static QuantConfig get() {
    return active;
  }

  /**
   * A new quantizer as the configuration resolves it for one name and role.
   *
   * @param config the configuration
   * @param name the quantizer's name
   * @param role its role
   * @param axes the weight's channel axes (empty for inputs)
   * @return the quantizer, disabled when the configuration says {@code enable: false}
   */
  static TensorQuantizer newQuantizer(QuantConfig config, String name, QuantRole role, int[] axes) {
    QuantConfig.Resolved r = config.resolve(name, role, axes);
    TensorQuantizer q = new TensorQuantizer(r.descriptor());
    if (!r.enabled()) {
      q.disable();
    }
    return q;
  }
}
