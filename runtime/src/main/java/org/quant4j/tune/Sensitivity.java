package org.quant4j.tune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.internal.ProgressBars;

/**
 * Per-layer sensitivity of a network with calibrated quantizers: for every quantized layer L, the metric with
 * only L quantized and with every layer but L quantized, next to FP32 and all-quantized (the reference's
 * "disable one layer's quantizers at a time and re-evaluate", in both directions).
 *
 * <pre>{@code
 * SensitivityResult s = Sensitivity.of(net).data(testImages, 256).run();
 * System.out.println(s.table().toText());
 * }</pre>
 *
 * <p>Cost: with the default top-1 metric on a MultiLayerNetwork, every batch runs the float network and the
 * quantized network once, keeping each layer's input (within {@link Builder#cacheBudget}, 1 GiB by default,
 * counted per batch), and each layer's two runs start at that layer; beyond the budget a run starts from the
 * nearest kept input before it. A ComputationGraph, or a metric given as a function of the model, is evaluated
 * whole for each of the {@code 2 + 2 * layers} configurations. The quantizers are all enabled again afterwards,
 * whatever happens.
 */
public final class Sensitivity {

  /** The default memory budget for kept layer inputs: 1 GiB. */
  public static final long DEFAULT_CACHE_BUDGET = 1L << 30;

  private final Model model;
  private final ImageSet images;
  private final int batchSize;
  private final String metricName;
  private final Function<Model, Double> metric;
  private final long cacheBudget;
  private final boolean progress;

  private Sensitivity(Builder b) {
    this.model = b.model;
    this.images = b.images;
    this.batchSize = b.batchSize;
    this.metricName = b.metricName;
    this.metric = b.metric;
    this.cacheBudget = b.cacheBudget;
    this.progress = b.progress;
  }

