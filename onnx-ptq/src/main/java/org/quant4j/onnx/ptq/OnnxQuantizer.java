package org.quant4j.onnx.ptq;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.calib.MaxCalibrator;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantRole;
import org.quant4j.dl4j.QuantSpec;
import org.quant4j.internal.AtomicFiles;
import org.quant4j.internal.ProgressBars;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.onnx.QdqParams;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.QuantFormat;

/**
 * Post-training quantization of an FP32 ONNX model, without Python and without DL4J: FP32 ONNX in,
 * calibrated QDQ ONNX out, ready for ONNX Runtime or TensorRT.
 *
 * <pre>{@code
 * QuantizationReport report = OnnxQuantizer.builder()
 *     .model(Path.of("model_fp32.onnx"))
 *     .calibrationData(batches)              // Iterable<Map<String, float[] or INDArray>>
 *     .method(AmaxMethod.ENTROPY)
 *     .build()
 *     .quantize(Path.of("model_qdq.onnx"));
 * }</pre>
 *
 * <p>Three steps. The graph pass ({@link GraphPlan}) places a QuantizeLinear/DequantizeLinear pair on
 * the activation input (per tensor) and the weight (per output channel: Conv axis 0, ConvTranspose
 * axis 1, Gemm by {@code transB}, MatMul the last axis) of every Conv, ConvTranspose, Gemm and MatMul
 * whose weight is an initializer, and, when the configuration's {@code residual} flag is set (as for
 * the DL4J export), on both inputs of every Add of two activations. Calibration runs the FP32 model in
 * ONNX Runtime with every quantized activation added as a graph output and feeds quant4j's own
 * calibrators ({@code MaxCalibrator}, {@code HistogramCalibrator}: the classes and numerics of the DL4J
 * path) batch by batch, so memory stays flat in the number of batches; weights' amax comes from the
 * initializers. Then the QDQ model is written atomically.
 *
 * <p>Which quantizer gets which descriptor is decided as for a DL4J network, by a {@link QuantConfig}
 * ({@link QuantConfig#resolve}: role defaults, name overrides, {@code enable: false}). The defaults
 * are the reference's PTQ recipe: inputs 8-bit per tensor with a histogram calibrator ({@code max}
 * calibrator when the method is {@link AmaxMethod#MAX}), weights 8-bit per output channel with a max
 * calibrator. {@link Builder#input} and {@link Builder#weight} replace the role defaults (their
 * {@code calibMethod} picks the calibrator; a weight descriptor with any axis means per output
 * channel, on the node's own channel axis), and a configuration's overrides apply on top.
 *
 * <p>Instances are immutable and can quantize more than once; each call calibrates afresh.
 */
public final class OnnxQuantizer {

  private final Path modelPath;
  private final OnnxModel model;
  private final Iterable<? extends Map<String, ?>> data;
  private final QuantConfig config;
  private final GraphPlan plan;
  private final AmaxMethod method;
  private final double percentile;
  private final int maxBatches;
  private final boolean progress;

  private OnnxQuantizer(Builder b, OnnxModel model, QuantConfig config, GraphPlan plan) {
    this.modelPath = b.model;
    this.model = model;
    this.data = b.data;
    this.config = config;
    this.plan = plan;
    this.method = b.method;
    this.percentile = b.percentile;
    this.maxBatches = b.maxBatches;
    this.progress = b.progress;
  }

  /**
   * A builder with the reference's PTQ defaults: max method, no batch limit, no progress bar.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The quantizers the graph pass places (before the configuration disables any); nothing is run or
   * written.
   *
   * @return the planned quantizer names in graph order, each with the tensor it quantizes
   */
  public Map<String, String> plannedQuantizers() {
    Map<String, String> names = new LinkedHashMap<>();
    for (QuantTarget t : plan.targets()) {
      names.put(t.name(), t.tensor());
    }
    return names;
  }

