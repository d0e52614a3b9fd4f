package org.quant4j.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.internal.text.NumpyFloat32Format;
import org.quant4j.internal.text.PyYaml;
import org.quant4j.internal.text.PythonFloats;

/**
 * How a tensor is quantized: the Java {@code ScaledQuantDescriptor} of pytorch-quantization 2.2.1.
 * Immutable; build one with {@link #builder()} and derive variants with {@link #toBuilder()}:
 *
 * <pre>{@code
 * QuantDescriptor d = QuantDescriptor.builder().numBits(4).fakeQuant(false).axis(0).unsigned(true).build();
 * }</pre>
 *
 * <p>Fields: {@code numBits} (0 to 16; 0 is accepted like the reference, which only logs it),
 * {@code name}, {@code fakeQuant} (default true), {@code axis} (the dims that keep their own amax;
 * empty = per tensor), {@code amax} (a fixed float32 amax with its shape, or none), {@code learnAmax}
 * (only per tensor), {@code scaleAmax} (a factor applied to amax, or none), {@code calibMethod}
 * ({@code "max"} or {@code "histogram"}), {@code unsigned} and {@code narrowRange} (default false).
 *
 * <p>Like the reference, an axis keeps the form it was given in: a single int ({@code axis(0)},
 * printed {@code axis=0}) or a tuple ({@code axis(0, 2)}, printed {@code axis=(0, 2)}).
 * {@link #toString()}, {@link #toMap()} and {@link #toYaml()} reproduce the reference's {@code str},
 * {@code dict()} and {@code to_yaml()}; like them, the map and the YAML leave out {@code narrowRange}
 * and {@code calibMethod}.
 *
 * <p><b>FP8 E4M3.</b> {@code builder().numBits(4, 3)} (the reference's {@code num_bits=(4, 3)}) or,
 * equivalently, {@code builder().format(QuantFormat.E4M3)} describes fake quantization onto the E4M3
 * grid after scaling by {@code 448 / amax} ({@link TensorQuant#fakeTensorQuantE4M3}). In a map or YAML
 * it is {@code num_bits: [4, 3]}. Such a descriptor prints {@code (4, 3)bit}, reports
 * {@link #numBits()} 8 (the storage width) and {@link #format()} {@link QuantFormat#E4M3}, and has no
 * integer {@link #grid()}. As in the reference's FP8 path, amax is per tensor: an E4M3 descriptor with
 * an axis, {@code unsigned}, {@code narrowRange} or {@code fakeQuant(false)} is rejected with an
 * IllegalArgumentException.
 */
public final class QuantDescriptor {

  /** The calibration methods a descriptor may name. */
  public static final Set<String> CALIB_METHODS = Set.of("max", "histogram");

  private static final Set<String> MAP_KEYS =
      Set.of("num_bits", "name", "fake_quant", "axis", "amax", "learn_amax", "scale_amax",
          "calib_method", "unsigned", "narrow_range");

  /** 8 bit, signed, per tensor, fake. */
  public static final QuantDescriptor QUANT_DESC_8BIT_PER_TENSOR = builder().numBits(8).build();

  /** 8 bit, unsigned, per tensor, fake. */
  public static final QuantDescriptor QUANT_DESC_UNSIGNED_8BIT_PER_TENSOR =
      builder().numBits(8).unsigned(true).build();

  /** Conv1d weights: per output channel, axis 0. */
  public static final QuantDescriptor QUANT_DESC_8BIT_CONV1D_WEIGHT_PER_CHANNEL =
      builder().numBits(8).axis(0).build();

  /** Conv2d weights: per output channel, axis 0. */
  public static final QuantDescriptor QUANT_DESC_8BIT_CONV2D_WEIGHT_PER_CHANNEL =
      builder().numBits(8).axis(0).build();

  /** Conv3d weights: per output channel, axis 0. */
  public static final QuantDescriptor QUANT_DESC_8BIT_CONV3D_WEIGHT_PER_CHANNEL =
      builder().numBits(8).axis(0).build();

