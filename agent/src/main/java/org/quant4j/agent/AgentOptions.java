package org.quant4j.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.quant4j.calib.AmaxMethod;

/**
 * The agent's settings, parsed from {@code -javaagent:quant4j-agent.jar=key=value,...} by {@link AgentOptionsParser}.
 *
 * @param config the QuantConfig file (YAML or JSON), or null for the defaults of {@code QuantModules.initialize()}
 * @param mode quantize, or only calibrate
 * @param calib the input quantizers' calibrator, {@code "max"} or {@code "histogram"}, or null for the config's
 *     (the reference's default is max)
 * @param method how histogram calibrators turn their histogram into amax, or null for percentile; max calibrators
 *     always take the max
 * @param percentile the percentile for {@link AmaxMethod#PERCENTILE}, in [0, 100]
 * @param amax the amax file: written at exit in calibrate mode, read in quant mode; null for dynamic amax
 * @param report the calibration report's directory (calibrate mode), or null for none
 * @param verbose whether the agent says what it does on stderr
 * @param onError what a configuration error does: stop the application (the default) or only warn
 */
public record AgentOptions(
    Path config,
    AgentMode mode,
    String calib,
    AmaxMethod method,
    double percentile,
    Path amax,
    Path report,
    boolean verbose,
    OnError onError) {

  /** The percentile used when none is given: the reference's recommended 99.99. */
  public static final double DEFAULT_PERCENTILE = 99.99;

  /**
   * Checks the invariants the parser guarantees.
   *
   * @throws NullPointerException if mode or onError is null
   * @throws IllegalArgumentException if calib is not max/histogram or percentile is outside [0, 100]
   */
  public AgentOptions {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(onError, "onError");
    if (calib != null && !calib.equals("max") && !calib.equals("histogram")) {
      throw new IllegalArgumentException("calib must be max or histogram; got " + calib);
    }
    if (!(percentile >= 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in [0, 100]; got " + percentile);
    }
  }

  /**
   * The settings of an agent started without arguments: {@code QuantModules.initialize()} and dynamic amax.
   *
   * @return quant mode, no files, not verbose, a configuration error stops the application
   */
  public static AgentOptions defaults() {
    return new AgentOptions(null, AgentMode.QUANT, null, null, DEFAULT_PERCENTILE, null, null, false, OnError.EXIT);
  }

  /**
   * The method histogram calibrators use at exit.
   *
   * @return {@link #method()}, or {@link AmaxMethod#PERCENTILE} when none was given
   */
  public AmaxMethod histogramMethod() {
    return method == null ? AmaxMethod.PERCENTILE : method;
  }

  /**
   * The options as the agent's argument string, keys in the documented order; parsing it gives these options back.
   *
   * @return e.g. {@code mode=calibrate,calib=histogram,method=entropy,amax=amax.json}
   */
  public String toArgumentString() {
    List<String> parts = new ArrayList<>();
    if (config != null) {
      parts.add("config=" + config);
    }
    parts.add("mode=" + mode.argumentName());
    if (calib != null) {
      parts.add("calib=" + calib);
    }
    if (method != null) {
      parts.add("method=" + method.referenceName());
    }
    if (method == AmaxMethod.PERCENTILE || (method == null && percentile != DEFAULT_PERCENTILE)) {
      parts.add("percentile=" + percentile);
    }
    if (amax != null) {
      parts.add("amax=" + amax);
    }
    if (report != null) {
      parts.add("report=" + report);
    }
    if (verbose) {
      parts.add("verbose=true");
    }
    if (onError != OnError.EXIT) {
      parts.add("onerror=" + onError.argumentName());
    }
    return String.join(",", parts);
  }
}