  /**
   * The graph's data inputs (inputs that are not initializers) with their declared shapes.
   *
   * @return input name to shape, {@code -1} for a symbolic or unknown dimension, in graph order
   */
  public Map<String, long[]> inputs() {
    Map<String, long[]> copy = new LinkedHashMap<>();
    model.inputs().forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  /**
   * Refuses an output path that names the input model, so that the model is never overwritten.
   *
   * @param model the input model
   * @param out the output path
   * @throws IOException if the two cannot be compared
   * @throws IllegalArgumentException if they are the same file
   */
  public static void requireDistinctOutput(Path model, Path out) throws IOException {
    if (out.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize())
        || (Files.exists(out) && Files.exists(model) && Files.isSameFile(out, model))) {
      throw new IllegalArgumentException("output " + out + " is the input model; write the QDQ model to another file");
    }
  }

  /**
   * Places the quantizers, calibrates them on the calibration data and writes the QDQ model. The
   * output is written atomically; on any error nothing is written.
   *
   * @param out where to write the QDQ model; not the input model
   * @return what was quantized and how
   * @throws IOException if the model cannot be written
   * @throws IllegalArgumentException for an output path equal to the model, or as {@link #calibrate()}
   * @throws IllegalStateException if ONNX Runtime cannot run the model
   */
  public QuantizationReport quantize(Path out) throws IOException {
    if (out == null) {
      throw new IllegalArgumentException("output path must not be null");
    }
    requireDistinctOutput(modelPath, out);
    QuantizationReport report = calibrate();
    Map<String, QdqParams> params = new HashMap<>();
    for (Map.Entry<String, TensorQuantizer> e : report.quantizers().entrySet()) {
      params.put(e.getKey(), QdqParams.of(e.getKey(), e.getValue()));
    }
    ModelProto qdq = QdqWriter.write(model, plan, params);
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    AtomicFiles.write(out, qdq.toByteArray());
    return report;
  }

  /**
   * Places the quantizers and calibrates them, writing nothing: weights from their initializers,
   * activations by running the calibration data through the FP32 model in ONNX Runtime, then each
   * calibrator's amax (max calibrators their max, histogram calibrators the method's).
   *
   * @return the calibrated quantizers and what was left in float
   * @throws IllegalArgumentException for calibration data that does not fit the graph (naming the batch
   *     and the input) or no calibration batch at all
   * @throws IllegalStateException if ONNX Runtime cannot run the model
   */
  public QuantizationReport calibrate() {
    Map<String, TensorQuantizer> quantizers = new LinkedHashMap<>();
    List<String> disabled = new ArrayList<>();
    Map<String, TensorQuantizer> toCalibrate = new LinkedHashMap<>();
    for (QuantTarget t : plan.targets()) {
      QuantConfig.Resolved r = config.resolve(t.name(), t.role(), new int[] {Math.max(t.channelAxis(), 0)});
      if (!r.enabled()) {
        disabled.add(t.name());
        continue;
      }
      TensorQuantizer q = new TensorQuantizer(r.descriptor());
      quantizers.put(t.name(), q);
      if (r.descriptor().amax() != null) {
        continue;
      }
      if (t.isWeight()) {
        TensorProto w = model.initializer(t.tensor());
        q.calibrator().collect(Nd4j.create(OnnxModel.floats(w), OnnxModel.shape(w), 'c'));
        loadAmax(q);
      } else {
        q.disableQuant();
        q.enableCalib();
        toCalibrate.put(t.tensor(), q);
      }
    }
    Pass pass = collect(toCalibrate);
    for (TensorQuantizer q : toCalibrate.values()) {
      loadAmax(q);
      q.disableCalib();
      q.enableQuant();
    }
    return new QuantizationReport(model.opset(), method, percentile, quantizers, disabled, plan.skipped(),
        pass.batches(), pass.items());
  }

  private void loadAmax(TensorQuantizer q) {
    if (q.calibrator() instanceof MaxCalibrator) {
      q.loadCalibAmax();
    } else {
      q.loadCalibAmax(method, percentile);
    }
  }

