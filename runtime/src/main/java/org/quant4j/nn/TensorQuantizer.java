package org.quant4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.calib.Calibrator;
import org.quant4j.calib.HistogramCalibrator;
import org.quant4j.calib.MaxCalibrator;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.QuantizedTensor;
import org.quant4j.tensor.TensorQuant;
import org.quant4j.internal.text.PythonFloats;
import org.quant4j.internal.text.TorchTensorFormat;
import org.quant4j.tensor.internal.HostMemory;

/**
 * The stateful quantizer a layer applies to its input or weight: the Java {@code TensorQuantizer} of
 * pytorch-quantization 2.2.1. {@link #apply(INDArray)} runs, in order: multiply by the pre-quant
 * scale (if set; even when disabled), return the input if disabled, collect statistics into the
 * calibrator (calib stage), clip (clip stage, learned amax), and quantize (quant stage) with a fixed,
 * calibrated or dynamic amax.
 *
 * <ul>
 *   <li>Fake mode returns {@code q / scale} through {@link TensorQuant#fakeTensorQuant} with the
 *       descriptor's narrowRange (default false, so [-128, 127] for 8 bits). Real mode returns the
 *       integers of {@link TensorQuant#tensorQuant}, always narrow ([-127, 127]) as in the reference,
 *       and keeps the scale ({@link #scale()}).
 *   <li>Dynamic amax (no amax set) is {@code max|x|} over the dims not in the axis, times
 *       {@code scaleAmax}. Negative axes are normalised (the reference's dynamic path silently goes per
 *       tensor for them; quant4j keeps the channel, as its calibrators do).
 *   <li>An E4M3 descriptor ({@code num_bits=(4, 3)}) fake-quantizes through
 *       {@link TensorQuant#fakeTensorQuantE4M3} with the same amax rules (per tensor); its max bound is
 *       448, its step size {@code amax / 448}, and the STE backward is unchanged. With learnAmax it
 *       uses the learned amax (the reference's E4M3 branch reads the buffer or dynamic amax instead).
 *   <li>{@code learnAmax} quantizes {@code clip(x)} with {@code amax = max(-clipMin, clipMax)}; the
 *       {@link Clip}'s bound gradients accumulate in {@link #backward}.
 *   <li>{@link #loadCalibAmax()} copies the calibrator's amax: later {@code collect} calls do not
 *       change it (the reference aliases MaxCalibrator's tensor, a documented bug).
 * </ul>
 *
 * <p>Concurrent {@link #apply} calls are safe: every call allocates its own results, the amax and
 * the pre-quant scale are immutable snapshots swapped atomically by the setters, and the calibrator
 * is fed under its lock.
 */
public final class TensorQuantizer implements UnaryOperator<INDArray> {

  private final QuantDescriptor descriptor;
  private final Calibrator calibrator;
  private final Clip clip;
  private volatile boolean disabled;
  private volatile boolean ifQuant;
  private volatile boolean ifClip;
  private volatile boolean ifCalib;
  private volatile INDArray amax;
  private volatile INDArray preQuantScale;
  private volatile INDArray scale;

  /**
   * An enabled quantizer in the quant stage.
   *
   * @param descriptor how to quantize
   */
  public TensorQuantizer(QuantDescriptor descriptor) {
    this(descriptor, false, true, false, false);
  }

  /**
   * A quantizer with explicit stages, as {@code TensorQuantizer(desc, disabled, if_quant, if_clip,
   * if_calib)}.
   *
   * @param descriptor how to quantize
   * @param disabled whether apply returns its input
   * @param ifQuant whether the quant stage runs
   * @param ifClip whether the clip stage runs (needs {@code learnAmax})
   * @param ifCalib whether the calibrator collects
   * @throws IllegalArgumentException for a histogram calibrator with an axis, or learnAmax with a
   *     non-scalar amax
   * @throws IllegalStateException for ifClip without learnAmax
   */
  public TensorQuantizer(
      QuantDescriptor descriptor, boolean disabled, boolean ifQuant, boolean ifClip, boolean ifCalib) {
    if (descriptor == null) {
      throw new IllegalArgumentException("descriptor must not be null");
    }
    this.descriptor = descriptor;
    this.disabled = disabled;
    this.ifQuant = ifQuant;
    this.ifCalib = ifCalib;
    this.amax = descriptor.amaxArray();
    if (descriptor.learnAmax()) {
      float init = 1f;
      if (descriptor.amax() != null) {
        float[] a = descriptor.amax();
        if (a.length != 1) {
          throw new IllegalArgumentException("learnAmax needs a scalar amax, got shape "
              + Arrays.toString(descriptor.amaxShape()));
        }
        init = a[0];
      }
      this.clip = new Clip(-init, init, true, true);
      enableClip();
    } else {
      this.clip = null;
    }
    if (ifClip) {
      enableClip();
    }
    this.calibrator = createCalibrator(descriptor);
  }