  /** Linear weights ([out, in]): per row, axis 0. */
  public static final QuantDescriptor QUANT_DESC_8BIT_LINEAR_WEIGHT_PER_ROW =
      builder().numBits(8).axis(0).build();

  /** ConvTranspose1d weights ([in, out/g, k]): per output channel, axis 1. */
  public static final QuantDescriptor QUANT_DESC_8BIT_CONVTRANSPOSE1D_WEIGHT_PER_CHANNEL =
      builder().numBits(8).axis(1).build();

  /** ConvTranspose2d weights: per output channel, axis 1. */
  public static final QuantDescriptor QUANT_DESC_8BIT_CONVTRANSPOSE2D_WEIGHT_PER_CHANNEL =
      builder().numBits(8).axis(1).build();

  /** ConvTranspose3d weights: per output channel, axis 1. */
  public static final QuantDescriptor QUANT_DESC_8BIT_CONVTRANSPOSE3D_WEIGHT_PER_CHANNEL =
      builder().numBits(8).axis(1).build();

  private final int numBits;
  private final QuantFormat format;
  private final String name;
  private final boolean fakeQuant;
  private final int[] axis;
  private final boolean axisIsTuple;
  private final float[] amax;
  private final long[] amaxShape;
  private final boolean learnAmax;
  private final Float scaleAmax;
  private final String calibMethod;
  private final boolean unsigned;
  private final boolean narrowRange;

  private QuantDescriptor(Builder b) {
    if (b.format == QuantFormat.E4M3) {
      checkE4M3(b);
    }
    QuantGrid.requireNumBits(b.numBits, 0, "numBits");
    if (b.learnAmax && b.axis.length > 0) {
      throw new IllegalArgumentException(
          "axis must be per-tensor (empty) when learnAmax is true, got axis="
              + axisText(b.axis, b.axisIsTuple));
    }
    if (b.calibMethod == null || !CALIB_METHODS.contains(b.calibMethod)) {
      throw new IllegalArgumentException(
          "calibMethod must be \"max\" or \"histogram\", got " + quoted(b.calibMethod));
    }
    if (b.amax != null) {
      long n = 1;
      for (long s : b.amaxShape) {
        if (s < 0) {
          throw new IllegalArgumentException(
              "amax shape must not have negative dims, got " + Arrays.toString(b.amaxShape));
        }
        n *= s;
      }
      if (n != b.amax.length) {
        throw new IllegalArgumentException(
            "amax shape " + Arrays.toString(b.amaxShape) + " does not hold " + b.amax.length
                + " values");
      }
    }
    this.numBits = b.format == QuantFormat.E4M3 ? E4M3_STORAGE_BITS : b.numBits;
    this.format = b.format;
    this.name = b.name;
    this.fakeQuant = b.fakeQuant;
    this.axis = b.axis.clone();
    this.axisIsTuple = b.axis.length > 0 && b.axisIsTuple;
    this.amax = b.amax == null ? null : b.amax.clone();
    this.amaxShape = b.amax == null ? null : b.amaxShape.clone();
    this.learnAmax = b.learnAmax;
    this.scaleAmax = b.scaleAmax;
    this.calibMethod = b.calibMethod;
    this.unsigned = b.unsigned;
    this.narrowRange = b.narrowRange;
  }

  /** The storage width {@link #numBits()} reports for an E4M3 descriptor. */
  private static final int E4M3_STORAGE_BITS = 8;

  private static void checkE4M3(Builder b) {
    String what = null;
    if (b.axis.length > 0) {
      what = "axis=" + axisText(b.axis, b.axisIsTuple) + " (E4M3 amax is per tensor; use no axis)";
    } else if (b.unsigned) {
      what = "unsigned=true (E4M3 is signed)";
    } else if (b.narrowRange) {
      what = "narrowRange=true (E4M3 has no integer range)";
    } else if (!b.fakeQuant) {
      what = "fakeQuant=false (E4M3 supports fake quantization only)";
    }
    if (what != null) {
      throw new IllegalArgumentException("an E4M3 (num_bits=(4, 3)) descriptor cannot have " + what);
    }
  }