  /** How many batches a calibration runs: -1 when the data is not a collection and no limit is set. */
  private long batchesToRun() {
    if (data instanceof Collection<?> c) {
      return maxBatches > 0 ? Math.min(c.size(), maxBatches) : c.size();
    }
    return maxBatches > 0 ? maxBatches : -1;
  }

  /** What a calibration pass saw. */
  private record Pass(int batches, long items) {}

  private Pass collect(Map<String, TensorQuantizer> byTensor) {
    int batches = 0;
    long items = 0;
    Iterator<? extends Map<String, ?>> it = data.iterator();
    try (ActivationCollector collector = new ActivationCollector(model, byTensor);
        ProgressBar bar = progress ? ProgressBars.builder("calibrating", batchesToRun()).build() : null) {
      while ((maxBatches <= 0 || batches < maxBatches) && it.hasNext()) {
        InputBatch batch = InputBatch.of(model, it.next(), batches);
        collector.collect(batch);
        batches++;
        items += batch.size();
        if (bar != null) {
          bar.step();
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not run " + modelPath + ": " + e.getMessage(), e);
    }
    if (batches == 0) {
      throw new IllegalArgumentException("the calibration data holds no batch; expected at least one");
    }
    return new Pass(batches, items);
  }

  /** Collects the settings of an {@link OnnxQuantizer}. */
  public static final class Builder {
    private Path model;
    private Iterable<? extends Map<String, ?>> data;
    private QuantDescriptor input;
    private QuantDescriptor weight;
    private AmaxMethod method = AmaxMethod.MAX;
    private double percentile = 99.99;
    private QuantConfig config;
    private int maxBatches;
    private boolean progress;

    private Builder() {}

    /**
     * The FP32 ONNX model to quantize (opset 13 or later).
     *
     * @param model the model file
     * @return this builder
     */
    public Builder model(Path model) {
      this.model = model;
      return this;
    }

    /**
     * The calibration batches: each maps every data input of the graph to its values, a
     * {@code float[]} (shaped like the graph input, the batch dimension taken from its length) or an
     * {@code INDArray}. Batches are read one at a time, once per {@link #quantize} call.
     *
     * @param batches the batches
     * @return this builder
     */
    public Builder calibrationData(Iterable<? extends Map<String, ?>> batches) {
      this.data = batches;
      return this;
    }

    /**
     * The descriptor of activation (and residual) quantizers; it must be per tensor.
     *
     * @param descriptor the descriptor
     * @return this builder
     */
    public Builder input(QuantDescriptor descriptor) {
      this.input = descriptor;
      return this;
    }

    /**
     * The descriptor of weight quantizers: per tensor when its axis is empty, else per output channel on
     * each node's channel axis.
     *
     * @param descriptor the descriptor
     * @return this builder
     */
    public Builder weight(QuantDescriptor descriptor) {
      this.weight = descriptor;
      return this;
    }

    /**
     * How histogram calibrators pick amax (max calibrators always take the max).
     *
     * @param method max, percentile (99.99), MSE or entropy
     * @return this builder
     */
    public Builder method(AmaxMethod method) {
      this.method = method;
      return this;
    }

    /**
     * How histogram calibrators pick amax, with the percentile for {@link AmaxMethod#PERCENTILE}.
     *
     * @param method the method
     * @param percentile in (0, 100]
     * @return this builder
     */
    public Builder method(AmaxMethod method, double percentile) {
      this.method = method;
      this.percentile = percentile;
      return this;
    }

    /**
     * The quantization configuration (the DL4J path's format): role defaults, name overrides,
     * {@code enable: false}, and {@code residual} for the Add inputs.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(QuantConfig config) {
      this.config = config;
      return this;
    }

    /**
     * Stops calibrating after this many batches.
     *
     * @param maxBatches the limit; 0 for all the data
     * @return this builder
     */
    public Builder maxBatches(int maxBatches) {
      this.maxBatches = maxBatches;
      return this;
    }

    /**
     * Shows a progress bar on the console while calibrating.
     *
     * @param progress whether to show it
     * @return this builder
     */
    public Builder progress(boolean progress) {
      this.progress = progress;
      return this;
    }

    /**
     * Reads and checks the model and the settings.
     *
     * @return the quantizer
     * @throws IOException if the model cannot be read
     * @throws IllegalArgumentException for a missing model or data, a file that is not an ONNX model,
     *     an opset below 13, an already quantized model, a bad percentile or batch limit, or a
     *     descriptor ONNX Q/DQ cannot express
     */
    public OnnxQuantizer build() throws IOException {
      if (model == null) {
        throw new IllegalArgumentException("model must be set: the FP32 ONNX file to quantize");
      }
      if (data == null) {
        throw new IllegalArgumentException("calibrationData must be set: batches of input name -> values");
      }
      if (method == null) {
        throw new IllegalArgumentException("method must be max, percentile, mse or entropy, got null");
      }
      if (!(percentile > 0 && percentile <= 100)) {
        throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
      }
      if (maxBatches < 0) {
        throw new IllegalArgumentException("maxBatches must be 0 (all) or positive, got " + maxBatches);
      }
      OnnxModel parsed = OnnxModel.read(model);
      QuantConfig resolved = effectiveConfig();
      GraphPlan plan = GraphPlan.of(parsed, resolved.residual());
      for (QuantTarget t : plan.targets()) {
        QuantConfig.Resolved r = resolved.resolve(t.name(), t.role(), new int[] {Math.max(t.channelAxis(), 0)});
        if (r.enabled()) {
          requireExpressible(t, r.descriptor(), parsed.opset());
        }
      }
      return new OnnxQuantizer(this, parsed, resolved, plan);
    }

    /**
     * Refuses, before any calibration, a quantizer the QDQ writer cannot write: the writer's own check, on a
     * stand-in amax of 1.
     */
    private static void requireExpressible(QuantTarget t, QuantDescriptor d, int opset) {
      QdqWriter.requireWritable(t, new QdqParams(t.name(), d.numBits(), d.unsigned(), d.narrowRange(),
          Nd4j.scalar(1f), d.format()));
      if (d.isE4M3() && opset < QdqParams.FP8_MIN_OPSET) {
        throw new IllegalArgumentException("quantizer " + t.name() + " is FP8 E4M3, which needs opset "
            + QdqParams.FP8_MIN_OPSET + " (FLOAT8E4M3FN zero points); the model has opset " + opset
            + ": re-export it with opset_version=" + QdqParams.FP8_MIN_OPSET + " or later");
      }
    }

    private QuantConfig effectiveConfig() {
      QuantConfig base = config != null ? config : QuantConfig.DEFAULT;
      QuantSpec calib = QuantSpec.builder().calibMethod(method == AmaxMethod.MAX ? "max" : "histogram").build();
      QuantSpec in = input != null ? spec(input, "input") : base.input();
      QuantSpec residual = input != null ? spec(input, "input") : base.residualQuantizer();
      QuantConfig.Builder b = base.toBuilder()
          .input(in.calibMethod() == null ? in.overlay(calib) : in)
          .residualQuantizer(residual.calibMethod() == null ? residual.overlay(calib) : residual);
      if (weight != null) {
        b.weight(spec(weight, "weight"));
      }
      return b.build();
    }

    private static QuantSpec spec(QuantDescriptor d, String role) {
      if (!d.fakeQuant()) {
        throw new IllegalArgumentException(role + " descriptor has fakeQuant=false: its output is the integer grid,"
            + " which ONNX Q/DQ does not produce; use fakeQuant=true");
      }
      return new QuantSpec(d.isE4M3() ? null : d.numBits(), d.unsigned(), d.narrowRange(), d.calibMethod(),
          !d.isPerTensor(), d.amax(), d.learnAmax(), d.scaleAmax(), null, d.isE4M3() ? QuantFormat.E4M3 : null);
    }
  }
}