  private static Calibrator createCalibrator(QuantDescriptor d) {
    if ("histogram".equals(d.calibMethod())) {
      if (!d.isPerTensor()) {
        throw new IllegalArgumentException("calibMethod \"histogram\" supports per-tensor only, got axis="
            + d.axisRepr());
      }
      return HistogramCalibrator.builder().numBits(d.numBits()).unsigned(d.unsigned()).format(d.format()).build();
    }
    return new MaxCalibrator(d.numBits(), d.axis(), d.unsigned());
  }

  /**
   * Quantizes (or calibrates on, or clips) x according to the enabled stages.
   *
   * @param x the input (never modified)
   * @return the output; x itself when disabled, or when no stage changes it and there is no pre-quant
   *     scale
   * @throws IllegalArgumentException for an unsigned quantizer given negative values, a negative
   *     amax, an amax that does not broadcast, or an axis out of range
   */
  @Override
  public INDArray apply(INDArray x) {
    INDArray in = scaledInput(x);
    if (disabled) {
      return in;
    }
    if (ifCalib) {
      synchronized (calibrator) {
        calibrator.collect(in);
      }
    }
    INDArray out = in;
    if (ifClip) {
      out = clip.apply(in);
    }
    if (ifQuant) {
      out = quantForward(in);
    }
    return out;
  }

  /**
   * {@link #apply} writing its result into {@code out}, which may be x itself. In the common fake
   * quant case (no pre-quant scale, no learned amax) this allocates no output: it runs
   * {@link TensorQuant#fakeTensorQuantInto} (only a dynamic amax is computed into a small new array).
   *
   * @param x the input; overwritten only when it is {@code out}
   * @param out where the result goes: x's shape and data type
   * @return out
   * @throws IllegalArgumentException if out's shape or data type differs from x's, or as apply
   */
  public INDArray applyInto(INDArray x, INDArray out) {
    if (x == null || out == null || !Arrays.equals(x.shape(), out.shape())
        || x.dataType() != out.dataType()) {
      throw new IllegalArgumentException("out must have x's shape and data type "
          + (x == null ? "null" : Arrays.toString(x.shape()) + " " + x.dataType()) + ", got "
          + (out == null ? "null" : Arrays.toString(out.shape()) + " " + out.dataType()));
    }
    if (preQuantScale == null && !disabled && ifQuant && !ifClip && clip == null
        && descriptor.fakeQuant()) {
      if (ifCalib) {
        synchronized (calibrator) {
          calibrator.collect(x);
        }
      }
      if (descriptor.isE4M3()) {
        return TensorQuant.fakeTensorQuantE4M3Into(x, amaxFor(x), out);
      }
      return TensorQuant.fakeTensorQuantInto(x, amaxFor(x), descriptor.numBits(),
          descriptor.unsigned(), descriptor.narrowRange(), out);
    }
    INDArray y = apply(x);
    if (y != out) {
      out.assign(y);
    }
    return out;
  }

  private INDArray quantForward(INDArray in) {
    INDArray q = in;
    INDArray a;
    if (clip != null) {
      q = clip.apply(in);
      a = learnedAmax();
    } else {
      a = amaxFor(in);
    }
    if (descriptor.isE4M3()) {
      return TensorQuant.fakeTensorQuantE4M3(q, a);
    }
    if (descriptor.fakeQuant()) {
      return TensorQuant.fakeTensorQuant(
          q, a, descriptor.numBits(), descriptor.unsigned(), descriptor.narrowRange());
    }
    QuantizedTensor t = TensorQuant.tensorQuant(q, a, descriptor.numBits(), descriptor.unsigned());
    scale = t.scale();
    return t.values();
  }

