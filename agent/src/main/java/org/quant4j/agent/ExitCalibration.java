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
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.report.AmaxChoice;
import org.quant4j.report.CalibrationReport;

/**
 * Calibrate mode's end, run by a shutdown hook: the JVM runs it when the application returns from {@code main},
 * calls {@code System.exit}, dies of an uncaught exception or gets SIGTERM/SIGINT. It computes every calibrated
 * quantizer's amax ({@link Calibration#computeAmax}: max calibrators take the max, histogram calibrators the chosen
 * method) and writes the amax file atomically, then, with {@code report=DIR}, the calibration report
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
      Map<String, AmaxFile.Amax> amax = new LinkedHashMap<>();
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
        if (Quantizers.of(model).isEmpty()) {
          continue;
        }
        CalibrationResult result = Calibration.computeAmax(model, options.histogramMethod(), options.percentile());
        Map<String, TensorQuantizer> quantizers = Quantizers.of(model);
        for (String name : result.calibrated()) {
          amax.put(t.prefix() + name, AmaxLoading.fromArray(quantizers.get(name).amax()));
          calibratedQuantizers.put(t.prefix() + name, quantizers.get(name));
        }
        result.sawNoData().forEach(name -> sawNoData.add(t.prefix() + name));
        calibratedNetworks += result.calibrated().isEmpty() ? 0 : 1;
      }
      if (!sawNoData.isEmpty()) {
        AgentLog.warn(sawNoData.size() + " quantizer(s) saw no data and have no amax in " + options.amax() + ": "
            + String.join(", ", sawNoData));
      }
      if (!neverRan.isEmpty()) {
        AgentLog.info("never ran, nothing collected: " + String.join(", ", neverRan));
      }
      if (amax.isEmpty()) {
        AgentLog.warn("calibrate mode: no quantizer collected any data (" + session.networks().size()
            + " DL4J network(s) initialised, " + neverRan.size() + " never ran), so " + options.amax()
            + " was not written");
        return;
      }
      new AmaxFile(calibrationNote(options), amax).write(options.amax());
      AgentLog.warn("wrote the amax of " + amax.size() + " quantizer(s) of " + calibratedNetworks
          + " network(s) to " + options.amax() + " (" + describeMethod(options) + ")");
      if (options.report() != null) {
        writeReport(options, calibratedQuantizers);
      }
    } catch (IOException | RuntimeException e) {
      AgentLog.warn("calibrate mode: " + options.amax() + " not written: " + AgentLog.describe(e));
    }
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