  /**
   * The layers (or vertices) that have an enabled quantizer, in forward order, each with its enabled
   * quantizers' names: quantizer {@code conv1._input_quantizer} belongs to layer {@code conv1}. These are the
   * rows of a sensitivity table, on one machine or measured elsewhere (quant4j-spark).
   *
   * @param model a network whose quantizers are installed
   * @return unmodifiable lists of quantizer names by layer name, in forward order
   */
  public static Map<String, List<String>> quantizedLayers(Model model) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    Quantizers.of(model).forEach((name, q) -> {
      if (q.isEnabled()) {
        groups.computeIfAbsent(QuantizedLayer.layerOf(name), k -> new ArrayList<>()).add(name);
      }
    });
    groups.replaceAll((layer, names) -> List.copyOf(names));
    return Collections.unmodifiableMap(groups);
  }

  /**
   * A builder for the sensitivity of a network whose quantizers are calibrated (their amax loaded).
   *
   * @param model a MultiLayerNetwork or ComputationGraph built under {@code QuantModules}
   * @return the builder
   */
  public static Builder of(Model model) {
    return new Builder(model);
  }

  /**
   * Measures every layer.
   *
   * @return the figures
   * @throws IllegalArgumentException if the network has no enabled quantizer, or neither data nor a metric
   *     was given
   */
  public SensitivityResult run() {
    List<QuantizedLayer> layers = QuantizedLayer.of(model);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("the model has no enabled quantizer: build or restore it under"
          + " QuantModules.initialize() and load its amax before measuring sensitivity");
    }
    LayerSwitch layerSwitch = new LayerSwitch(model, layers);
    try {
      if (metric == null && model instanceof MultiLayerNetwork net && LayerInputCache.applies(layers)) {
        return cached(net, layers, layerSwitch);
      }
      return whole(layers, layerSwitch);
    } finally {
      layerSwitch.restore();
    }
  }

  private SensitivityResult cached(MultiLayerNetwork net, List<QuantizedLayer> layers, LayerSwitch layerSwitch) {
    LayerInputCache cache = new LayerInputCache(net, layers, layerSwitch, cacheBudget);
    ImageSetIterator batches = ImageSetIterator.inOrder(images, batchSize);
    try (ProgressBar bar = bar("sensitivity", batches.batchesPerEpoch())) {
      while (batches.hasNext()) {
        cache.add(batches.next());
        step(bar);
      }
    }
    double n = images.size();
    List<LayerSensitivity> out = new ArrayList<>();
    for (int j = 0; j < layers.size(); j++) {
      out.add(new LayerSensitivity(layers.get(j).name(), cache.onlyThis(j) / n, cache.allButThis(j) / n));
    }
    return new SensitivityResult(Top1.NAME, cache.fp32() / n, cache.allQuantized() / n, out);
  }

  private SensitivityResult whole(List<QuantizedLayer> layers, LayerSwitch layerSwitch) {
    Function<Model, Double> m = metric != null ? metric : net -> Top1.of(net, images, batchSize);
    try (ProgressBar bar = bar("sensitivity", 2 + 2L * layers.size())) {
      layerSwitch.set(l -> false);
      double fp32 = evaluate(m, bar);
      layerSwitch.set(l -> true);
      double all = evaluate(m, bar);
      List<LayerSensitivity> out = new ArrayList<>();
      for (QuantizedLayer layer : layers) {
        layerSwitch.set(l -> l == layer);
        double only = evaluate(m, bar);
        layerSwitch.set(l -> l != layer);
        out.add(new LayerSensitivity(layer.name(), only, evaluate(m, bar)));
      }
      return new SensitivityResult(metricName, fp32, all, out);
    }
  }

  private double evaluate(Function<Model, Double> m, ProgressBar bar) {
    Double v = m.apply(model);
    if (v == null || !Double.isFinite(v)) {
      throw new IllegalArgumentException("metric " + metricName + " returned " + v + ", expected a finite number");
    }
    step(bar);
    return v;
  }

  private ProgressBar bar(String task, long steps) {
    return progress ? ProgressBars.builder(task, steps).build() : null;
  }

  private static void step(ProgressBar bar) {
    if (bar != null) {
      bar.step();
    }
  }

  /** Sets up a {@link Sensitivity}. */
  public static final class Builder {
    private final Model model;
    private ImageSet images;
    private int batchSize = 256;
    private String metricName = Top1.NAME;
    private Function<Model, Double> metric;
    private long cacheBudget = DEFAULT_CACHE_BUDGET;
    private boolean progress;

    private Builder(Model model) {
      if (model == null) {
        throw new IllegalArgumentException("model must not be null");
      }
      this.model = model;
    }

    /**
     * The labelled images top-1 is measured on.
     *
     * @param images labelled images
     * @param batchSize images per forward pass, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the images have no labels or batchSize is below 1
     */
    public Builder data(ImageSet images, int batchSize) {
      Top1.requireLabelled(images, batchSize);
      this.images = images;
      this.batchSize = batchSize;
      return this;
    }

    /**
     * A metric of the whole model instead of top-1 (a loss negated, a custom evaluation); higher is better.
     * Each configuration is then evaluated whole.
     *
     * @param name its name in tables and JSON
     * @param metric the metric, called with the network as it is switched
     * @return this builder
     */
    public Builder metric(String name, Function<Model, Double> metric) {
      if (name == null || name.isBlank() || metric == null) {
        throw new IllegalArgumentException("a metric needs a name and a function, got " + name + " and " + metric);
      }
      this.metricName = name;
      this.metric = metric;
      return this;
    }

    /**
     * The memory the kept layer inputs of one batch may take.
     *
     * @param bytes the budget, at least 0 (0 keeps nothing: every run starts at the first layer)
     * @return this builder
     */
    public Builder cacheBudget(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("cache budget must be at least 0 bytes, got " + bytes);
      }
      this.cacheBudget = bytes;
      return this;
    }

    /**
     * Whether a progress bar goes to standard error.
     *
     * @param show true to show one
     * @return this builder
     */
    public Builder progress(boolean show) {
      this.progress = show;
      return this;
    }

    /**
     * The measurement.
     *
     * @return the sensitivity, ready to {@link Sensitivity#run()}
     * @throws IllegalArgumentException if neither data nor a metric was given
     */
    public Sensitivity build() {
      if (images == null && metric == null) {
        throw new IllegalArgumentException("give labelled data (top-1) or a metric");
      }
      return new Sensitivity(this);
    }

    /**
     * Builds and runs the measurement.
     *
     * @return the figures
     */
    public SensitivityResult run() {
      return build().run();
    }
  }
}