  /**
   * A builder with the reference's defaults: 8 bit, fake, per tensor, no amax, calib "max", signed,
   * full range.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this descriptor's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.numBits = numBits;
    b.format = format;
    b.name = name;
    b.fakeQuant = fakeQuant;
    b.axis = axis.clone();
    b.axisIsTuple = axisIsTuple;
    b.amax = amax == null ? null : amax.clone();
    b.amaxShape = amaxShape == null ? null : amaxShape.clone();
    b.learnAmax = learnAmax;
    b.scaleAmax = scaleAmax;
    b.calibMethod = calibMethod;
    b.unsigned = unsigned;
    b.narrowRange = narrowRange;
    return b;
  }

  /**
   * The bit width.
   *
   * @return numBits, 0 to 16; 8 for an E4M3 descriptor
   */
  public int numBits() {
    return numBits;
  }

  /**
   * The number format: an integer grid or FP8 E4M3.
   *
   * @return the format
   */
  public QuantFormat format() {
    return format;
  }

  /**
   * Whether this descriptor quantizes to FP8 E4M3 ({@code num_bits=(4, 3)}).
   *
   * @return true for {@link QuantFormat#E4M3}
   */
  public boolean isE4M3() {
    return format == QuantFormat.E4M3;
  }

  /**
   * The largest quantized magnitude: {@code 2^(numBits - 1 + unsigned) - 1}, or 448 for E4M3 (the
   * reference's {@code maxbound}).
   *
   * @return the max bound
   */
  public float maxBound() {
    return isE4M3() ? E4M3.MAX : grid().maxBound();
  }

  /**
   * Whether outputs are dequantized (fake quantization) rather than integers with a scale.
   *
   * @return fakeQuant
   */
  public boolean fakeQuant() {
    return fakeQuant;
  }

  /**
   * The dims that keep their own amax (negative dims count from the end).
   *
   * @return a copy; empty means per tensor
   */
  public int[] axis() {
    return axis.clone();
  }

  /**
   * Whether the axis was given as a tuple ({@code axis(0, 2)}) rather than a single int.
   *
   * @return true for the tuple form
   */
  public boolean axisIsTuple() {
    return axisIsTuple;
  }

  /**
   * The axis as Python prints it: {@code 0} for the int form, {@code (0, 2)} or {@code (0,)} for the
   * tuple form, {@code None} per tensor.
   *
   * @return the text
   */
  public String axisRepr() {
    return axis.length == 0 ? "None" : axisText(axis, axisIsTuple);
  }

  /**
   * Whether one amax covers the whole tensor.
   *
   * @return true when {@link #axis()} is empty
   */
  public boolean isPerTensor() {
    return axis.length == 0;
  }

  /**
   * The fixed amax values in C order.
   *
   * @return a copy, or null when amax is not fixed
   */
  public float[] amax() {
    return amax == null ? null : amax.clone();
  }

  /**
   * The shape of the fixed amax ({@code []} for a scalar, as {@code np.array(2.5)}).
   *
   * @return a copy, or null when amax is not fixed
   */
  public long[] amaxShape() {
    return amaxShape == null ? null : amaxShape.clone();
  }

  /**
   * The fixed amax as a new float32 array of {@link #amaxShape()}.
   *
   * @return a new INDArray, or null when amax is not fixed
   */
  public INDArray amaxArray() {
    if (amax == null) {
      return null;
    }
    return Nd4j.create(amax.clone(), amaxShape.clone(), DataType.FLOAT);
  }

  /**
   * Whether amax is learned through a {@code Clip} (quantization-aware training).
   *
   * @return learnAmax
   */
  public boolean learnAmax() {
    return learnAmax;
  }

  /**
   * The factor amax is multiplied by before quantizing.
   *
   * @return the factor, or null for none
   */
  public Float scaleAmax() {
    return scaleAmax;
  }

