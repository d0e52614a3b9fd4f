package org.quant4j.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.CalibrationResult;
import org.quant4j.dl4j.QuantStateFile;
import org.quant4j.dl4j.QuantizerState;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.report.AmaxChoice;
import org.quant4j.report.CalibrationReport;

/**
 * Calibrate mode's end, run by a shutdown hook: the JVM runs it when the application returns from {@code main},
 * calls {@code System.exit}, dies of an uncaught exception or gets SIGTERM/SIGINT. It computes every calibrated
 * quantizer's amax ({@link Calibration#computeAmax}: max calibrators take the max, histogram calibrators the chosen
 * method) and writes the state file ({@link QuantStateFile}, the format QuantState and the command line use)
 * atomically, then, with {@code report=DIR}, the calibration report
 * ({@link CalibrationReport}: one page, a histogram per quantizer with the amax each method would pick). A JVM killed with SIGKILL, halted, or crashed in native code runs no
 * hook; the agent says so when it starts.
 */
final class ExitCalibration implements Runnable {
  private final AgentSession session;

  /**
   * The exit task of a calibrating session.
   *
   * @param session the session whose networks calibrated
   */
  ExitCalibration(AgentSession session) {
    this.session = session;
  }

  @Override
  public void run() {
    AgentOptions options = session.options();
    try {
      Map<String, Map<String, QuantizerState>> networks = new LinkedHashMap<>();
      Map<String, TensorQuantizer> calibratedQuantizers = new LinkedHashMap<>();
      List<String> sawNoData = new ArrayList<>();
      List<String> neverRan = new ArrayList<>();
      int calibratedNetworks = 0;
      for (TrackedNetwork t : session.networks()) {
        if (!t.prepared()) {
          neverRan.add(t.label());
          continue;
        }
        Model model = (Model) t.network();
        Map<String, TensorQuantizer> quantizers = Quantizers.of(model);
        if (quantizers.isEmpty()) {
          continue;
        }
        CalibrationResult result = Calibration.computeAmax(model, options.histogramMethod(), options.percentile());
        networks.put(t.label(), states(t, quantizers, sawNoData));
        result.calibrated().forEach(name -> calibratedQuantizers.put(t.fullName(name), quantizers.get(name)));
        result.sawNoData().forEach(name -> sawNoData.add(t.fullName(name)));
        calibratedNetworks += result.calibrated().isEmpty() ? 0 : 1;
      }
      if (!sawNoData.isEmpty()) {
        AgentLog.warn(sawNoData.size() + " quantizer(s) have no amax in " + options.amax() + " (they saw no data, "
            + "or it was not finite) and will use dynamic amax: " + String.join(", ", sawNoData));
      }
      if (!neverRan.isEmpty()) {
        AgentLog.info("never ran, nothing collected: " + String.join(", ", neverRan));
      }
      if (calibratedQuantizers.isEmpty()) {
        AgentLog.warn("calibrate mode: no quantizer collected any data (" + session.networks().size()
            + " DL4J network(s) initialised, " + neverRan.size() + " never ran), so " + options.amax()
            + " was not written");
        return;
      }
      // One network's state is a plain one-network file (what QuantState.load and quant4j export take); an
      // application that initialised several gets one entry per network label.
      QuantStateFile file = session.initialised() == 1 && networks.size() == 1
          ? QuantStateFile.of(networks.values().iterator().next())
          : QuantStateFile.ofNetworks(networks);
      file.withCalibration(calibrationNote(options)).write(options.amax());
      AgentLog.warn("wrote the amax of " + calibratedQuantizers.size() + " quantizer(s) of " + calibratedNetworks
          + " network(s) to " + options.amax() + " (" + describeMethod(options) + ")");
      if (options.report() != null) {
        writeReport(options, calibratedQuantizers);
      }
    } catch (IOException | RuntimeException e) {
      AgentLog.warn("calibrate mode: " + options.amax() + " not written: " + AgentLog.describe(e));
    }
  }

  /**
   * Each quantizer's state as a quant run should load it: the quantizers the agent switched to calibrating quantize
   * again (enabled, quant on, calib off), the others keep their flags. An amax that is not finite (a calibrator fed
   * NaN) is left out, and the quantizer listed with those that saw no data.
   */
  private static Map<String, QuantizerState> states(TrackedNetwork t, Map<String, TensorQuantizer> quantizers,
      List<String> noAmax) {
    Map<String, QuantizerState> states = new LinkedHashMap<>();
    quantizers.forEach((name, q) -> {
      QuantizerState.Flags flags = t.calibrating(q)
          ? new QuantizerState.Flags(true, true, false, q.isClipEnabled())
          : QuantizerState.Flags.of(q);
      QuantizerState.Amax amax = null;
      if (q.amax() != null) {
        try {
          amax = QuantizerState.Amax.of(q.amax());
        } catch (IllegalArgumentException notFinite) {
          noAmax.add(t.fullName(name));
        }
      }
      states.put(name, QuantizerState.builder().flags(flags).descriptor(q.descriptor()).amax(amax).build());
    });
    return states;
  }

  private static void writeReport(AgentOptions options, Map<String, TensorQuantizer> quantizers) {
    AmaxChoice chosen = new AmaxChoice(options.histogramMethod(), options.percentile());
    // ImageIO's default disk cache registers a shutdown hook per stream, which the JVM refuses while it shuts down;
    // the PNGs are small, so cache in memory (the JVM is exiting: the global setting changes nothing else).
    ImageIO.setUseCache(false);
    try {
      Path page = CalibrationReport.builder()
          .title("quant4j-agent calibration")
          .note("Written at JVM exit by the quant4j agent (" + options.toArgumentString() + "). Histogram "
              + "calibrators load " + chosen.label() + "; max calibrators load their max.")
          .quantizers(quantizers, AmaxChoice.STANDARD, chosen.label())
          .build()
          .write(options.report());
      AgentLog.warn("wrote the calibration report " + page);
    } catch (IOException | RuntimeException e) {
      AgentLog.warn("calibration report not written to " + options.report() + ": " + AgentLog.describe(e));
    }
  }

  private static Map<String, String> calibrationNote(AgentOptions options) {
    Map<String, String> note = new LinkedHashMap<>();
    note.put("histogram_method", options.histogramMethod().referenceName());
    if (options.histogramMethod() == AmaxMethod.PERCENTILE) {
      note.put("percentile", Double.toString(options.percentile()));
    }
    return note;
  }

  private static String describeMethod(AgentOptions options) {
    String histogram = options.histogramMethod() == AmaxMethod.PERCENTILE
        ? "percentile " + options.percentile()
        : options.histogramMethod().referenceName();
    return "max calibrators: max; histogram calibrators: " + histogram;
  }
}