  /**
   * The gradient of {@link #apply} with respect to x, for an input x and the gradient of the output:
   * the straight-through estimator {@code where(|x| <= amax, g, 0)} in the quant stage (Bengio et al.,
   * arXiv:1308.3432), PACT's clip gradient for learned amax (whose bound gradients accumulate in
   * {@link #clip()} while the clip stage is enabled), the identity otherwise, and a product with the
   * pre-quant scale when one is set. The amax is recomputed from x, as the forward pass would.
   *
   * @param gradOut the gradient of the output, shaped like x
   * @param x the input of the forward pass
   * @return a new array, the gradient with respect to x
   */
  public INDArray backward(INDArray gradOut, INDArray x) {
    if (gradOut == null || x == null || !Arrays.equals(gradOut.shape(), x.shape())) {
      throw new IllegalArgumentException("gradOut must have x's shape "
          + (x == null ? "null" : Arrays.toString(x.shape())) + ", got "
          + (gradOut == null ? "null" : Arrays.toString(gradOut.shape())));
    }
    INDArray pqs = preQuantScale;
    INDArray in = scaledInput(x);
    INDArray g;
    if (disabled) {
      g = gradOut.dup();
    } else if (ifQuant) {
      if (clip != null) {
        INDArray clipped = clip.apply(in);
        INDArray gq = TensorQuant.fakeTensorQuantBackward(gradOut, clipped, learnedAmax());
        ClipGradients cg = Clip.clipBackward(gq, in, clip.clipValueMin(), clip.clipValueMax());
        if (ifClip) {
          clip.accumulate(cg);
        }
        g = cg.input();
      } else {
        g = TensorQuant.fakeTensorQuantBackward(gradOut, in, amaxFor(in));
      }
    } else if (ifClip) {
      ClipGradients cg = Clip.clipBackward(gradOut, in, clip.clipValueMin(), clip.clipValueMax());
      clip.accumulate(cg);
      g = cg.input();
    } else {
      g = gradOut.dup();
    }
    return pqs == null ? g : g.mul(broadcastTo(pqs, g.shape()));
  }

  private INDArray scaledInput(INDArray x) {
    if (x == null) {
      throw new IllegalArgumentException("x must not be null");
    }
    INDArray pqs = preQuantScale;
    return pqs == null ? x : x.mul(broadcastTo(pqs, x.shape()).castTo(x.dataType()));
  }

  private static INDArray broadcastTo(INDArray a, long[] shape) {
    if (Arrays.equals(a.shape(), shape)) {
      return a;
    }
    long[] padded = new long[shape.length];
    int lead = shape.length - a.rank();
    if (lead < 0) {
      throw new IllegalArgumentException("pre-quant scale of shape " + Arrays.toString(a.shape())
          + " does not broadcast to " + Arrays.toString(shape));
    }
    for (int i = 0; i < shape.length; i++) {
      padded[i] = i < lead ? 1 : a.size(i - lead);
      if (padded[i] != 1 && padded[i] != shape[i]) {
        throw new IllegalArgumentException("pre-quant scale of shape " + Arrays.toString(a.shape())
            + " does not broadcast to " + Arrays.toString(shape));
      }
    }
    INDArray r = a.rank() == 0 ? a.reshape(padded) : a.reshape('c', padded);
    return r.broadcast(shape);
  }

  private INDArray learnedAmax() {
    return Nd4j.scalar(Math.max(-clip.clipValueMin(), clip.clipValueMax()));
  }

