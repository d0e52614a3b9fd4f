package org.quant4j.tune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantSpec;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.internal.ProgressBars;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.report.AmaxChoice;

/**
 * Automatic mixed precision: a format per layer, from candidate formats, that meets a budget (a maximum metric
 * drop against FP32, a maximum of effective bits, or both) at low cost, in the manner of NVIDIA Model Optimizer's
 * {@code auto_quantize}.
 *
 * <pre>{@code
 * SearchResult r = MixedPrecisionSearch.of(fp32Net)
 *     .formats(List.of(Format.W4A4, Format.W4A8, Format.W8A8, Format.FLOAT))
 *     .calibration(trainImages, 256, 4, AmaxChoice.parse("percentile:99.99"))
 *     .data(testImages, 256).maxDrop(0.005).run();
 * Files.writeString(Path.of("config.yaml"), r.config().toYaml());
 * }</pre>
 *
 * <p>The search: (1) every non-float format is calibrated once, with every layer in it, on the calibration
 * images; (2) the sensitivity of every layer is measured with every layer at the cheapest format; (3) every layer
 * starts at the most expensive candidate; (4) in rounds, least harmful layer first, each layer is lowered by one
 * format, each step verified by one whole evaluation of a network built from the step's configuration and backed
 * off when the budget breaks (that layer then keeps its format); rounds go on until no layer can be lowered.
 * Lowering every layer one format before any layer two spends the budget where it buys the most bits. With only
 * a bits budget, lowering stops as soon as the bits fit. The result's configuration carries every activation amax (and every per-tensor weight
 * amax), so that {@code QuantModules.initialize(config)} builds the same network in another JVM; per-channel
 * weights are quantized with the max of each channel, which is their max calibration.
 */
public final class MixedPrecisionSearch {

  private final Builder b;

  private MixedPrecisionSearch(Builder b) {
    this.b = b;
  }

  /**
   * A builder for the search over a network.
   *
   * @param template the float network (a MultiLayerNetwork or ComputationGraph); copies of it are built under
   *     each configuration, it is not changed
   * @return the builder
   */
  public static Builder of(Model template) {
    return new Builder(template);
  }

  /**
   * Runs the search.
   *
   * @return the assignment found, met or not
   * @throws IllegalArgumentException if the base configuration quantizes nothing in the network
   */
  public SearchResult run() {
    Model base = Networks.build(b.template, b.base);
    List<QuantizedLayer> layers = QuantizedLayer.of(base);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("the base configuration quantizes no layer of the model; nothing to search");
    }
    new LayerSwitch(base, layers).set(l -> false);
    List<LayerCost> costs = Networks.costs(base, layers, b.data);
    double fp32 = Top1.of(base, b.data, b.batchSize);
    List<Format> byCost = new ArrayList<>(b.formats);
    byCost.sort(Comparator.comparingDouble((Format f) -> total(costs, f)).reversed());
    Map<String, Map<String, Float>> amax = new HashMap<>();
    for (Format f : byCost) {
      if (f != Format.FLOAT && (f.weight() != null || f.input() != null)) {
        amax.put(f.name(), calibrate(layers, f));
      }
    }
    Format cheapest = byCost.get(byCost.size() - 1);
    Map<String, Format> all = uniform(layers, cheapest);
    SensitivityResult sensitivity = Sensitivity.of(Networks.build(b.template, config(layers, all, amax)))
        .data(b.data, b.batchSize).cacheBudget(b.cacheBudget).progress(b.progress).run();
    List<String> order = new ArrayList<>();
    sensitivity.byHarm().forEach(l -> order.add(0, l.layer()));

