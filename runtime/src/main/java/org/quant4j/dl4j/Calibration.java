package org.quant4j.dl4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.calib.HistogramCalibrator;
import org.quant4j.calib.HistogramGrid;
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
 *
 * <p><b>Histogram grids.</b> {@link #collectStats(Model, DataSetIterator, int)} bins as the reference does
 * ({@link HistogramGrid#GROWING}); {@link #collectStats(Model, DataSetIterator, int, HistogramGrid)} with
 * {@link HistogramGrid#FIXED} runs two passes ({@link #collectRanges}, {@link #fixHistogramGrids}, then
 * the histogram pass), whose histograms do not depend on how the data is split or ordered: the mode that
 * calibrates parts apart (threads, Spark partitions) and merges them exactly.
 *
 * <p><b>Threads.</b> One network calibrates in one thread at a time: a {@link #collectStats} call on a
 * network that another thread is calibrating is refused with an {@link IllegalStateException} before
 * it changes anything (the quantizers' calibrate/quantize modes are per network, so two interleaved
 * passes would switch them under each other). To calibrate in parallel, give each thread its own copy
 * of the network and {@linkplain org.quant4j.calib.Calibrator#merge merge} their calibrators; calls on
 * different networks run concurrently.
 *
 * <p><b>Non-finite data.</b> A batch whose features hold NaN or infinite values is refused with an
 * {@link IllegalArgumentException} naming the quantizer that would have calibrated on them and how
 * many there are; the calibrators keep what the batches before it gave them. The calibrators
 * themselves are not changed: they follow the reference's numerics, NaN included.
 */
public final class Calibration {

  private static final Logger LOG = LoggerFactory.getLogger(Calibration.class);

  /** The networks a {@link #collectStats} call is running on, by identity. */
  private static final Set<Model> CALIBRATING = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

  /** The reference's default percentile. */
  public static final double DEFAULT_PERCENTILE = 99.99;

  private Calibration() {}

  /**
   * Runs up to {@code numBatches} batches of {@code data} through the network in inference mode, so
   * that the quantizers' calibrators collect statistics, with a progress bar once the pass has run for
   * a second (a shorter pass shows none: the bar's set-up would cost more than the pass). The iterator is
   * reset first when it supports it. Quantizers that are disabled at the start are left alone.
   * Every batch's features are checked for NaN and infinite values before the network sees them.
   *
   * @param model a MultiLayerNetwork or ComputationGraph (single input) with quantizers
   * @param data the calibration data
   * @param numBatches the number of batches to use, at least 1
   * @return the number of batches used
   * @throws IllegalArgumentException if an argument is null, numBatches {@literal <} 1, the model has no
   *     quantizers, or a batch holds non-finite features (the message names the quantizer and the count)
   * @throws IllegalStateException if another thread is running {@code collectStats} on the same model
   */
  public static int collectStats(Model model, DataSetIterator data, int numBatches) {
    return pass(model, data, numBatches, q -> true);
  }

  /**
   * {@link #collectStats(Model, DataSetIterator, int)} with a choice of histogram grid. With
   * {@link HistogramGrid#FIXED} the data is read twice (the iterator must support reset when there is
   * a histogram calibrator): {@link #collectRanges} finds each histogram's largest {@code |x|},
   * {@link #fixHistogramGrids} fixes the grids (forgetting what those histograms had collected) and a
   * second pass collects every calibrator. With {@link HistogramGrid#GROWING} it is the one-argument
   * method.
   *
   * @param model a MultiLayerNetwork or ComputationGraph (single input) with quantizers
   * @param data the calibration data
   * @param numBatches the number of batches to use, at least 1
   * @param grid how histogram calibrators lay out their bins
   * @return the number of batches used (of the last pass)
   * @throws IllegalArgumentException as the one-argument method, or if grid is null or FIXED with an
   *     iterator that cannot be reset
   * @throws IllegalStateException if another thread is running {@code collectStats} on the same model
   */
  public static int collectStats(Model model, DataSetIterator data, int numBatches, HistogramGrid grid) {
    if (grid == null) {
      throw new IllegalArgumentException("grid must be GROWING or FIXED, got null");
    }
    if (grid == HistogramGrid.FIXED) {
      if (data != null && !data.resetSupported() && !histogramCalibrators(model).isEmpty()) {
        throw new IllegalArgumentException("the fixed histogram grid reads the data twice, but "
            + data.getClass().getSimpleName() + " cannot be reset");
      }
      fixHistogramGrids(model, collectRanges(model, data, numBatches));
    }
    return collectStats(model, data, numBatches);
  }

  /**
   * The first pass of {@link HistogramGrid#FIXED}: runs up to {@code numBatches} batches through the
   * network with only its (enabled) histogram calibrators collecting, each only the largest
   * {@code |x|} it sees ({@link HistogramCalibrator#measureRange()}). Without histogram calibrators it
   * reads nothing.
   *
   * @param model a MultiLayerNetwork or ComputationGraph (single input) with quantizers
   * @param data the calibration data
   * @param numBatches the number of batches to use, at least 1
   * @return per histogram quantizer that saw data, its largest {@code |x|}, in forward order
   * @throws IllegalArgumentException as {@link #collectStats(Model, DataSetIterator, int)}
   * @throws IllegalStateException if another thread is running {@code collectStats} on the same model
   */
  public static Map<String, Float> collectRanges(Model model, DataSetIterator data, int numBatches) {
    Map<String, HistogramCalibrator> histograms = histogramCalibrators(model);
    Map<String, Float> ranges = new LinkedHashMap<>();
    if (histograms.isEmpty()) {
      return ranges;
    }
    histograms.values().forEach(HistogramCalibrator::measureRange);
    pass(model, data, numBatches, q -> q.calibrator() instanceof HistogramCalibrator);
    histograms.forEach((name, h) -> {
      if (h.rangeMax() >= 0) {
        ranges.put(name, h.rangeMax());
      }
    });
    return ranges;
  }

  /**
   * Fixes the grid of every enabled histogram calibrator to {@code [0, range]}
   * ({@link HistogramCalibrator#fixGrid(float)}), forgetting what it had collected; one without a range
   * (it saw no data) is reset and stays without data.
   *
   * @param model a MultiLayerNetwork or ComputationGraph with quantizers
   * @param ranges per quantizer name, the largest {@code |x|} of all the data (e.g. the maximum of
   *     {@link #collectRanges} over every part)
   * @throws IllegalArgumentException if a name is not an enabled histogram quantizer of the model, or a
   *     range is negative or not finite
   */
  public static void fixHistogramGrids(Model model, Map<String, Float> ranges) {
    if (ranges == null) {
      throw new IllegalArgumentException("ranges must not be null");
    }
    Map<String, HistogramCalibrator> histograms = histogramCalibrators(model);
    for (String name : ranges.keySet()) {
      if (!histograms.containsKey(name)) {
        throw new IllegalArgumentException("ranges names " + name + ", which is not an enabled histogram "
            + "quantizer of the model; expected one of " + histograms.keySet());
      }
    }
    histograms.forEach((name, h) -> {
      Float range = ranges.get(name);
      if (range == null) {
        h.reset();
      } else {
        h.fixGrid(range);
      }
    });
  }

  /** The enabled quantizers' histogram calibrators by quantizer name, in forward order. */
  private static Map<String, HistogramCalibrator> histogramCalibrators(Model model) {
    Map<String, HistogramCalibrator> out = new LinkedHashMap<>();
    requireQuantizers(model).forEach((name, q) -> {
      if (q.isEnabled() && q.calibrator() instanceof HistogramCalibrator h) {
        out.put(name, h);
      }
    });
    return out;
  }

  /** One pass over the data with the enabled quantizers that have a calibrator and pass the filter collecting. */
  private static int pass(Model model, DataSetIterator data, int numBatches, Predicate<TensorQuantizer> collects) {
    if (data == null) {
      throw new IllegalArgumentException("data must not be null");
    }
    if (numBatches < 1) {
      throw new IllegalArgumentException("numBatches must be at least 1, got " + numBatches);
    }
    Map<String, TensorQuantizer> quantizers = requireQuantizers(model);
    if (!CALIBRATING.add(model)) {
      throw new IllegalStateException("Calibration.collectStats is already running on this network in another"
          + " thread; calibrate one network in one thread at a time, or give each thread its own copy and"
          + " merge their calibrators");
    }
    try {
      return collect(quantizers, model, data, numBatches, collects);
    } finally {
      CALIBRATING.remove(model);
    }
  }

  private static int collect(Map<String, TensorQuantizer> quantizers, Model model, DataSetIterator data,
      int numBatches, Predicate<TensorQuantizer> collects) {
    Map<TensorQuantizer, Boolean> calibrating = new LinkedHashMap<>();
    String firstCalibrating = null;
    for (Map.Entry<String, TensorQuantizer> e : quantizers.entrySet()) {
      TensorQuantizer q = e.getValue();
      if (!q.isEnabled()) {
        continue;
      }
      boolean hasCalibrator = q.calibrator() != null && collects.test(q);
      calibrating.put(q, hasCalibrator);
      if (hasCalibrator) {
        if (firstCalibrating == null && seesActivations(e.getKey())) {
          firstCalibrating = e.getKey();
        }
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
          INDArray features = data.next().getFeatures();
          if (firstCalibrating != null) {
            requireFinite(features, used, firstCalibrating);
          }
          forward(model, features);
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

  /** Whether a quantizer quantizes activations (a layer input or a residual), not a weight. */
  private static boolean seesActivations(String quantizerName) {
    return quantizerName.endsWith("." + QuantRole.INPUT.suffix()) || quantizerName.endsWith("." + QuantRole.RESIDUAL.suffix());
  }

  /** Refuses a batch whose features hold NaN or infinite values, naming the quantizer they would reach. */
  private static void requireFinite(INDArray features, int batchIndex, String quantizer) {
    long nonFinite = Nd4j.getExecutioner().exec(new MatchCondition(features, Conditions.notFinite())).getLong(0);
    if (nonFinite > 0) {
      throw new IllegalArgumentException("calibration data batch " + (batchIndex + 1) + " holds " + nonFinite
          + " non-finite value(s) (NaN or infinite) of " + features.length() + ", which quantizer " + quantizer
          + " would calibrate on; remove or fix those samples");
    }
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
      List<QuantCoverage.Unquantized> outside = QuantCoverage.of(model).unquantized();
      throw new IllegalArgumentException(outside.isEmpty() || !QuantModules.isActive()
          ? "model has no quantizers; call QuantModules.initialize() before building and init()-ing it"
          : "model has no quantizers: none of its layers is in quant4j's layer map ("
              + outside.stream().map(u -> u.name() + " (" + u.simpleClassName() + ")").limit(5)
                  .collect(java.util.stream.Collectors.joining(", "))
              + (outside.size() > 5 ? ", ..." : "") + ")");
    }
    return q;
  }
}
