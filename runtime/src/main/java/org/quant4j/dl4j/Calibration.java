package org.quant4j.dl4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.calib.MaxCalibrator;
import org.quant4j.nn.TensorQuantizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Post-training calibration of a DL4J network, following the reference's documented recipe
 * ({@code collect_stats} / {@code compute_amax} in pytorch-quantization's tutorials): during the
 * pass, every enabled quantizer with a calibrator collects and does not quantize, the others are
 * disabled; afterwards the calibrating ones quantize again and the others are restored. Then each
 * calibrator's amax is loaded into its quantizer: {@code MaxCalibrator}s take no arguments, histogram
 * calibrators take the method (and percentile).
 */
public final class Calibration {

  private static final Logger LOG = LoggerFactory.getLogger(Calibration.class);

  /** The reference's default percentile. */
  public static final double DEFAULT_PERCENTILE = 99.99;

  private Calibration() {}

  /**
   * Runs up to {@code numBatches} batches of {@code data} through the network in inference mode, so
   * that the quantizers' calibrators collect statistics, with a progress bar once the pass has run for
   * a second (a shorter pass shows none: the bar's set-up would cost more than the pass). The iterator is
   * reset first when it supports it. Quantizers that are disabled at the start are left alone.
   *
   * @param model a MultiLayerNetwork or ComputationGraph (single input) with quantizers
   * @param data the calibration data
   * @param numBatches the number of batches to use, at least 1
   * @return the number of batches used
   * @throws IllegalArgumentException if an argument is null, numBatches < 1, or the model has no
   *     quantizers
   */
  public static int collectStats(Model model, DataSetIterator data, int numBatches) {
    if (data == null) {
      throw new IllegalArgumentException("data must not be null");
    }
    if (numBatches < 1) {
      throw new IllegalArgumentException("numBatches must be at least 1, got " + numBatches);
    }
    Map<String, TensorQuantizer> quantizers = requireQuantizers(model);
    Map<TensorQuantizer, Boolean> calibrating = new LinkedHashMap<>();
    for (TensorQuantizer q : quantizers.values()) {
      if (!q.isEnabled()) {
        continue;
      }
      boolean hasCalibrator = q.calibrator() != null;
      calibrating.put(q, hasCalibrator);
      if (hasCalibrator) {
        q.disableQuant();
        q.enableCalib();
      } else {
        q.disable();
      }
    }
    int used = 0;
    try {
      if (data.resetSupported()) {
        data.reset();
      }
      try (CalibrationProgress progress = new CalibrationProgress(numBatches, System::nanoTime)) {
        while (used < numBatches && data.hasNext()) {
          forward(model, data.next().getFeatures());
          used++;
          progress.step();
        }
      }
    } finally {
      calibrating.forEach((q, hasCalibrator) -> {
        if (hasCalibrator) {
          q.enableQuant();
          q.disableCalib();
        } else {
          q.enable();
        }
      });
    }
    return used;
  }

  private static void forward(Model model, INDArray features) {
    if (model instanceof MultiLayerNetwork net) {
      net.output(features, false);
    } else {
      ((ComputationGraph) model).output(false, features);
    }
  }

  /**
   * Loads every calibrated amax with the method, using the reference's default percentile
   * {@value #DEFAULT_PERCENTILE} for {@link AmaxMethod#PERCENTILE}.
   *
   * @param model the network
   * @param method the method for histogram calibrators (MaxCalibrators always use max)
   * @return which quantizers were calibrated and which saw no data
   */
  public static CalibrationResult computeAmax(Model model, AmaxMethod method) {
    return computeAmax(model, method, DEFAULT_PERCENTILE);
  }

  /**
   * Loads every calibrated amax: {@code load_calib_amax()} for MaxCalibrators,
   * {@code load_calib_amax(method, percentile)} for the others. Quantizers whose calibrator saw no
   * data keep their amax; they are returned and logged by name.
   *
   * @param model the network
   * @param method the method for histogram calibrators
   * @param percentile the percentile, for {@link AmaxMethod#PERCENTILE} only
   * @return which quantizers were calibrated and which saw no data
   * @throws IllegalArgumentException if the model has no quantizers or method is null
   */
  public static CalibrationResult computeAmax(Model model, AmaxMethod method, double percentile) {
    if (method == null) {
      throw new IllegalArgumentException("method must not be null");
    }
    List<String> calibrated = new ArrayList<>();
    List<String> noData = new ArrayList<>();
    for (Map.Entry<String, TensorQuantizer> e : requireQuantizers(model).entrySet()) {
      TensorQuantizer q = e.getValue();
      if (q.calibrator() == null || !q.isEnabled()) {
        continue;
      }
      if (!q.calibrator().hasData()) {
        noData.add(e.getKey());
        continue;
      }
      if (q.calibrator() instanceof MaxCalibrator) {
        q.loadCalibAmax();
      } else {
        q.loadCalibAmax(method, percentile);
      }
      calibrated.add(e.getKey());
    }
    if (!noData.isEmpty()) {
      LOG.warn("quant4j: {} quantizer(s) saw no calibration data and keep their amax: {}", noData.size(),
          String.join(", ", noData));
    }
    return new CalibrationResult(calibrated, noData);
  }

  private static Map<String, TensorQuantizer> requireQuantizers(Model model) {
    if (!(model instanceof MultiLayerNetwork) && !(model instanceof ComputationGraph)) {
      throw new IllegalArgumentException("model must be a MultiLayerNetwork or ComputationGraph, got "
          + (model == null ? "null" : model.getClass().getName()));
    }
    Map<String, TensorQuantizer> q = Quantizers.of(model);
    if (q.isEmpty()) {
      throw new IllegalArgumentException(
          "model has no quantizers; call QuantModules.initialize() before building and init()-ing it");
    }
    return q;
  }
}