    Map<String, Format> current = uniform(layers, byCost.get(0));
    int evaluations = 0;
    long maxSteps = 1 + (long) layers.size() * byCost.size();
    try (ProgressBar bar = b.progress ? ProgressBars.builder("mixed precision", maxSteps).build() : null) {
      double metric = evaluate(layers, current, amax);
      evaluations++;
      step(bar);
      boolean dropOk = dropOk(fp32, metric);
      Set<String> settled = new HashSet<>();
      boolean lowered = dropOk;
      while (lowered && !(b.maxDrop == null && bitsOk(costs, current))) {
        lowered = false;
        for (String layer : order) {
          int k = byCost.indexOf(current.get(layer)) + 1;
          if (settled.contains(layer) || k >= byCost.size()) {
            continue;
          }
          Map<String, Format> next = new LinkedHashMap<>(current);
          next.put(layer, byCost.get(k));
          double m = evaluate(layers, next, amax);
          evaluations++;
          step(bar);
          if (!dropOk(fp32, m)) {
            settled.add(layer);
            continue;
          }
          current = next;
          metric = m;
          lowered = true;
          if (b.maxDrop == null && bitsOk(costs, current)) {
            break;
          }
        }
      }
      boolean met = dropOk && bitsOk(costs, current);
      return new SearchResult(current, config(layers, current, amax), Top1.NAME, fp32, metric,
          effectiveBits(costs, current), cost(costs, current), met, budgetText(), evaluations, sensitivity);
    }
  }

  /** Calibrates a copy with every layer in one format; returns each quantizer's amax when it is one value. */
  private Map<String, Float> calibrate(List<QuantizedLayer> layers, Format f) {
    QuantConfig.Builder c = b.base.toBuilder();
    String inputCalib = b.method.method() == AmaxMethod.MAX ? "max" : "histogram";
    for (QuantizedLayer l : layers) {
      for (String q : l.quantizers()) {
        QuantSpec spec = spec(f, q);
        if (spec == null) {
          c.override(q, QuantSpec.enable(false));
        } else if (QuantizedLayer.roleOf(q).isWeight()) {
          c.override(q, spec.overlay(QuantSpec.builder().calibMethod("max").enable(true).build()));
        } else {
          c.override(q, spec.overlay(QuantSpec.builder().calibMethod(inputCalib).enable(true).build()));
        }
      }
    }
    Model net = Networks.build(b.template, c.build());
    ImageSetIterator calib = ImageSetIterator.inOrder(b.calib, b.calibBatchSize);
    int batches = b.calibBatches > 0 ? b.calibBatches : calib.batchesPerEpoch();
    Calibration.collectStats(net, calib, batches);
    Calibration.computeAmax(net, b.method.method(),
        b.method.method() == AmaxMethod.PERCENTILE ? b.method.percentile() : Calibration.DEFAULT_PERCENTILE);
    Map<String, Float> out = new HashMap<>();
    for (Map.Entry<String, TensorQuantizer> q : Quantizers.of(net).entrySet()) {
      INDArray a = q.getValue().amax();
      if (q.getValue().isEnabled() && a != null && a.length() == 1) {
        float v = a.getFloat(0);
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("quantizer " + q.getKey() + " calibrated to amax " + v + " in format "
              + f.name() + ": the calibration data or the weights are not finite");
        }
        out.put(q.getKey(), v);
      }
    }
    return out;
  }

  /** The configuration of an assignment: the base, plus every quantizer's format and calibrated amax. */
  private QuantConfig config(List<QuantizedLayer> layers, Map<String, Format> assignment,
      Map<String, Map<String, Float>> amax) {
    QuantConfig.Builder c = b.base.toBuilder();
    for (QuantizedLayer l : layers) {
      Format f = assignment.get(l.name());
      for (String q : l.quantizers()) {
        QuantSpec spec = spec(f, q);
        if (spec == null) {
          c.override(q, QuantSpec.enable(false));
          continue;
        }
        QuantSpec.Builder fixed = QuantSpec.builder().enable(true);
        Float a = amax.get(f.name()).get(q);
        if (a != null) {
          fixed.amax(a);
        }
        c.override(q, spec.overlay(fixed.build()));
      }
    }
    return c.build();
  }

  private double evaluate(List<QuantizedLayer> layers, Map<String, Format> assignment,
      Map<String, Map<String, Float>> amax) {
    return Top1.of(Networks.build(b.template, config(layers, assignment, amax)), b.data, b.batchSize);
  }

  private static QuantSpec spec(Format f, String quantizer) {
    return QuantizedLayer.roleOf(quantizer).isWeight() ? f.weight() : f.input();
  }

  private static Map<String, Format> uniform(List<QuantizedLayer> layers, Format f) {
    Map<String, Format> m = new LinkedHashMap<>();
    layers.forEach(l -> m.put(l.name(), f));
    return m;
  }

  private boolean dropOk(double fp32, double metric) {
    return b.maxDrop == null || fp32 - metric <= b.maxDrop + 1e-12;
  }

  private boolean bitsOk(List<LayerCost> costs, Map<String, Format> assignment) {
    return b.maxBits == null || effectiveBits(costs, assignment) <= b.maxBits + 1e-12;
  }

  private double total(List<LayerCost> costs, Format f) {
    return costs.stream().mapToDouble(c -> b.cost.cost(c, f)).sum();
  }

  private double cost(List<LayerCost> costs, Map<String, Format> assignment) {
    return costs.stream().mapToDouble(c -> b.cost.cost(c, assignment.get(c.layer()))).sum();
  }

  /**
   * Bits per element of an assignment: effective bits over all weight and activation elements.
   *
   * @param costs the layers' elements
   * @param assignment a format per layer
   * @return the weighted mean bit width
   */
  static double effectiveBits(List<LayerCost> costs, Map<String, Format> assignment) {
    double bits = 0;
    double elements = 0;
    for (LayerCost c : costs) {
      bits += CostModel.EFFECTIVE_BITS.cost(c, assignment.get(c.layer()));
      elements += c.weightElements() + c.activationElements();
    }
    return elements == 0 ? 0 : bits / elements;
  }

  private String budgetText() {
    List<String> parts = new ArrayList<>();
    if (b.maxDrop != null) {
      parts.add(String.format(Locale.ROOT, "at most %.2f points below FP32", 100 * b.maxDrop));
    }
    if (b.maxBits != null) {
      parts.add(String.format(Locale.ROOT, "at most %.4g effective bits", b.maxBits));
    }
    return String.join(" and ", parts);
  }

  private static void step(ProgressBar bar) {
    if (bar != null) {
      bar.step();
    }
  }

  /** Sets up a {@link MixedPrecisionSearch}. */
  public static final class Builder {
    private final Model template;
    private QuantConfig base = QuantConfig.DEFAULT;
    private List<Format> formats = List.of(Format.W4A4, Format.W4A8, Format.W8A8, Format.FLOAT);
    private ImageSet calib;
    private int calibBatchSize = 256;
    private int calibBatches;
    private AmaxChoice method = new AmaxChoice(AmaxMethod.PERCENTILE, Calibration.DEFAULT_PERCENTILE);
    private ImageSet data;
    private int batchSize = 256;
    private Double maxDrop;
    private Double maxBits;
    private CostModel cost = CostModel.EFFECTIVE_BITS;
    private long cacheBudget = Sensitivity.DEFAULT_CACHE_BUDGET;
    private boolean progress;

    private Builder(Model template) {
      if (template == null) {
        throw new IllegalArgumentException("model must not be null");
      }
      this.template = template;
    }

    /**
     * The configuration every candidate is laid over: which quantizers exist, and their settings where a
     * format sets nothing. Default: {@link QuantConfig#DEFAULT}.
     *
     * @param config the base configuration
     * @return this builder
     */
    public Builder base(QuantConfig config) {
      if (config == null) {
        throw new IllegalArgumentException("base config must not be null");
      }
      this.base = config;
      return this;
    }

    /**
     * The candidate formats, the same for every layer. Default: w4a4, w4a8, w8a8, float.
     *
     * @param candidates at least one format, names distinct
     * @return this builder
     */
    public Builder formats(List<Format> candidates) {
      if (candidates == null || candidates.isEmpty()) {
        throw new IllegalArgumentException("give at least one candidate format");
      }
      if (candidates.stream().map(Format::name).distinct().count() != candidates.size()) {
        throw new IllegalArgumentException("candidate format names must be distinct, got " + candidates);
      }
      this.formats = List.copyOf(candidates);
      return this;
    }

    /**
     * The calibration: images, batching and how histogram calibrators pick amax.
     *
     * @param images the calibration images (labels not needed)
     * @param batchSize images per batch, at least 1
     * @param batches batches to use, 0 for all of them
     * @param method max, percentile, MSE or entropy
     * @return this builder
     */
    public Builder calibration(ImageSet images, int batchSize, int batches, AmaxChoice method) {
      if (images == null || images.size() == 0 || batchSize < 1 || batches < 0 || method == null) {
        throw new IllegalArgumentException("calibration needs images, a batch size of at least 1, 0 or more batches"
            + " and a method, got " + images + ", " + batchSize + ", " + batches + ", " + method);
      }
      this.calib = images;
      this.calibBatchSize = batchSize;
      this.calibBatches = batches;
      this.method = method;
      return this;
    }

    /**
     * The labelled images top-1 is measured on.
     *
     * @param images labelled images
     * @param batchSize images per forward pass
     * @return this builder
     */
    public Builder data(ImageSet images, int batchSize) {
      Top1.requireLabelled(images, batchSize);
      this.data = images;
      this.batchSize = batchSize;
      return this;
    }

    /**
     * The largest drop below FP32 the assignment may have, in top-1 as a fraction (0.005 is half a point).
     *
     * @param drop at least 0
     * @return this builder
     */
    public Builder maxDrop(double drop) {
      if (!(drop >= 0) || !Double.isFinite(drop)) {
        throw new IllegalArgumentException("max drop must be a finite number >= 0, got " + drop);
      }
      this.maxDrop = drop;
      return this;
    }

    /**
     * The most effective bits per element the assignment may have.
     *
     * @param bits more than 0
     * @return this builder
     */
    public Builder maxEffectiveBits(double bits) {
      if (!(bits > 0) || !Double.isFinite(bits)) {
        throw new IllegalArgumentException("max effective bits must be a finite number > 0, got " + bits);
      }
      this.maxBits = bits;
      return this;
    }

    /**
     * The cost lowered. Default: {@link CostModel#EFFECTIVE_BITS}.
     *
     * @param model the cost model
     * @return this builder
     */
    public Builder cost(CostModel model) {
      if (model == null) {
        throw new IllegalArgumentException("cost model must not be null");
      }
      this.cost = model;
      return this;
    }

    /**
     * The memory budget of the sensitivity pass ({@link Sensitivity.Builder#cacheBudget}).
     *
     * @param bytes at least 0
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
     * Whether progress bars go to standard error.
     *
     * @param show true to show them
     * @return this builder
     */
    public Builder progress(boolean show) {
      this.progress = show;
      return this;
    }

    /**
     * The search.
     *
     * @return the search, ready to {@link MixedPrecisionSearch#run()}
     * @throws IllegalArgumentException if data, calibration or a budget is missing
     */
    public MixedPrecisionSearch build() {
      if (data == null) {
        throw new IllegalArgumentException("give labelled evaluation data");
      }
      if (calib == null && formats.stream().anyMatch(f -> f != Format.FLOAT)) {
        throw new IllegalArgumentException("give calibration images");
      }
      if (maxDrop == null && maxBits == null) {
        throw new IllegalArgumentException("give a budget: a max drop, max effective bits, or both");
      }
      return new MixedPrecisionSearch(this);
    }

    /**
     * Builds and runs the search.
     *
     * @return the result
     */
    public SearchResult run() {
      return build().run();
    }
  }
}
