package org.quant4j.onnx;

import java.util.List;

/**
 * How {@link OnnxExport} writes a network: the opset, the graph's input and output names, whether
 * the batch dimension is symbolic, and whether quantized operators get int32 biases. Immutable; build one with {@link #builder()}.
 *
 * <p>Opset 13 is the default, as in the reference's {@code golden/onnx_export.json}. Opset 10 is the
 * first with QuantizeLinear/DequantizeLinear, but has no {@code axis} attribute, so it is accepted only
 * when every quantizer in the network is per-tensor.
 */
public final class ExportOptions {

  /** The lowest opset with QuantizeLinear/DequantizeLinear. */
  public static final int MIN_OPSET = 10;

  /**
   * The highest opset this exporter writes: 19, the first with FP8 QuantizeLinear/DequantizeLinear.
   * The operators it emits keep their form from 13 to 19 (opset 18's change of the Reduce operators
   * other than ReduceSum does not touch it).
   */
  public static final int MAX_OPSET = 19;

  /** The default opset, the reference's. */
  public static final int DEFAULT_OPSET = 13;

  private static final ExportOptions DEFAULTS = builder().build();

  private final int opset;
  private final String inputName;
  private final List<String> outputNames;
  private final boolean dynamicBatch;
  private final boolean int32Bias;

  private ExportOptions(Builder b) {
    this.opset = b.opset;
    this.inputName = b.inputName;
    this.outputNames = b.outputNames;
    this.dynamicBatch = b.dynamicBatch;
    this.int32Bias = b.int32Bias;
  }

  /**
   * The defaults: opset 13, input {@code input}, output {@code output} (a ComputationGraph with several
   * outputs names them after their vertices), fixed batch size, int32 biases.
   *
   * @return the default options
   */
  public static ExportOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder().opset(opset).inputName(inputName).outputNames(outputNames).dynamicBatch(dynamicBatch)
        .int32Bias(int32Bias);
  }

  /**
   * The default-domain opset version.
   *
   * @return 10 to 19
   */
  public int opset() {
    return opset;
  }

  /**
   * The graph input's name.
   *
   * @return the name
   */
  public String inputName() {
    return inputName;
  }

  /**
   * The graph outputs' names in the network's output order; empty means the default.
   *
   * @return an unmodifiable list
   */
  public List<String> outputNames() {
    return outputNames;
  }

  /**
   * Whether dimension 0 of the input and outputs is the symbolic {@code batch} instead of the size
   * given in the input shape.
   *
   * @return true for a dynamic batch
   */
  public boolean dynamicBatch() {
    return dynamicBatch;
  }

  /**
   * Whether the bias of a Conv or Gemm whose data input and weight are both quantized is written as an
   * int32 tensor through DequantizeLinear (scale = input scale × weight scale per output channel, zero
   * point 0), the form ONNX Runtime's quantizer and TensorRT expect, so that ONNX Runtime fuses the
   * operator into its integer kernels. The rounding adds at most half a bias step,
   * {@code s_x · s_w[c] / 2}, to each output of the operator (docs/onnx.md). When false, biases stay
   * float.
   *
   * @return true (the default) for int32 biases
   */
  public boolean int32Bias() {
    return int32Bias;
  }

  @Override
  public String toString() {
    return "ExportOptions(opset=" + opset + ", inputName=" + inputName + ", outputNames=" + outputNames
        + ", dynamicBatch=" + dynamicBatch + ", int32Bias=" + int32Bias + ")";
  }

  /** Builds {@link ExportOptions}; every setter checks its argument. */
  public static final class Builder {
    private int opset = DEFAULT_OPSET;
    private String inputName = "input";
    private List<String> outputNames = List.of();
    private boolean dynamicBatch;
    private boolean int32Bias = true;

    private Builder() {}

    /**
     * Sets the opset.
     *
     * @param opset 10 to 19
     * @return this builder
     * @throws IllegalArgumentException if outside that range
     */
    public Builder opset(int opset) {
      if (opset < MIN_OPSET || opset > MAX_OPSET) {
        throw new IllegalArgumentException(
            "opset must be in [" + MIN_OPSET + ", " + MAX_OPSET + "], got " + opset);
      }
      this.opset = opset;
      return this;
    }

    /**
     * Sets the graph input's name.
     *
     * @param name a non-empty name
     * @return this builder
     * @throws IllegalArgumentException if null or empty
     */
    public Builder inputName(String name) {
      this.inputName = requireName("inputName", name);
      return this;
    }

    /**
     * Sets the graph outputs' names, one per network output, in order.
     *
     * @param names non-empty, distinct names; an empty list restores the default
     * @return this builder
     * @throws IllegalArgumentException if a name is null, empty or repeated
     */
    public Builder outputNames(List<String> names) {
      if (names == null) {
        throw new IllegalArgumentException("outputNames must not be null");
      }
      for (String n : names) {
        requireName("outputNames", n);
      }
      if (names.stream().distinct().count() != names.size()) {
        throw new IllegalArgumentException("outputNames must be distinct, got " + names);
      }
      this.outputNames = List.copyOf(names);
      return this;
    }

    /**
     * Sets the graph outputs' names.
     *
     * @param names the names
     * @return this builder
     * @see #outputNames(List)
     */
    public Builder outputNames(String... names) {
      return outputNames(List.of(names));
    }

    /**
     * Makes dimension 0 symbolic ({@code batch}).
     *
     * @param dynamic true for a dynamic batch
     * @return this builder
     */
    public Builder dynamicBatch(boolean dynamic) {
      this.dynamicBatch = dynamic;
      return this;
    }

    /**
     * Writes the biases of quantized Conv and Gemm operators as int32 through DequantizeLinear, or as
     * float.
     *
     * @param int32 true for int32 biases (the default), false for float biases
     * @return this builder
     * @see ExportOptions#int32Bias()
     */
    public Builder int32Bias(boolean int32) {
      this.int32Bias = int32;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the immutable options
     */
    public ExportOptions build() {
      return new ExportOptions(this);
    }

    private static String requireName(String what, String name) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException(what + " must be a non-empty name, got '" + name + "'");
      }
      return name;
    }
  }
}