  /**
   * The calibrator a quantizer of this descriptor creates.
   *
   * @return "max" or "histogram"
   */
  public String calibMethod() {
    return calibMethod;
  }

  /**
   * Whether the grid is [0, 2^numBits − 1].
   *
   * @return unsigned
   */
  public boolean unsigned() {
    return unsigned;
  }

  /**
   * Whether a signed grid is symmetric, [−maxBound, maxBound].
   *
   * @return narrowRange
   */
  public boolean narrowRange() {
    return narrowRange;
  }

  /**
   * The descriptor's name.
   *
   * @return the name, or null
   */
  public String name() {
    return name;
  }

  /**
   * The integer grid of this descriptor.
   *
   * @return {@code new QuantGrid(numBits, unsigned, narrowRange)}
   * @throws IllegalStateException for an E4M3 descriptor, which has no integer grid
   */
  public QuantGrid grid() {
    if (isE4M3()) {
      throw new IllegalStateException("an E4M3 (num_bits=(4, 3)) descriptor has no integer grid");
    }
    return new QuantGrid(numBits, unsigned, narrowRange);
  }

  /**
   * The reference's {@code dict()}: {@code num_bits} and {@code name} always, then
   * {@code fake_quant} (when false), {@code axis} (an Integer or a List), {@code amax} (nested lists
   * of Doubles, or a Double for a scalar), {@code scale_amax}, {@code learn_amax} and
   * {@code unsigned} when not default. {@code narrow_range} and {@code calib_method} are left out, as
   * the reference does.
   *
   * @return a new insertion-ordered map
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("num_bits", isE4M3() ? List.of(4, 3) : (Object) numBits);
    m.put("name", name);
    if (!fakeQuant) {
      m.put("fake_quant", false);
    }
    if (axis.length > 0) {
      m.put("axis", axisIsTuple ? boxed(axis) : (Object) axis[0]);
    }
    if (amax != null) {
      m.put("amax", nestedList(amax, amaxShape, 0, 0));
    }
    if (scaleAmax != null) {
      m.put("scale_amax", (double) scaleAmax);
    }
    if (learnAmax) {
      m.put("learn_amax", true);
    }
    if (unsigned) {
      m.put("unsigned", true);
    }
    return m;
  }

  /**
   * The reference's {@code to_yaml()}: PyYAML block style with sorted keys, e.g.
   * {@code "axis:\n- 0\n- 1\nname: null\nnum_bits: 8\n"}. An int axis is written as a plain int
   * ({@code axis: 0}; the reference raises a TypeError there), so every descriptor can be written and
   * read back equal. An E4M3 descriptor writes {@code num_bits: !!python/tuple} as the reference does
   * (which its {@code safe_load} cannot read; {@link #fromYaml} can).
   *
   * @return the YAML text
   */
  public String toYaml() {
    String yaml = PyYaml.dump(toMap());
    return isE4M3() ? yaml.replace("num_bits:\n", "num_bits: !!python/tuple\n") : yaml;
  }

  /**
   * Reads {@link #toYaml()} output (or any YAML mapping of the keys {@link #fromMap} takes).
   *
   * @param yaml the YAML text
   * @return the descriptor
   * @throws IllegalArgumentException if the YAML is not a mapping of known keys with valid values
   */
  public static QuantDescriptor fromYaml(String yaml) {
    return fromMap(PyYaml.load(yaml));
  }