  /** The reference's {@code _get_amax}: the amax buffer or the dynamic amax, times scaleAmax. */
  private INDArray amaxFor(INDArray in) {
    INDArray a = amax;
    if (a == null) {
      a = dynamicAmax(in);
    }
    Float s = descriptor.scaleAmax();
    if (s != null) {
      a = a.mul(s);
    }
    if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
      a = a.castTo(DataType.FLOAT);
    }
    return a;
  }

  private INDArray dynamicAmax(INDArray x) {
    int rank = x.rank();
    boolean[] keep = new boolean[rank];
    for (int a : descriptor.axis()) {
      int d = a < 0 ? a + rank : a;
      if (d < 0 || d >= rank) {
        throw new IllegalArgumentException("axis must be in [" + (-rank) + ", " + rank
            + ") for an input of shape " + Arrays.toString(x.shape()) + ", got " + a);
      }
      keep[d] = true;
    }
    List<Integer> reduce = new ArrayList<>();
    for (int d = 0; d < rank; d++) {
      if (!keep[d]) {
        reduce.add(d);
      }
    }
    INDArray r = reduce.isEmpty()
        ? Transforms.abs(x, true)
        : TensorQuant.reduceAmax(x, reduce.stream().mapToInt(Integer::intValue).toArray(), true);
    if (r.length() == 1 && r.rank() > 0) {
      r = r.dataType() == DataType.DOUBLE ? Nd4j.scalar(r.getDouble(0)) : Nd4j.scalar(r.getFloat(0));
    }
    return r;
  }

  /** Bypasses the quantizer: apply returns its input (times the pre-quant scale, if set). */
  public void disable() {
    disabled = true;
  }

  /** Undoes {@link #disable()}. */
  public void enable() {
    disabled = false;
  }

  /** Turns the quant stage on. */
  public void enableQuant() {
    ifQuant = true;
  }

  /** Turns the quant stage off (apply no longer quantizes). */
  public void disableQuant() {
    ifQuant = false;
  }

  /** Turns the calib stage on: apply feeds every input to the calibrator. */
  public void enableCalib() {
    ifCalib = true;
  }

  /** Turns the calib stage off. */
  public void disableCalib() {
    ifCalib = false;
  }

  /**
   * Turns the clip stage on (learning amax).
   *
   * @throws IllegalStateException if the descriptor does not learn amax
   */
  public void enableClip() {
    if (!descriptor.learnAmax()) {
      throw new IllegalStateException("learnAmax is false: cannot enable clip");
    }
    ifClip = true;
  }

  /** Turns the clip stage off: the clip bounds no longer receive gradients. */
  public void disableClip() {
    ifClip = false;
  }

  /**
   * Whether apply does anything.
   *
   * @return true unless disabled
   */
  public boolean isEnabled() {
    return !disabled;
  }

  /**
   * Whether the quant stage runs.
   *
   * @return ifQuant
   */
  public boolean isQuantEnabled() {
    return ifQuant;
  }

  /**
   * Whether the calib stage runs.
   *
   * @return ifCalib
   */
  public boolean isCalibEnabled() {
    return ifCalib;
  }

  /**
   * Whether the clip stage runs.
   *
   * @return ifClip
   */
  public boolean isClipEnabled() {
    return ifClip;
  }

  /**
   * Loads the calibrator's default amax ({@code load_calib_amax()}), strictly.
   *
   * @throws IllegalStateException if the calibrator has seen no data
   */
  public void loadCalibAmax() {
    loadCalibAmax(true);
  }

  /**
   * Loads the calibrator's default amax; with {@code strict} false a calibrator without data sets
   * amax to NaN instead of failing.
   *
   * @param strict whether a calibrator without data is an error
   * @throws IllegalStateException if strict and the calibrator has seen no data
   */
  public void loadCalibAmax(boolean strict) {
    loadCalibAmax(Calibrator::computeAmax, strict);
  }

  /**
   * Loads the amax the calibrator computes with a method ({@code load_calib_amax(method,
   * percentile=p)}), strictly.
   *
   * @param method the method
   * @param percentile the percentile for {@link AmaxMethod#PERCENTILE} (ignored otherwise)
   * @throws IllegalStateException if the calibrator has seen no data
   */
  public void loadCalibAmax(AmaxMethod method, double percentile) {
    loadCalibAmax(method, percentile, true);
  }

  /**
   * Loads the amax the calibrator computes with a method.
   *
   * @param method the method
   * @param percentile the percentile for {@link AmaxMethod#PERCENTILE} (ignored otherwise)
   * @param strict whether a calibrator without data is an error (else amax becomes NaN)
   * @throws IllegalStateException if strict and the calibrator has seen no data
   */
  public void loadCalibAmax(AmaxMethod method, double percentile, boolean strict) {
    loadCalibAmax(c -> c.computeAmax(method, percentile), strict);
  }

  /**
   * Loads an amax computed from the calibrator by any function (e.g. a histogram method with a
   * stride and start bin). The result is copied: later collects do not change the loaded amax. An
   * existing amax keeps its shape (a one-element result fills it).
   *
   * @param compute computes the amax from the calibrator
   * @param strict whether a calibrator without data is an error (else amax becomes NaN)
   * @throws IllegalStateException if strict and the calibrator has seen no data
   * @throws IllegalArgumentException if the result does not fit the shape of an existing amax
   */
  public void loadCalibAmax(Function<Calibrator, INDArray> compute, boolean strict) {
    INDArray calibAmax;
    synchronized (calibrator) {
      if (!calibrator.hasData()) {
        if (strict) {
          throw new IllegalStateException(calibrator.getClass().getSimpleName()
              + " has seen no data, so there is no amax to load; enable calib and apply the quantizer"
              + " to some inputs first, or pass strict=false to set amax to NaN");
        }
        calibAmax = Nd4j.scalar(Float.NaN);
      } else {
        calibAmax = compute.apply(calibrator).dup();
      }
    }
    INDArray current = amax;
    if (current == null || Arrays.equals(current.shape(), calibAmax.shape())) {
      amax = calibAmax;
    } else if (calibAmax.length() == 1) {
      amax = Nd4j.valueArrayOf(current.shape(), calibAmax.getDouble(0), current.dataType());
    } else {
      throw new IllegalArgumentException("calibrated amax of shape " + Arrays.toString(calibAmax.shape())
          + " does not fit the existing amax of shape " + Arrays.toString(current.shape()));
    }
  }

  /**
   * The amax in use.
   *
   * @return a copy of the fixed or calibrated amax, or null when amax is dynamic
   */
  public INDArray amax() {
    INDArray a = amax;
    return a == null ? null : a.dup();
  }

  /**
   * Sets the amax (a copy of the value is kept). Once an amax exists its shape cannot change.
   *
   * @param value the amax; float32 unless it is float64
   * @throws IllegalArgumentException if value is null or its shape differs from the current amax's
   */
  public void setAmax(INDArray value) {
    if (value == null) {
      throw new IllegalArgumentException("amax must not be null");
    }
    INDArray current = amax;
    if (current != null && !Arrays.equals(current.shape(), value.shape())) {
      throw new IllegalArgumentException("amax shape must stay " + Arrays.toString(current.shape())
          + ", got " + Arrays.toString(value.shape()));
    }
    amax = value.dataType() == DataType.DOUBLE || value.dataType() == DataType.FLOAT
        ? value.dup() : value.castTo(DataType.FLOAT);
  }

  /**
   * Sets a scalar (0-dim float32) amax.
   *
   * @param value the amax
   * @throws IllegalArgumentException if the current amax is not a scalar
   */
  public void setAmax(float value) {
    setAmax(Nd4j.scalar(value));
  }

  /**
   * Initialises the learned range from the amax: clip bounds ±max(amax) ({@code init_learn_amax}).
   *
   * @throws IllegalStateException without learnAmax or without an amax
   */
  public void initLearnAmax() {
    if (clip == null) {
      throw new IllegalStateException("initLearnAmax needs learnAmax=true");
    }
    INDArray a = amax;
    if (a == null) {
      throw new IllegalStateException("initLearnAmax needs an amax; set or calibrate one first");
    }
    float init = Float.NEGATIVE_INFINITY;
    for (float v : HostMemory.floatsOf(a)) {
      init = Float.isNaN(v) || Float.isNaN(init) ? Float.NaN : Math.max(init, v);
    }
    clip.setClipValueMin(-init);
    clip.setClipValueMax(init);
  }

  /**
   * Sets the factor inputs are multiplied by before anything else (SmoothQuant-style), or clears it.
   *
   * @param value a tensor that broadcasts against the inputs, or null for none
   */
  public void setPreQuantScale(INDArray value) {
    preQuantScale = value == null ? null : value.dup();
  }

  /**
   * The pre-quant scale.
   *
   * @return a copy, or null for none
   */
  public INDArray preQuantScale() {
    INDArray p = preQuantScale;
    return p == null ? null : p.dup();
  }

  /**
   * The scale of the last real quantization ({@code maxBound / amax}); fake quantizers report 1.0.
   *
   * @return a 0-dim 1.0 for fake mode, the last scale for real mode, or null before the first real
   *     quantization
   */
  public INDArray scale() {
    if (descriptor.fakeQuant()) {
      return Nd4j.scalar(1f);
    }
    INDArray s = scale;
    return s == null ? null : s.dup();
  }

  /**
   * The largest quantized value, {@code 2^(numBits - 1 + unsigned) - 1}, or 448 for E4M3.
   *
   * @return the max bound
   */
  public float maxBound() {
    return descriptor.maxBound();
  }

  /**
   * The quantization step, {@code amax / maxBound} in float32.
   *
   * @return a new array, or null when amax is dynamic
   */
  public INDArray stepSize() {
    INDArray a = amax;
    return a == null ? null : a.div(maxBound());
  }

  /**
   * The calibrator: MaxCalibrator(numBits, axis, unsigned) for calibMethod "max",
   * HistogramCalibrator(numBits, unsigned) for "histogram".
   *
   * @return the calibrator (shared, not a copy)
   */
  public Calibrator calibrator() {
    return calibrator;
  }

  /**
   * The clip that learns amax.
   *
   * @return the clip, or null without learnAmax
   */
  public Clip clip() {
    return clip;
  }

  /**
   * The descriptor this quantizer was built from.
   *
   * @return the descriptor
   */
  public QuantDescriptor descriptor() {
    return descriptor;
  }

  /**
   * The reference's {@code extra_repr()}: {@code disabled}, or
   * {@code [unsigned ]Nbit[ narrow][ fake]{ axis=A| per-tensor} amax=...[ *s][ pre_quant_scale][ learned]
   * calibrator=C[ scale=S][ quant][ clip][ calib]}.
   *
   * @return the text
   */
  public String extraRepr() {
    if (disabled) {
      return "disabled";
    }
    StringBuilder s = new StringBuilder();
    s.append(descriptor.unsigned() ? "unsigned " : "").append(descriptor.bitsText()).append("bit");
    s.append(descriptor.narrowRange() ? " narrow" : "");
    s.append(descriptor.fakeQuant() ? " fake" : "");
    s.append(descriptor.isPerTensor() ? " per-tensor" : " axis=" + descriptor.axisRepr());
    s.append(" amax=").append(shortAmax());
    Float sa = descriptor.scaleAmax();
    if (sa != null && sa != 0f) {
      s.append(" *").append(PythonFloats.repr(sa));
    }
    s.append(preQuantScale != null ? " pre_quant_scale" : "");
    s.append(descriptor.learnAmax() ? " learned" : "");
    s.append(" calibrator=").append(calibrator.getClass().getSimpleName());
    if (descriptor.fakeQuant()) {
      s.append(" scale=1.0");
    } else {
      INDArray sc = scale;
      if (sc != null) {
        float[] v = HostMemory.floatsOf(sc);
        s.append(" scale=").append(sc.rank() == 0
            ? PythonFloats.repr(v[0]) : TorchTensorFormat.str(v, sc.shape()));
      }
    }
    s.append(ifQuant ? " quant" : "");
    s.append(ifClip ? " clip" : "");
    s.append(ifCalib ? " calib" : "");
    return s.toString();
  }

  private String shortAmax() {
    INDArray a = amax;
    if (a == null) {
      return "dynamic";
    }
    float[] v = HostMemory.floatsOf(a);
    if (v.length == 1) {
      return PythonFloats.fixed(v[0], 4);
    }
    float min = v[0];
    float max = v[0];
    for (float x : v) {
      min = Float.isNaN(x) || Float.isNaN(min) ? Float.NaN : Math.min(min, x);
      max = Float.isNaN(x) || Float.isNaN(max) ? Float.NaN : Math.max(max, x);
    }
    return "[" + PythonFloats.fixed(min, 4) + ", " + PythonFloats.fixed(max, 4) + "](" + v.length + ")";
  }

  /**
   * The reference's {@code str()} of the module: {@code TensorQuantizer(<extra_repr>)} on one line,
   * or, when the extra repr spans lines or there is a clip child, one indented line each followed by
   * {@code (clip): Clip()}.
   *
   * @return the text
   */
  @Override
  public String toString() {
    List<String> lines = new ArrayList<>(Arrays.asList(extraRepr().split("\n", -1)));
    int extraLines = lines.size();
    if (clip != null) {
      lines.add("(clip): " + clip);
    }
    if (extraLines == 1 && clip == null) {
      return "TensorQuantizer(" + lines.get(0) + ")";
    }
    return "TensorQuantizer(\n  " + String.join("\n  ", lines) + "\n)";
  }
}