  /**
   * Builds a descriptor from the reference's keyword arguments ({@code num_bits}, {@code name},
   * {@code fake_quant}, {@code axis}, {@code amax}, {@code learn_amax}, {@code scale_amax},
   * {@code calib_method}, {@code unsigned}, {@code narrow_range}), as {@code QuantDescriptor(**kwargs)}
   * does; {@link #toMap()} output reads back. An Integer axis gives the int form, a List the tuple
   * form. amax must be a floating number or a (nested) list of them: an integer amax is rejected, as in
   * the reference.
   *
   * @param kwargs the keyword arguments
   * @return the descriptor
   * @throws IllegalArgumentException for an unknown key or a value of the wrong type or range
   */
  public static QuantDescriptor fromMap(Map<String, ?> kwargs) {
    List<String> unknown = new ArrayList<>();
    for (String k : kwargs.keySet()) {
      if (!MAP_KEYS.contains(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown QuantDescriptor keys " + unknown
          + "; expected some of " + new java.util.TreeSet<>(MAP_KEYS));
    }
    Builder b = builder();
    if (kwargs.containsKey("num_bits")) {
      Object nb = kwargs.get("num_bits");
      if (nb instanceof List<?> pair) {
        if (pair.size() != 2 || !isInt(pair.get(0)) || !isInt(pair.get(1))) {
          throw new IllegalArgumentException(
              "num_bits must be a non-negative integer or (4, 3), got " + pair);
        }
        b.numBits(((Number) pair.get(0)).intValue(), ((Number) pair.get(1)).intValue());
      } else if (!(nb instanceof Integer || nb instanceof Long)) {
        throw new IllegalArgumentException("num_bits must be an integer, got " + describe(nb));
      } else {
        b.numBits(((Number) nb).intValue());
      }
    }
    if (kwargs.containsKey("name")) {
      Object n = kwargs.get("name");
      if (n != null && !(n instanceof String)) {
        throw new IllegalArgumentException("name must be a string or null, got " + describe(n));
      }
      b.name((String) n);
    }
    b.fakeQuant(bool(kwargs, "fake_quant", true));
    if (kwargs.containsKey("axis") && kwargs.get("axis") != null) {
      Object a = kwargs.get("axis");
      if (a instanceof Integer || a instanceof Long) {
        b.axis(((Number) a).intValue());
      } else if (a instanceof List<?> list) {
        int[] dims = new int[list.size()];
        for (int i = 0; i < dims.length; i++) {
          if (!(list.get(i) instanceof Integer || list.get(i) instanceof Long)) {
            throw new IllegalArgumentException("axis entries must be integers, got " + list);
          }
          dims[i] = ((Number) list.get(i)).intValue();
        }
        b.axisTuple(dims);
      } else {
        throw new IllegalArgumentException(
            "axis must be an integer or a list of integers, got " + describe(a));
      }
    }
    b.learnAmax(bool(kwargs, "learn_amax", false));
    if (kwargs.get("amax") != null) {
      Object a = kwargs.get("amax");
      if (a instanceof Double || a instanceof Float) {
        b.amax(((Number) a).floatValue());
      } else if (a instanceof List<?>) {
        List<Long> shape = new ArrayList<>();
        List<Float> flat = new ArrayList<>();
        flattenAmax(a, 0, shape, flat);
        float[] values = new float[flat.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = flat.get(i);
        }
        b.amax(values, shape.stream().mapToLong(Long::longValue).toArray());
      } else {
        throw new IllegalArgumentException(
            "amax must be a float or a (nested) list of floats, got " + describe(a));
      }
    }
    if (kwargs.get("scale_amax") != null) {
      Object s = kwargs.get("scale_amax");
      if (!(s instanceof Number)) {
        throw new IllegalArgumentException("scale_amax must be a number, got " + describe(s));
      }
      b.scaleAmax(((Number) s).floatValue());
    }
    if (kwargs.containsKey("calib_method")) {
      Object c = kwargs.get("calib_method");
      if (!(c instanceof String)) {
        throw new IllegalArgumentException(
            "calib_method must be \"max\" or \"histogram\", got " + describe(c));
      }
      b.calibMethod((String) c);
    }
    b.unsigned(bool(kwargs, "unsigned", false));
    b.narrowRange(bool(kwargs, "narrow_range", false));
    return b.build();
  }

  /**
   * The reference's {@code str()}: {@code QuantDescriptor(8bit fake axis= per-tensor)}, or
   * {@code name: (...)} when named, with {@code  amax=<numpy str> full_range}, {@code  learn_amax} and
   * {@code  scale_amax=x} when set. narrowRange and calibMethod are not printed.
   *
   * @return the text
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(name != null ? name + ": " : "QuantDescriptor");
    s.append('(').append(unsigned ? "unsigned " : "").append(bitsText()).append("bit");
    s.append(fakeQuant ? " fake" : " real");
    s.append(" axis=").append(axis.length == 0 ? " per-tensor" : axisText(axis, axisIsTuple));
    if (amax != null) {
      s.append(" amax=").append(NumpyFloat32Format.array(amax, amaxShape)).append(" full_range");
    }
    if (learnAmax) {
      s.append(" learn_amax");
    }
    if (scaleAmax != null && scaleAmax != 0f) {
      s.append(" scale_amax=").append(PythonFloats.repr(scaleAmax));
    }
    return s.append(')').toString();
  }

  /**
   * The bit width as the reference prints it: {@code 8}, or {@code (4, 3)} for E4M3.
   *
   * @return the text
   */
  public String bitsText() {
    return isE4M3() ? "(4, 3)" : Integer.toString(numBits);
  }

  /**
   * Value equality over every field, the axis form and the amax shape included (float fields compare
   * by bits, so NaN amax equals NaN amax).
   *
   * @param o the other object
   * @return whether they describe the same quantization
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof QuantDescriptor d)) {
      return false;
    }
    return numBits == d.numBits
        && format == d.format
        && fakeQuant == d.fakeQuant
        && axisIsTuple == d.axisIsTuple
        && learnAmax == d.learnAmax
        && unsigned == d.unsigned
        && narrowRange == d.narrowRange
        && Objects.equals(name, d.name)
        && Arrays.equals(axis, d.axis)
        && Arrays.equals(amax, d.amax)
        && Arrays.equals(amaxShape, d.amaxShape)
        && Objects.equals(scaleAmax, d.scaleAmax)
        && calibMethod.equals(d.calibMethod);
  }

  /**
   * A hash consistent with {@link #equals(Object)}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    int h = Objects.hash(numBits, format, name, fakeQuant, axisIsTuple, learnAmax, scaleAmax, calibMethod,
        unsigned, narrowRange);
    h = 31 * h + Arrays.hashCode(axis);
    h = 31 * h + Arrays.hashCode(amax);
    return 31 * h + Arrays.hashCode(amaxShape);
  }

  private static String axisText(int[] axis, boolean tuple) {
    if (!tuple && axis.length == 1) {
      return Integer.toString(axis[0]);
    }
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < axis.length; i++) {
      s.append(i > 0 ? ", " : "").append(axis[i]);
    }
    return s.append(axis.length == 1 ? ",)" : ")").toString();
  }

  private static String quoted(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }

  private static List<Integer> boxed(int[] a) {
    List<Integer> l = new ArrayList<>();
    for (int v : a) {
      l.add(v);
    }
    return l;
  }

  private static Object nestedList(float[] values, long[] shape, int dim, int offset) {
    if (shape.length == 0) {
      return (double) values[0];
    }
    int stride = 1;
    for (int i = dim + 1; i < shape.length; i++) {
      stride *= (int) shape[i];
    }
    List<Object> l = new ArrayList<>();
    for (int i = 0; i < shape[dim]; i++) {
      l.add(dim == shape.length - 1
          ? (Object) (double) values[offset + i]
          : nestedList(values, shape, dim + 1, offset + i * stride));
    }
    return l;
  }

  private static void flattenAmax(Object o, int depth, List<Long> shape, List<Float> out) {
    if (o instanceof List<?> list) {
      if (shape.size() == depth) {
        shape.add((long) list.size());
      } else if (shape.get(depth) != list.size()) {
        throw new IllegalArgumentException("amax lists must be rectangular, got ragged lengths "
            + shape.get(depth) + " and " + list.size() + " at depth " + depth);
      }
      for (Object e : list) {
        flattenAmax(e, depth + 1, shape, out);
      }
    } else if (o instanceof Number n) {
      if (depth != shape.size()) {
        throw new IllegalArgumentException("amax lists must be rectangular, got a number at depth "
            + depth);
      }
      out.add(n.floatValue());
    } else {
      throw new IllegalArgumentException("amax entries must be numbers, got " + describe(o));
    }
  }

  private static boolean isInt(Object o) {
    return o instanceof Integer || o instanceof Long;
  }

  private static boolean bool(Map<String, ?> m, String key, boolean dflt) {
    if (!m.containsKey(key)) {
      return dflt;
    }
    Object v = m.get(key);
    if (!(v instanceof Boolean)) {
      throw new IllegalArgumentException(key + " must be a boolean, got " + describe(v));
    }
    return (Boolean) v;
  }

  private static String describe(Object o) {
    return o == null ? "null" : o + " (" + o.getClass().getSimpleName() + ")";
  }

  /** Builds a {@link QuantDescriptor}; every setter returns this builder. */
  public static final class Builder {
    private int numBits = 8;
    private QuantFormat format = QuantFormat.INT;
    private String name;
    private boolean fakeQuant = true;
    private int[] axis = new int[0];
    private boolean axisIsTuple;
    private float[] amax;
    private long[] amaxShape;
    private boolean learnAmax;
    private Float scaleAmax;
    private String calibMethod = "max";
    private boolean unsigned;
    private boolean narrowRange;

    private Builder() {}

    /**
     * Sets the bit width.
     *
     * @param numBits 0 to 16
     * @return this builder
     */
    public Builder numBits(int numBits) {
      this.numBits = numBits;
      this.format = QuantFormat.INT;
      return this;
    }

    /**
     * Sets a floating-point format by its exponent and mantissa bits, as the reference's
     * {@code num_bits=(4, 3)}: only (4, 3), FP8 E4M3, exists.
     *
     * @param exponentBits 4
     * @param mantissaBits 3
     * @return this builder
     * @throws IllegalArgumentException for any other pair
     */
    public Builder numBits(int exponentBits, int mantissaBits) {
      if (exponentBits != 4 || mantissaBits != 3) {
        throw new IllegalArgumentException("num_bits as (exponent, mantissa) bits must be (4, 3) (FP8 E4M3), got ("
            + exponentBits + ", " + mantissaBits + ")");
      }
      return format(QuantFormat.E4M3);
    }

    /**
     * Sets the number format. {@link QuantFormat#E4M3} is the same as {@code numBits(4, 3)};
     * {@link QuantFormat#INT} keeps the integer bit width set by {@link #numBits(int)} (default 8).
     *
     * @param format the format
     * @return this builder
     * @throws IllegalArgumentException if format is null
     */
    public Builder format(QuantFormat format) {
      if (format == null) {
        throw new IllegalArgumentException("format must be one of " + Arrays.toString(QuantFormat.values())
            + ", got null");
      }
      this.format = format;
      if (format == QuantFormat.E4M3) {
        this.numBits = E4M3_STORAGE_BITS;
      }
      return this;
    }

    /**
     * Sets the name ({@code toString()} then reads {@code name: (...)}).
     *
     * @param name the name, or null
     * @return this builder
     */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Chooses fake quantization (dequantized outputs) or real (integers plus a scale).
     *
     * @param fakeQuant true for fake
     * @return this builder
     */
    public Builder fakeQuant(boolean fakeQuant) {
      this.fakeQuant = fakeQuant;
      return this;
    }

    /**
     * Sets a single quantization axis, in the int form ({@code axis=0}).
     *
     * @param axis the dim that keeps its own amax (negative counts from the end)
     * @return this builder
     */
    public Builder axis(int axis) {
      this.axis = new int[] {axis};
      this.axisIsTuple = false;
      return this;
    }

    /**
     * Sets the quantization axes: none = per tensor, one = the int form, more = the tuple form.
     *
     * @param axes the dims that keep their own amax
     * @return this builder
     */
    public Builder axis(int... axes) {
      this.axis = axes == null ? new int[0] : axes.clone();
      this.axisIsTuple = this.axis.length > 1;
      return this;
    }

    /**
     * Sets the quantization axes in the tuple form, even for one axis ({@code axis=(0,)}).
     *
     * @param axes the dims that keep their own amax
     * @return this builder
     */
    public Builder axisTuple(int... axes) {
      this.axis = axes == null ? new int[0] : axes.clone();
      this.axisIsTuple = true;
      return this;
    }

    /**
     * Makes the descriptor per tensor (no axis).
     *
     * @return this builder
     */
    public Builder perTensor() {
      return axis();
    }

    /**
     * Fixes a scalar amax (a 0-dim float32 array, as {@code amax=2.5} in the reference).
     *
     * @param amax the amax
     * @return this builder
     */
    public Builder amax(float amax) {
      this.amax = new float[] {amax};
      this.amaxShape = new long[0];
      return this;
    }

    /**
     * Fixes a 1-D amax (as a list in the reference; it broadcasts over the last dim).
     *
     * @param amax the values, or null for none
     * @return this builder
     */
    public Builder amax(float... amax) {
      if (amax == null) {
        return noAmax();
      }
      this.amax = amax.clone();
      this.amaxShape = new long[] {amax.length};
      return this;
    }

    /**
     * Fixes an amax of any shape, e.g. {@code [C, 1]} for per-row.
     *
     * @param values the values in C order
     * @param shape the shape ({@code []} for a scalar)
     * @return this builder
     */
    public Builder amax(float[] values, long[] shape) {
      this.amax = values.clone();
      this.amaxShape = shape.clone();
      return this;
    }

    /**
     * Fixes the amax to the values and shape of an array (converted to float32).
     *
     * @param amax the array, or null for none
     * @return this builder
     */
    public Builder amax(INDArray amax) {
      if (amax == null) {
        return noAmax();
      }
      INDArray f = amax.castTo(DataType.FLOAT);
      this.amax = f.dup('c').data().asFloat();
      this.amaxShape = amax.shape().clone();
      return this;
    }

    /**
     * Removes a fixed amax (amax is then dynamic or calibrated).
     *
     * @return this builder
     */
    public Builder noAmax() {
      this.amax = null;
      this.amaxShape = null;
      return this;
    }

    /**
     * Learns amax through a {@code Clip} (needs a per-tensor descriptor).
     *
     * @param learnAmax whether to learn amax
     * @return this builder
     */
    public Builder learnAmax(boolean learnAmax) {
      this.learnAmax = learnAmax;
      return this;
    }

    /**
     * Multiplies amax by a factor before quantizing.
     *
     * @param scaleAmax the factor, or null for none
     * @return this builder
     */
    public Builder scaleAmax(Float scaleAmax) {
      this.scaleAmax = scaleAmax;
      return this;
    }

    /**
     * Chooses the calibrator.
     *
     * @param calibMethod "max" or "histogram"
     * @return this builder
     */
    public Builder calibMethod(String calibMethod) {
      this.calibMethod = calibMethod;
      return this;
    }

    /**
     * Chooses an unsigned grid [0, 2^numBits − 1].
     *
     * @param unsigned whether unsigned
     * @return this builder
     */
    public Builder unsigned(boolean unsigned) {
      this.unsigned = unsigned;
      return this;
    }

    /**
     * Chooses a symmetric signed grid [−maxBound, maxBound].
     *
     * @param narrowRange whether narrow
     * @return this builder
     */
    public Builder narrowRange(boolean narrowRange) {
      this.narrowRange = narrowRange;
      return this;
    }

    /**
     * Builds the descriptor.
     *
     * @return the descriptor
     * @throws IllegalArgumentException for numBits outside [0, 16], an E4M3 format with an axis,
     *     unsigned, narrowRange or real quantization, an axis with learnAmax, a
     *     calibMethod other than "max"/"histogram", or an amax whose shape does not fit its values
     */
    public QuantDescriptor build() {
      return new QuantDescriptor(this);
    }
  }
}
